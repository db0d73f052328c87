"""`cbam annex-iv`: both reports from a workbook built from the blank template plus a filled supplement; each item's
value and source, "not provided" and "not applicable", and a summary that discloses nothing outside §1.2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from cbam_exchange.annex_iv.build import build_reports
from cbam_exchange.readers.supplement import read_with_supplement
from tests.conftest import ROOT

SUPPLEMENTS = ROOT / "examples" / "supplements"
RECORDED = ROOT / "tests" / "differential" / "libreoffice"
SUMMARY_ITEMS = ["(1)(a)", "(1)(b)", "(1)(c)", "(2)(a)", "(2)(b)", "(2)(c)", "(2)(d)", "(2)(e)", "(3)", "(4)(a)",
                 "(4)(b)", "(4)(c)", "(4)(d)", "(4)(e)", "(4)(f)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)",
                 "(12)", "(13)", "(14)", "(15)", "(16)"]  # Annex IV §1.2, written out from the act (A1)


def cbam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


def items(report: dict) -> dict[str, dict]:
    return {i["item"]: i for s in report["sections"] for i in s["items"]}


def values(item: dict, label: str | None = None, subject: str | None = None) -> list[dict]:
    return [v for v in item["values"] if (label is None or v.get("label") == label)
            and (subject is None or (v.get("subject") or "").startswith(subject))]


def supplement_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (SUPPLEMENTS / f"{name}.supplement.yaml").read_text()
    assert old in text
    out = tmp_path / f"{name}.supplement.yaml"
    out.write_text(text.replace(old, new, 1))
    return out


@pytest.fixture(scope="module")
def steel(example_workbooks) -> tuple[dict, dict]:
    workbook = example_workbooks["steelworks-bf-bof"]
    supplement = SUPPLEMENTS / "steelworks-bf-bof.supplement.yaml"
    full, summary = build_reports(read_with_supplement(workbook, supplement), file=workbook, supplement=supplement)
    return full.to_dict(), summary.to_dict()


def test_template_items_name_their_cells(steel) -> None:
    s = items(steel[1])
    assert s["(2)(a)"]["values"] == [{"value": "Anatolia Integrated Steel Works – Iskenderun plant",
                                      "source": "template A_InstData!I20"}]
    assert s["(2)(c)"]["values"][0] == {"value": "TRISK", "source": "template A_InstData!I27"}
    assert values(s["(2)(e)"], "latitude")[0] == {"label": "latitude", "value": 36.7415,
                                                  "source": "template A_InstData!I28"}
    assert s["(2)(a)"]["status"] == "provided"


def test_supplement_items_name_their_field(steel) -> None:
    s = items(steel[1])
    where = "supplement steelworks-bf-bof.supplement.yaml: definitive."
    assert s["(2)(b)"]["values"] == [{"value": "TR-INST-2026-000417", "source": where + "registry_installation_id"}]
    assert s["(1)(a)"]["values"][0]["source"] == where + "operator.name"
    [row1] = values(s["(4)(e)"], subject="row 1")
    assert row1["value"] == 1.266 and row1["source"] == where + "goods[0].sefa"
    assert values(s["(16)"], "CBAM Registry installation identifier (if any)")[0]["value"] == "ZA-INST-000088"
    assert values(s["(13)"], "year used in the complex good")[0]["value"] == 2026


def test_see_without_cached_results_is_computed_and_matches_the_templates_own_formulas(steel) -> None:
    """The written workbook carries no cached results: SEE is the recomputation, checked against LibreOffice."""
    recorded = json.loads((RECORDED / "steelworks-bf-bof.json").read_text())["products"]
    s = items(steel[1])
    for row in ("1", "2", "3"):
        [entry] = values(s["(4)(a)"], subject=f"row {row}")
        assert entry["value"] == pytest.approx(recorded[row]["see_direct"], rel=1e-9)
        assert entry["source"].startswith("computed: recomputation")


def test_sefa_not_stated_is_computed_from_ir_2025_2620_and_says_so(example_workbooks, tmp_path: Path) -> None:
    supplement = supplement_with(tmp_path, "steelworks-bf-bof", "      sefa: 1.266\n", "")
    _, summary = build_reports(read_with_supplement(example_workbooks["steelworks-bf-bof"], supplement))
    [row1] = values(items(summary.to_dict())["(4)(e)"], subject="row 1")
    assert row1["source"].startswith("computed: IR 2025/2620 benchmarks") and "CBAM factor" in row1["source"]
    assert "CSCF" in row1["note"] and "UNCONFIRMED" in row1["note"]
    assert 0 < row1["value"] < 2


def test_missing_items_say_not_provided_never_zero(example_workbooks, tmp_path: Path) -> None:
    supplement = supplement_with(tmp_path, "steelworks-bf-bof", '    name: "Anatolia Integrated Steel A.S."\n', "")
    full, summary = build_reports(read_with_supplement(example_workbooks["steelworks-bf-bof"], supplement))
    for report, number in ((summary.to_dict(), "(1)(a)"), (full.to_dict(), "1(a)")):
        item = items(report)[number]
        assert item["status"] == "not provided" and item["values"][0]["value"] == "not provided"
    # no supplement at all: every supplement item is not provided, template items still are
    _, bare = build_reports(read_with_supplement(example_workbooks["steelworks-bf-bof"], None))
    s = items(bare.to_dict())
    assert s["(2)(b)"]["status"] == "not provided" and s["(2)(a)"]["status"] == "provided"


def test_not_applicable_and_where_the_act_is_silent(steel, tmp_path: Path) -> None:
    full, summary = steel
    s = items(summary)
    assert s["(4)(c)"]["status"] == "not applicable" and "Annex II" in s["(4)(c)"]["note"]
    assert s["(4)(d)"]["status"] == "not applicable"
    assert "not specified by IR 2025/2547" in values(s["(4)(b)"], subject="row 1")[0]["note"]
    assert items(full)["(1)-(3)"]["status"] == "not applicable"  # §1.1.1: no electricity among the goods


def test_cement_discloses_the_indirect_split_of_its_non_annex_ii_goods() -> None:
    supplement = SUPPLEMENTS / "cement-clinker-two-cements.supplement.yaml"
    full, summary = build_reports(read_with_supplement(ROOT / "examples" / "cement-clinker-two-cements.json",
                                                       supplement))
    s = items(summary.to_dict())
    assert s["(4)(c)"]["status"] == "provided"
    assert values(s["(4)(c)"], "share of indirect emissions from default values, %", "row 1")[0]["value"] == 100
    assert s["(6)"]["status"] == "provided"
    parameters = {i["title"].split(": ")[-1]: i for i in full.to_dict()["sections"][-1]["items"]}
    assert [v["label"] for v in parameters["Cement"]["values"]] == ["clinker factor"]


def test_sector_parameters_reach_the_full_report_only(steel) -> None:
    full, summary = steel
    parameters = full["sections"][-1]
    assert parameters["section"] == "2"
    row1 = parameters["items"][0]
    assert {"label": "scrap per t steel", "value": 0.16} == {k: row1["values"][5][k] for k in ("label", "value")}
    assert row1["values"][5]["source"] == "template Summary_Products!W10"
    assert all(s["section"] == "1.2" for s in summary["sections"])


def test_the_summary_is_built_from_the_allow_list_of_section_1_2(steel) -> None:
    assert [i["item"] for i in items(steel[1]).values()] == SUMMARY_ITEMS


CANARIES = {"non_cbam_processes": "CANARY-NONCBAM-4471", "data_gaps": "CANARY-GAPS-9902",
            "verifier": "CANARY-VERIFIER-3310", "stream": "CANARY-STREAM-5521", "scrap": "987.654321",
            "carbon": "CANARY-CARBON-PRICE"}


def test_the_summary_discloses_nothing_outside_section_1_2(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples" / "steelworks-bf-bof.json").read_text())
    data["verifier"]["company"] = CANARIES["verifier"]
    data["emissions"]["source_streams"][0]["name"] = CANARIES["stream"]
    data["products"][0]["parameters"]["scrap_per_t_steel"] = float(CANARIES["scrap"])
    data["carbon_price_instrument"] = CANARIES["carbon"]
    source = tmp_path / "steelworks-bf-bof.json"  # the name the supplement's workbook line gives
    source.write_text(json.dumps(data))
    supplement = supplement_with(tmp_path, "steelworks-bf-bof", 'data_gaps: "none"',
                                 f'data_gaps: "{CANARIES["data_gaps"]}"')
    text = supplement.read_text().replace('"Oxygen plant"', f'"{CANARIES["non_cbam_processes"]}"')
    supplement.write_text(text)
    out = tmp_path / "out"
    run = cbam("annex-iv", str(source), "--supplement", str(supplement), "-o", str(out))
    assert run.returncode == 0, run.stderr
    full_text = (out / "operator-emissions-report.json").read_text() + _pdf_text(out / "operator-emissions-report.pdf")
    summary_text = (out / "summary-report.json").read_text() + _pdf_text(out / "summary-report.pdf")
    for name in ("non_cbam_processes", "data_gaps", "stream", "scrap"):  # §1.1 items: in the full report ...
        assert CANARIES[name] in full_text, name
    for name, canary in CANARIES.items():  # ... never in the summary
        assert canary not in summary_text, name
    # §1.2 (9) asks whether waste gas is exported, not how much: P2's 18500 TJ stays in §1.1 item 17
    assert "18500" in full_text and "18500" not in summary_text
    assert "Anatolia Integrated Steel A.S." in summary_text  # the summary is not simply empty
    embedded = PdfReader(out / "summary-report.pdf").attachments
    assert list(embedded) == ["annex-iv-summary-report.json"]


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    assert "/OutputIntents" in reader.trailer["/Root"]  # PDF/A output intent
    return " ".join(page.extract_text() for page in reader.pages)


def test_bad_supplement_exits_2_naming_the_field(tmp_path: Path) -> None:
    supplement = supplement_with(tmp_path, "steelworks-bf-bof", "sefa: 1.266", "sefa: -3")
    run = cbam("annex-iv", str(ROOT / "examples" / "steelworks-bf-bof.json"), "--supplement", str(supplement),
               "-o", str(tmp_path / "out"))
    assert run.returncode == 2 and "definitive.goods[0].sefa" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="the reports render at once only on Linux (fork)")
def test_reports_rendered_at_once_read_as_those_rendered_one_after_another(tmp_path: Path) -> None:
    from cbam_exchange.report.pages import page_texts

    source = ROOT / "examples" / "steelworks-bf-bof.json"
    supplement = SUPPLEMENTS / "steelworks-bf-bof.supplement.yaml"
    texts = {}
    for parallel in ("1", "0"):
        out = tmp_path / parallel
        run = subprocess.run([sys.executable, "-m", "cbam_exchange", "annex-iv", str(source), "--supplement",
                              str(supplement), "-o", str(out)], capture_output=True, text=True, cwd=ROOT,
                             timeout=600, env={**os.environ, "CBAM_PDF_PARALLEL": parallel})
        assert run.returncode == 0, run.stderr
        texts[parallel] = {}
        for kind in ("operator-emissions-report", "summary-report"):
            generated = json.loads((out / f"{kind}.json").read_text())["generated"]  # the one line that differs
            texts[parallel][kind] = [page.replace(generated, "GENERATED")
                                     for page in page_texts((out / f"{kind}.pdf").read_bytes())]
    assert texts["1"] == texts["0"]
    assert "GENERATED" in texts["1"]["summary-report"][0]
    assert texts["1"]["operator-emissions-report"] != texts["1"]["summary-report"]  # each report in its own file
    assert texts["1"]["summary-report"][0].startswith("Operator's summary emissions report")
