"""A purchased precursor is linked to its producer's submission only when that is certain (issue 18 left-over):
two suppliers that could have made it are reported, by name, in collect and in the declaration's follow-up, nothing
is picked, and the declaration takes the documented fallback: in a definitive-period file an actual precursor SEE
without its producer named is an error (PR-004), so the buyer's lines take the default value; with the producer
named, its own submission's figures are used and the link is made."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cbam_exchange.workspace.collect import collect
from cbam_exchange.workspace.db import Workspace, connect
from cbam_exchange.workspace.declare import declare
from tests.conftest import ROOT
from tests.test_workspace import table_value
from tests.test_workspace_backends import url  # noqa: F401  (both back ends: SQLite, and PostgreSQL where set)

CEMENT = json.loads((ROOT / "examples" / "cement-clinker-two-cements.json").read_text(encoding="utf-8"))
RECORDED = json.loads((ROOT / "tests" / "differential" / "libreoffice" / "cement-clinker-two-cements.json")
                      .read_text(encoding="utf-8"))
NAMED_PRODUCER = "TR-INST-2026-000902"  # the Registry id the example's PP1 (clinker bought in Türkiye) names


def kiln(name: str, registry: str, locode: str) -> dict:
    """A Turkish clinker maker: the cement example moved to Türkiye, buying nothing."""
    data = copy.deepcopy(CEMENT)
    data["installation"].update(name=name, country="Türkiye", country_code="TR", unlocode=locode)
    data["purchased_precursors"] = []
    data["definitive"]["registry_installation_id"] = registry
    data["definitive"]["precursors"] = []
    return data


def buyer(names_producer: bool) -> dict:
    data = copy.deepcopy(CEMENT)
    if not names_producer:
        for p in data["definitive"]["precursors"]:
            p["origin"] = {"country_code": "TR"}
    return data


def write(folder: Path, name: str, data: dict) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def kilns(folder: Path) -> None:
    write(folder, "aliaga.json", kiln("Aliaga kiln 2", NAMED_PRODUCER, "TRALI"))
    write(folder, "bursa.json", kiln("Bursa clinker works", "TR-INST-2026-000777", "TRBTZ"))


def links(db: Workspace) -> list[tuple]:
    return db.rows("SELECT l.precursor, i.name FROM precursor_links l JOIN submissions s ON "
                   "s.id = l.upstream_submission_id JOIN installations i ON i.id = s.installation_id")


def cement_line(db: Workspace, tmp_path: Path):
    imports = tmp_path / "imports.csv"
    imports.write_text("date,cn_code,country,net_mass,unit,installation\n"
                       "2026-05-20,25232900,EG,5000,t,Nile Delta Cement Company – Amreya plant\n", encoding="utf-8")
    decl = declare(db, imports, 2026)
    return decl.lines[0], decl


@pytest.mark.parametrize("runs", ["one run", "buyer first, producers in a later run"])
def test_two_possible_producers_are_reported_and_none_is_picked(url: str, tmp_path: Path,  # noqa: F811
                                                                runs: str) -> None:
    db = connect(url)
    folder = tmp_path / "suppliers"
    write(folder, "nile-delta.json", buyer(names_producer=False))
    if runs != "one run":
        first = collect(db, [folder], jobs=1)
        assert first.ambiguous == [] and links(db) == []  # nothing upstream yet: nothing to decide
        folder = tmp_path / "later"
    kilns(folder)
    summary = collect(db, [folder], jobs=1)
    assert links(db) == [] and summary.linked == 0
    assert len(summary.ambiguous) == 1
    told = summary.ambiguous[0]
    assert "PP1" in told and "Aliaga kiln 2" in told and "Bursa clinker works" in told
    stored = db.rows("SELECT s.installation_id, f.severity, f.message FROM findings f JOIN submissions s ON "
                     "s.id = f.submission_id WHERE f.rule = 'LINK-AMBIGUOUS'")
    assert [(sev, msg) for _, sev, msg in stored] == [("warning", told)]
    line, decl = cement_line(db, tmp_path)
    # no upstream figure is taken: Egypt's default for grey Portland cement with the 2026 mark-up (from the CSV)
    assert line["source"] == "default" and line["emissions"] == pytest.approx(5000 * table_value("EG", "25232900")
                                                                               * 1.10)
    chased = {s["supplier"]: s for s in decl.followup}
    assert stored[0][0] in chased and told in chased[stored[0][0]]["reasons"]


def test_a_producer_named_by_its_registry_id_is_linked_even_with_another_candidate(url: str,  # noqa: F811
                                                                                   tmp_path: Path) -> None:
    db = connect(url)
    folder = tmp_path / "suppliers"
    write(folder, "nile-delta.json", buyer(names_producer=True))
    kilns(folder)
    summary = collect(db, [folder], jobs=1)
    assert summary.ambiguous == [] and summary.linked == 1
    assert links(db) == [("PP1", "Aliaga kiln 2")]
    line, decl = cement_line(db, tmp_path)
    # the buyer's own figure (the template's result, recorded by LibreOffice), whatever the kilns declare
    highest = max(RECORDED["products"]["1"]["see_total"], RECORDED["products"]["2"]["see_total"])
    assert line["source"] == "actual" and line["emissions"] == pytest.approx(5000 * highest)
    assert not any("could come from any of" in r for s in decl.followup for r in s["reasons"])


def test_one_possible_producer_in_the_country_is_linked(url: str, tmp_path: Path) -> None:  # noqa: F811
    db = connect(url)
    folder = tmp_path / "suppliers"
    write(folder, "nile-delta.json", buyer(names_producer=False))
    write(folder, "bursa.json", kiln("Bursa clinker works", "TR-INST-2026-000777", "TRBTZ"))
    other = kiln("Sohar clinker", "OM-INST-2026-000001", "OMSOH")
    other["installation"].update(country="Oman", country_code="OM")
    write(folder, "sohar.json", other)  # clinker too, but from another country: not a candidate
    summary = collect(db, [folder], jobs=1)
    assert summary.ambiguous == [] and links(db) == [("PP1", "Bursa clinker works")]
