"""Issue 16 item 5: the importer collects operators' summary reports (Annex IV §1.2, the JSON `cbam annex-iv`
writes) beside workbooks, and the declaration uses their SEE, SEFA, shares and precursor origins. Expected figures
are read from the summary JSON by the test itself (mass x SEE of the item for that good), never from the code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cbam_exchange.annex_iv.build import build_reports
from cbam_exchange.readers.supplement import read_with_supplement
from cbam_exchange.workspace.collect import collect, listing
from cbam_exchange.workspace.db import connect
from cbam_exchange.workspace.declare import declare
from cbam_exchange.workspace.outputs import write_outputs
from tests.conftest import ROOT

SUPPLEMENTS = ROOT / "examples" / "supplements"
STEEL_REGISTRY = "TR-INST-2026-000417"


def cbam(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=900)


@pytest.fixture(scope="module")
def reports(example_workbooks, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The steelworks' summary from `cbam annex-iv` on the JSON example and its supplement (with a Registry
    identifier); the cement plant's from its workbook (built from the blank template) and its supplement without the
    Registry identifier line."""
    out = tmp_path_factory.mktemp("annex-iv")
    run = cbam("annex-iv", str(ROOT / "examples" / "steelworks-bf-bof.json"), "--supplement",
               str(SUPPLEMENTS / "steelworks-bf-bof.supplement.yaml"), "-o", str(out / "steel"))
    assert run.returncode == 0, run.stderr
    supplement = out / "cement.supplement.yaml"
    text = (SUPPLEMENTS / "cement-clinker-two-cements.supplement.yaml").read_text()
    supplement.write_text("\n".join(x for x in text.splitlines() if "registry_installation_id" not in x) + "\n")
    workbook = example_workbooks["cement-clinker-two-cements"]
    _, summary = build_reports(read_with_supplement(workbook, supplement), file=workbook, supplement=supplement)
    return {"steel": json.loads((out / "steel" / "summary-report.json").read_text()),
            "cement": summary.to_dict()}


def item(report: dict, number: str) -> list[dict]:
    return next(i for s in report["sections"] for i in s["items"] if i["item"] == number)["values"]


def per_good(report: dict, number: str, label: str | None = None) -> dict[int, float]:
    """Item values by product row, as the summary states them."""
    return {v["ref"]["row"]: v["value"] for v in item(report, number) if label is None or v.get("label") == label}


def cn_of(report: dict) -> dict[int, str]:
    return {v["ref"]["row"]: v["ref"]["cn_code"] for v in item(report, "(4)(a)")}


