"""Issue 17 (everyday trust) probes of the summary-report reader (Annex IV §1.2 JSON that `cbam collect` reads): a
value that cannot be right is refused with the file, the item and what was found, never stored as if it were right;
a value that can be right (a western longitude) is not refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cbam_exchange.annex_iv.build import build_reports
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers.summary_report import read_summary_report
from cbam_exchange.readers.supplement import read_with_supplement
from tests.conftest import ROOT

STEEL = ROOT / "examples" / "steelworks-bf-bof.json"


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    supplement = ROOT / "examples" / "supplements" / "steelworks-bf-bof.supplement.yaml"
    _, report = build_reports(read_with_supplement(STEEL, supplement), file=STEEL, supplement=supplement)
    return json.loads(json.dumps(report.to_dict()))


def values(report: dict[str, Any], number: str) -> list[dict[str, Any]]:
    return next(i for i in report["sections"][0]["items"] if i["item"] == number)["values"]


def refused(report: dict[str, Any], tmp_path: Path, text: str | None = None) -> UnreadableInput:
    path = tmp_path / "summary.json"
    path.write_text(text if text is not None else json.dumps(report), encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read_summary_report(path)
    assert str(path) in caught.value.describe()
    return caught.value


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "1e999"])
def test_an_infinite_see_is_refused(summary, tmp_path: Path, literal: str) -> None:
    first = values(summary, "(4)(a)")[0]["value"]
    text = json.dumps(summary).replace(repr(first), literal, 1)
    assert literal in text
    error = refused(summary, tmp_path, text)
    assert error.location == "item (4)(a), row 1" and "inf" in (error.found or "")


def test_a_second_value_for_the_same_good_is_refused_not_taken_silently(summary, tmp_path: Path) -> None:
    report = copy.deepcopy(summary)
    see = values(report, "(4)(a)")
    see.append({**see[0], "value": see[0]["value"] * 5})
    error = refused(report, tmp_path)
    assert error.location == "item (4)(a), row 1" and "twice" in error.problem


def test_an_item_given_twice_is_refused(summary, tmp_path: Path) -> None:
    report = copy.deepcopy(summary)
    items = report["sections"][0]["items"]
    items.append(copy.deepcopy(next(i for i in items if i["item"] == "(4)(a)")))
    error = refused(report, tmp_path)
    assert "(4)(a)" in error.problem and "twice" in error.problem


@pytest.mark.parametrize(("label", "value"), [("latitude", -33.9), ("longitude", -46.6)])
def test_southern_and_western_coordinates_are_read(summary, tmp_path: Path, label: str, value: float) -> None:
    report = copy.deepcopy(summary)
    next(v for v in values(report, "(2)(e)") if v["label"] == label)["value"] = value
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert read_summary_report(path).installation[label] == value


@pytest.mark.parametrize(("label", "value"), [("latitude", 91), ("longitude", -181)])
def test_coordinates_off_the_globe_are_refused(summary, tmp_path: Path, label: str, value: float) -> None:
    report = copy.deepcopy(summary)
    next(v for v in values(report, "(2)(e)") if v["label"] == label)["value"] = value
    error = refused(report, tmp_path)
    assert error.location == "item (2)(e)" and repr(value) in (error.found or "")


def test_a_share_above_100_percent_is_refused(summary, tmp_path: Path) -> None:
    report = copy.deepcopy(summary)
    values(report, "(4)(b)")[0]["value"] = 250
    error = refused(report, tmp_path)
    assert error.location == "item (4)(b), row 1" and "250" in (error.found or "")


def test_a_registry_identifier_that_is_not_text_is_refused_not_an_internal_error(summary, tmp_path: Path) -> None:
    report = copy.deepcopy(summary)
    values(report, "(2)(b)")[0]["value"] = 12345
    error = refused(report, tmp_path)
    assert error.location == "item (2)(b)" and "12345" in (error.found or "")


@pytest.mark.parametrize("period", [{"start": "2026-02-30", "end": "2026-12-31"},
                                   {"start": "2026-12-31", "end": "2026-01-01"}], ids=["no-such-day", "reversed"])
def test_an_impossible_reporting_period_is_refused(summary, tmp_path: Path, period: dict[str, str]) -> None:
    report = copy.deepcopy(summary)
    report["reporting_period"] = period
    error = refused(report, tmp_path)
    assert error.location == "reporting_period" and period["start"] in (error.found or "")


def test_a_summary_claiming_the_registry_id_of_an_installation_in_another_country_supersedes_nothing(
        summary, tmp_path: Path) -> None:
    """The Registry identifier joins files of one installation; a file of an Omani smelter that names the Turkish
    steelworks' identifier (a typing error, or a copied supplement) must not take the steelworks' place."""
    from cbam_exchange.workspace.collect import collect, listing
    from cbam_exchange.workspace.db import connect

    registry = values(summary, "(2)(b)")[0]["value"]
    other = copy.deepcopy(summary)
    for number, value in (("(2)(a)", "Sohar Primary Aluminium Smelter"), ("(2)(c)", "OMSOH")):
        values(other, number)[0]["value"] = value
    next(v for v in values(other, "(2)(d)") if v["label"] == "country code")["value"] = "OM"
    other["generated"] = "2099-01-01T00:00:00Z"
    for folder, report in (("a", summary), ("b", other)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "summary.json").write_text(json.dumps(report), encoding="utf-8")
    db = connect(tmp_path / "ws.sqlite")
    collect(db, [tmp_path / "a"], jobs=1)
    got = collect(db, [tmp_path / "b"], jobs=1)
    assert (got.stored, got.unreadable, got.superseded) == (0, 1, 0)
    [error] = got.errors
    assert str(tmp_path / "b" / "summary.json") in error and registry in error and "'OM'" in error
    assert "'TR'" in error
    [row] = listing(db)
    assert row["state"] == "current" and row["name"].startswith("Anatolia")
    db.close()


def test_a_see_far_above_the_default_value_is_on_the_chase_list(summary, tmp_path: Path) -> None:
    """A workbook's SEE far above the default value gets PH-001; a summary's was taken without a word, so a typing
    error (1515 for 1.515) multiplied the declaration's certificates a thousandfold with exit 0."""
    from cbam_exchange.reference.tables import applicable_default
    from cbam_exchange.workspace.summaries import chase_reasons

    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary), encoding="utf-8")
    assert not any("default value" in r for r in chase_reasons(read_summary_report(path), "s.json"))
    report = copy.deepcopy(summary)
    first = values(report, "(4)(a)")[0]
    first["value"] *= 1000
    default = applicable_default(first["ref"]["cn_code"], "TR", 2026)
    assert default is not None and first["value"] > 10 * (default.direct or default.total)
    path.write_text(json.dumps(report), encoding="utf-8")
    [reason] = [r for r in chase_reasons(read_summary_report(path), "s.json") if "default value" in r]
    assert "s.json" in reason and "item (4)(a)" in reason and "row 1" in reason
