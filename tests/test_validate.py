"""Validation end to end: realistic workbooks with one wrong value each are reported by the expected rule at the
mutated cell, the unit-swap engine names the swap, clean submissions have no errors; waivers, output formats,
exit codes and the annotated copy."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cbam_exchange.checks.findings import Severity
from cbam_exchange.checks.run import validate
from cbam_exchange.readers import read_submission
from tests.conftest import EXAMPLES, ROOT
from tests.xlsx_edit import edit_workbook

# (example, cells to set, rule expected, cell where, swap factor the unit engine must name or None)
MUTATIONS = [
    ("steelworks-bf-bof", {"B_EmInst!F17": 1560000000.0}, "UN-001", "B_EmInst!F17", 0.001),  # coke in kg
    ("steelworks-bf-bof", {"B_EmInst!J19": 0.0561}, "UN-001", "B_EmInst!J19", 1000.0),  # tCO2/GJ for tCO2/TJ
    ("steelworks-bf-bof", {"B_EmInst!N19": 1.0}, "UN-001", "B_EmInst!N19", 100.0),  # fraction for percent
    ("steelworks-bf-bof", {"D_Processes!L66": 440.0}, "UN-001", "D_Processes!L66", 0.001),  # kg/MWh
    ("steelworks-bf-bof", {"D_Processes!L65": 162000000.0}, "UN-001", "D_Processes!L65", 0.001),  # kWh
    ("cement-clinker-two-cements", {"B_EmInst!H18": 32500.0}, "UN-001", "B_EmInst!H18", 0.001),  # NCV in MJ/t
    ("steelworks-bf-bof", {"D_Processes!L211": -4380000.0}, "SC-002", "D_Processes!L211", None),  # negative
    ("steelworks-bf-bof", {"Summary_Products!I10": 1.51552}, "AR-005", "Summary_Products!I10", None),  # pasted
    ("aluminium-primary-smelter", {"A_InstData!I28": 56.618, "A_InstData!I29": 24.495}, "ID-005",
     "A_InstData!I28", None),  # swapped coordinates
    ("steelworks-bf-bof", {"Summary_Products!F10": "72044900"}, "ID-006", "Summary_Products!F10", None),
]


@pytest.mark.parametrize("example, cells, rule, cell, factor", MUTATIONS,
                         ids=[f"{m[2]}-{next(iter(m[1]))}" for m in MUTATIONS])
def test_mutation_is_reported_at_the_mutated_cell(example, cells, rule, cell, factor, example_workbooks,
                                                  tmp_path: Path) -> None:
    mutated = edit_workbook(example_workbooks[example], tmp_path / "mutated.xlsx", constants=cells)
    report = validate(read_submission(mutated))
    hits = [f for f in report.findings if f.rule == rule and f"{f.sheet}!{f.cell}" == cell]
    assert hits, f"{rule} not at {cell}: {[(f.rule, f.sheet, f.cell) for f in report.findings]}"
    if factor is not None:
        assert hits[0].details["factor"] == factor
        assert hits[0].severity is Severity.ERROR
    # the unmutated workbook has no finding of that rule at that cell
    clean = validate(read_submission(example_workbooks[example]))
    assert not [f for f in clean.findings if f.rule == rule and f"{f.sheet}!{f.cell}" == cell]


def test_the_unit_swap_reports_the_corrected_see(example_workbooks, tmp_path: Path) -> None:
    # electricity factor in kg/MWh for the hot strip mill: its indirect SEE is corrected back to the clean value
    mutated = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "m.xlsx",
                            constants={"D_Processes!L261": 440.0})
    finding = next(f for f in validate(read_submission(mutated)).findings
                   if f.rule == "UN-001" and f.cell == "L261")
    clean = validate(read_submission(example_workbooks["steelworks-bf-bof"])).result.products[0].see_indirect
    corrected = finding.details["effects"]["products"][0]["see_indirect"]
    assert corrected[1] == pytest.approx(clean) and corrected[0] > 100 * clean
    assert "kgCO2/MWh" in finding.message and "0.44" in finding.message


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_clean_realistic_submissions_have_no_errors(example: Path, example_workbooks) -> None:
    for submission in (read_submission(example), read_submission(example_workbooks[example.stem])):
        errors = [f"{f.rule} {f.message}" for f in validate(submission).findings if f.severity is Severity.ERROR]
        assert errors == []


def cbam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_json_contract_and_exit_code(example_workbooks, tmp_path: Path) -> None:
    mutated = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "m.xlsx",
                            constants={"A_InstData!I27": "DEHAM"})
    run = cbam("validate", str(mutated), "--format", "json")
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)["files"][0]
    assert {"file", "sha256", "findings", "summary"} <= set(doc)
    finding = next(f for f in doc["findings"] if f["rule"] == "ID-003")
    assert finding["location"] == {"sheet": "A_InstData", "cell": "I27", "path": "installation.unlocode"}
    assert {"rule", "severity", "location", "message", "value", "expected", "remedy", "reference",
            "fingerprint"} <= set(finding)
    assert doc["summary"]["errors"] >= 1 and set(doc["summary"]) >= {"errors", "warnings", "info"}
    clean = cbam("validate", str(example_workbooks["steelworks-bf-bof"]))
    assert clean.returncode == 0 and "0 error(s)" in clean.stdout


def test_select_and_ignore(example_workbooks, tmp_path: Path) -> None:
    mutated = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "m.xlsx",
                            constants={"A_InstData!I27": "DEHAM", "B_EmInst!J19": 0.0561})
    only_id = json.loads(cbam("validate", str(mutated), "--format", "json", "--select", "ID").stdout)["files"][0]
    assert {f["rule"] for f in only_id["findings"]} == {"ID-003"}
    no_id = json.loads(cbam("validate", str(mutated), "--format", "json", "--ignore", "ID,PR").stdout)["files"][0]
    assert "ID-003" not in {f["rule"] for f in no_id["findings"]} and "UN-001" in {f["rule"] for f in
                                                                                   no_id["findings"]}
    assert cbam("validate", str(mutated), "--select", "XX-999").returncode == 2


def test_waivers_survive_revalidation_but_not_for_blocking_errors(example_workbooks, tmp_path: Path) -> None:
    mutated = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "m.xlsx",
                            constants={"A_InstData!I27": "DEHAM", "Summary_Products!F10": "72044900"})
    first = json.loads(cbam("validate", str(mutated), "--format", "json").stdout)["files"][0]
    unlocode = next(f for f in first["findings"] if f["rule"] == "ID-003")
    scope = next(f for f in first["findings"] if f["rule"] == "ID-006")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        f"  - fingerprint: {unlocode['fingerprint']}\n    installation: {first['installation']}\n"
        "    rule: ID-003\n    who: J. Becker (verifier)\n"
        "    why: plant registered at the port's UN/LOCODE, letter from the authority in file 4\n"
        "    until: 2099-12-31\n"
        f"  - fingerprint: {scope['fingerprint']}\n    installation: {first['installation']}\n"
        "    who: A. Supplier\n    why: we think it is fine\n"
        "    until: 2099-12-31\n")
    second = json.loads(cbam("validate", str(mutated), "--format", "json", "--waivers", str(waivers)).stdout)["files"][0]
    assert [f["rule"] for f in second["waived"]] == ["ID-003"]
    assert second["waived"][0]["waiver"]["who"] == "J. Becker (verifier)"
    refused = next(f for f in second["findings"] if f["rule"] == "ID-006")
    assert "cannot be waived" in refused["waiver"]["refused"]
    expired = tmp_path / "expired.json"
    expired.write_text(json.dumps({"waivers": [{"fingerprint": unlocode["fingerprint"], "who": "x", "why": "y",
                                                "installation": first["installation"], "until": "2020-01-01"}]}))
    third = json.loads(cbam("validate", str(mutated), "--format", "json", "--waivers", str(expired)).stdout)["files"][0]
    assert third["waived"] == [] and "expired" in next(f for f in third["findings"]
                                                      if f["rule"] == "ID-003")["waiver"]["refused"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("waivers:\n  - fingerprint: abc\n")
    run = cbam("validate", str(mutated), "--waivers", str(bad))
    assert run.returncode == 2 and "lacks who, why, until" in run.stderr


def test_csv_neutralises_formulas_from_supplier_text(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text())
    data["products"][0]["cn_code"] = "=HYPERLINK(\"http://x\")"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data))
    run = cbam("validate", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    values = [r["value"] for r in rows if r["rule"] in ("ID-006", "SC-004")]
    assert values and all(v.startswith("'=") for v in values)


def test_text_output_groups_by_sheet_and_counts(example_workbooks, tmp_path: Path) -> None:
    mutated = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "m.xlsx",
                            constants={"A_InstData!I27": "DEHAM", "B_EmInst!J19": 0.0561})
    out = cbam("validate", str(mutated)).stdout
    assert "  A_InstData\n" in out and "  B_EmInst\n" in out and "I27" in out and "J19" in out
    assert "error(s)" in out.splitlines()[-1]
    assert "\x1b[" not in out  # no colours when the output is not a terminal


def test_annotated_copy_has_comments_at_the_cells_and_leaves_the_original(example_workbooks,
                                                                        tmp_path: Path) -> None:
    import openpyxl

    mutated = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "m.xlsx",
                            constants={"A_InstData!I27": "DEHAM", "B_EmInst!J19": 0.0561})
    before = mutated.read_bytes()
    out = tmp_path / "annotated.xlsx"
    run = cbam("validate", str(mutated), "--annotate", str(out))
    assert run.returncode == 1 and out.exists() and mutated.read_bytes() == before
    book = openpyxl.load_workbook(out)
    assert "ID-003" in book["A_InstData"]["I27"].comment.text
    assert "UN-001" in book["B_EmInst"]["J19"].comment.text
    assert book["A_InstData"]["I27"].fill.fgColor.rgb == "FFFFC7CE"
    assert book["A_InstData"]["I27"].value == "DEHAM"  # values untouched
    # the copy is still read as the same template, with the same inputs
    again = read_submission(out)
    assert again.installation.unlocode == "DEHAM" and again.source.template_version == "2.1.1"
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None


def test_several_files_in_one_run(example_workbooks, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    run = cbam("validate", *[str(p) for p in example_workbooks.values()], str(broken), "--format", "json",
               "--jobs", "2")
    docs = json.loads(run.stdout)["files"]
    assert len(docs) == 4 and "unreadable" in docs[-1] and run.returncode == 2
    assert all(d["summary"]["errors"] == 0 for d in docs[:3])