def write(folder: Path, name: str, report: dict, **change: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps({**report, **change}, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder / name


IMPORTS = ("date,cn_code,country,net_mass,unit,installation\n"
           f"2026-02-10,72083900,TR,1200,t,{STEEL_REGISTRY}\n"
           "2026-03-05,72071210,TR,300,t,TRISK\n"
           "2026-05-20,25232900,EG,5000,t,Nile Delta Cement Company – Amreya plant\n")


def test_the_declaration_uses_the_summarys_see_on_the_right_basis_and_its_sefa(reports, tmp_path: Path) -> None:
    steel, cement = reports["steel"], reports["cement"]
    from cbam_exchange.model.summary_report import ITEMS
    assert [i["item"] for i in steel["sections"][0]["items"]] == list(ITEMS)  # the reader requires each of them
    folder = tmp_path / "in"
    write(folder, "steel-summary.json", steel)
    write(folder, "cement-summary.json", cement)
    db = connect(tmp_path / "ws.sqlite")
    got = collect(db, [folder], jobs=1)
    assert (got.stored, got.unreadable) == (2, 0), got.errors
    imports = tmp_path / "imports.csv"
    imports.write_text(IMPORTS, encoding="utf-8")
    decl = declare(db, imports, 2026)
    lines = {line["line"]: line for line in decl.lines}
    # steel (Annex II): direct SEE only, from item (4)(a) of the good's row; SEFA from item (4)(e)
    see, sefa, rows = per_good(steel, "(4)(a)"), per_good(steel, "(4)(e)"), cn_of(steel)
    coil = next(r for r, cn in rows.items() if cn == "72083900")
    slab = next(r for r, cn in rows.items() if cn == "72071210")
    assert lines[2]["source"] == "actual" and lines[2]["emissions"] == pytest.approx(1200 * see[coil])
    assert lines[2]["sefa"] == pytest.approx(1200 * sefa[coil])
    assert lines[2]["certificates"] == pytest.approx(1200 * (see[coil] - sefa[coil]))
    assert lines[3]["emissions"] == pytest.approx(300 * see[slab])
    assert lines[2]["default_share_pct"] == per_good(steel, "(4)(b)")[coil]
    assert "Registry ZA-INST-000088" in lines[2]["precursor_origins"]  # §1.2 (16) of the ferromanganese
    # cement (outside Annex II): direct (4)(a) plus indirect (4)(c); two cements share the CN code: the higher one
    direct, indirect = per_good(cement, "(4)(a)"), per_good(cement, "(4)(c)", "SEE indirect, tCO2e per unit")
    rows = [r for r, cn in cn_of(cement).items() if cn == "25232900"]
    assert len(rows) == 2 and all(indirect[r] > 0 for r in rows)
    highest = max(direct[r] + indirect[r] for r in rows)
    assert lines[4]["counted"] == "direct and indirect" and lines[4]["emissions"] == pytest.approx(5000 * highest)
    assert decl.totals["emissions"] == pytest.approx(1200 * see[coil] + 300 * see[slab] + 5000 * highest)
    db.close()


def test_the_chase_list_names_the_missing_registry_id_and_unverified_actual_values(reports, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder, "steel-summary.json", reports["steel"])
    write(folder, "cement-summary.json", reports["cement"])
    db = connect(tmp_path / "ws.sqlite")
    collect(db, [folder], jobs=1)
    imports = tmp_path / "imports.csv"
    imports.write_text(IMPORTS, encoding="utf-8")
    chase = {s["installation"]: s["reasons"] for s in declare(db, imports, 2026).followup}
    steel, cement = chase[STEEL_REGISTRY], chase["Nile Delta Cement Company – Amreya plant"]
    # the cement summary has no Registry identifier: item (2)(b), with the file's name
    assert any("cement-summary.json" in r and "item (2)(b)" in r for r in cement)
    assert not any("item (2)(b)" in r for r in steel)
    # neither carries a verifier's opinion: their actual values (item (4)(a), precursors in (13)) are not verified
    [unverified] = [r for r in steel if "not verified" in r]
    assert "steel-summary.json" in unverified and "item (4)(a)" in unverified and "item (13)" in unverified
    # a newer summary of the same installation and period, with a verifier's opinion, supersedes it: nothing to chase
    later = write(tmp_path / "later", "steel-summary-verified.json", reports["steel"],
                  generated="2030-01-01T00:00:00+00:00",
                  verification={"opinion": "verified as satisfactory", "verifier": "A verifier", "date": "2029-12-20"})
    got = collect(db, [later], jobs=1)
    assert (got.stored, got.superseded) == (1, 1)
    decl = declare(db, imports, 2026)
    assert STEEL_REGISTRY not in {s["installation"] for s in decl.followup}
    assert {s["installation"] for s in decl.followup} == {"Nile Delta Cement Company – Amreya plant"}
    written = write_outputs(decl, tmp_path / "out")
    letter = next(p for p in written if p.parent.name == "letters").read_text()
    assert "item (2)(b)" in letter and "default values, which include a mark-up" not in letter
    db.close()


def test_a_workbook_and_a_summary_of_one_installation_are_one_installation(reports, example_workbooks,
                                                                         tmp_path: Path) -> None:
    """The workbook cannot hold a Registry identifier; the summary names it. Either way round they are one
    installation, and the newer file (by its own date) is the current one."""
    from tests.test_workspace import _dated
    workbook = tmp_path / "a" / "steel.xlsx"
    workbook.parent.mkdir()
    shutil.copy(example_workbooks["steelworks-bf-bof"], workbook)
    _dated(workbook, "2027-02-01T10:00:00Z")
    db = connect(tmp_path / "ws.sqlite")
    collect(db, [workbook.parent], jobs=1)
    summary = write(tmp_path / "b", "steel-summary.json", reports["steel"], generated="2027-03-01T10:00:00Z")
    collect(db, [summary.parent], jobs=1)
    rows = {Path(r["path"]).name: r for r in listing(db)}
    assert rows["steel.xlsx"]["installation_id"] == rows["steel-summary.json"]["installation_id"]
    assert rows["steel-summary.json"]["state"] == "current"
    assert rows["steel.xlsx"]["state"] == f"superseded by {summary}"
    assert rows["steel-summary.json"]["file_date_basis"] == "summary report generated date"
    assert db.rows("SELECT registry_id FROM installations") == [(STEEL_REGISTRY,)]
    # a workbook dated after the summary is the current one again, still of the same installation
    newer = tmp_path / "c" / "steel-2.xlsx"
    newer.parent.mkdir()
    shutil.copy(example_workbooks["steelworks-bf-bof"], newer)
    _dated(newer, "2027-04-01T10:00:00Z")
    collect(db, [newer.parent], jobs=1)
    rows = {Path(r["path"]).name: r for r in listing(db)}
    assert rows["steel-2.xlsx"]["state"] == "current"
    assert rows["steel-2.xlsx"]["installation_id"] == rows["steel-summary.json"]["installation_id"]
    db.close()


def test_an_invalid_summary_gets_one_line_naming_file_and_field_and_the_batch_goes_on(reports,
                                                                                      tmp_path: Path) -> None:
    steel = reports["steel"]
    folder = tmp_path / "in"
    write(folder, "good.json", steel)
    write(folder, "version.json", steel, format_version="2.0")
    sections = json.loads(json.dumps(steel["sections"]))
    sections[0]["items"] = [i for i in sections[0]["items"] if i["item"] != "(2)(b)"]
    write(folder, "missing.json", steel, sections=sections, generated="2026-12-01T00:00:00Z")
    sections = json.loads(json.dumps(steel["sections"]))
    see = next(i for i in sections[0]["items"] if i["item"] == "(4)(a)")
    see["values"][0]["value"] = "1,5"
    write(folder, "text.json", steel, sections=sections, generated="2026-12-02T00:00:00Z")
    write(folder, "schema.json", steel, reporting_period={"start": "2026"}, generated="2026-12-03T00:00:00Z")
    write(folder, "full.json", steel, format="cbam-exchange/annex-iv-operator-emissions-report")
    db = connect(tmp_path / "ws.sqlite")
    got = collect(db, [folder], jobs=1)
    assert (got.stored, got.unreadable) == (1, 5)
    errors = {Path(e.split(":")[0].split(" [")[0]).name: e for e in got.errors}
    assert all("\n" not in e and "Traceback" not in e for e in errors.values())
    assert "[format_version]" in errors["version.json"] and "'2.0'" in errors["version.json"]
    assert "item (2)(b) missing" in errors["missing.json"]
    assert "[item (4)(a), row 1]" in errors["text.json"] and "'1,5'" in errors["text.json"]
    assert "[reporting_period]" in errors["schema.json"] and "'end'" in errors["schema.json"]
    assert "[format]" in errors["full.json"] and "summary report (§1.2)" in errors["full.json"]
    db.close()
    run = cbam("collect", str(folder), "--db", str(tmp_path / "cli.sqlite"), cwd=tmp_path)
    assert run.returncode == 2 and "version.json" in run.stderr and "Traceback" not in run.stderr
    assert "1 stored" in run.stdout


@pytest.mark.parametrize("summary_first", [False, True], ids=["producer-first", "summary-first"])
def test_a_precursor_origin_named_by_registry_id_links_to_that_installations_submission(
        reports, tmp_path: Path, summary_first: bool) -> None:
    """§1.2 (16) names the ferromanganese's producer by its Registry identifier: the link goes to that installation's
    current submission (here a JSON file of it), with the SEE the summary states beside the upstream one, whichever
    run brings the producer's file."""
    steel = reports["steel"]
    [origin] = [v["value"] for v in item(steel, "(16)") if v.get("label", "").startswith("CBAM Registry")]
    [cn] = [v["value"] for v in item(steel, "(13)") if v.get("label") == "CN code"]
    [see] = [v["value"] for v in item(steel, "(13)") if v.get("label") == "SEE direct"]
    upstream = json.loads((ROOT / "examples" / "aluminium-primary-smelter.json").read_text())
    upstream["definitive"]["registry_installation_id"] = origin
    upstream["installation"].update(name="Emalahleni smelter", country_code="ZA", unlocode=None)
    upstream["products"][0]["cn_code"] = cn
    db = connect(tmp_path / "ws.sqlite")
    if summary_first:  # the producer's file arrives in a later run: the link is made then
        assert collect(db, [write(tmp_path / "down", "steel-summary.json", steel)], jobs=1).linked == 0
        got = collect(db, [write(tmp_path / "up", "upstream.json", upstream)], jobs=1)
    else:
        collect(db, [write(tmp_path / "up", "upstream.json", upstream)], jobs=1)
        got = collect(db, [write(tmp_path / "down", "steel-summary.json", steel)], jobs=1)
    assert got.linked == 1
    [(precursor, declared, upstream_id)] = db.rows(
        "SELECT precursor, see_declared, upstream_submission_id FROM precursor_links")
    assert (precursor, declared) == ("PP1", see)
    assert upstream_id == db.scalar("SELECT s.id FROM submissions s JOIN files f ON f.sha256 = s.sha256 "
                                    "WHERE f.path LIKE '%upstream.json'")
    db.close()
