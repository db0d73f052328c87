"""Silent wrong answers (issue 17): each test here fails on the code before the fix."""

from __future__ import annotations

import json

from cbam_exchange.calc.comparison import compare
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT


def _steelworks_declaring(**product_row_1: float) -> Submission:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    data["declared"] = {"available": True, "products": [{"row": 1, **product_row_1}]}
    return Submission.from_dict(data)


def test_a_declared_see_of_zero_is_measured_against_the_recomputed_value() -> None:
    submission, result = recompute(_steelworks_declaring(see_direct=0.0, see_indirect=0.0, see_total=0.0))
    diffs = {d.quantity: d for d in compare(submission, result) if d.subject == "product row 1"}
    recomputed_total = next(p.see_total for p in result.products if p.row == 1)
    assert recomputed_total > 1.0  # the hot-rolled coil has real emissions
    total = diffs["see_total"]
    assert total.relative == 1.0 and total.basis == "recomputed"
    assert total.absolute == recomputed_total


def test_both_zero_is_no_difference_and_missing_stays_missing() -> None:
    submission, result = recompute(_steelworks_declaring(see_total=0.0))
    row = next(p for p in result.products if p.row == 1)
    row.see_total = 0.0
    diffs = {d.quantity: d for d in compare(submission, result) if d.subject == "product row 1"}
    assert diffs["see_total"].relative == 0.0
    assert diffs["see_direct"].relative is None and diffs["see_direct"].absolute is None  # not declared


def test_a_declared_zero_is_a_material_understatement_and_not_verified() -> None:
    report = validate(_steelworks_declaring(see_direct=0.0, see_indirect=0.0, see_total=0.0))
    # the hot-rolled coil is an Annex II good: its SEE direct is the legal basis, measured declared minus recomputed
    hits = [f for f in report.findings if f.rule == "AR-002" and f.path == "declared.products[0].see_direct"]
    assert hits, [f.rule for f in report.findings]
    assert hits[0].details["direction"] == "understated" and hits[0].details["material"] is True
    assert "understated" in hits[0].message and "-100.00 %" in hits[0].message
    from cbam_exchange.verification.judgement import judge
    judgement = judge(report)
    assert judgement.opinion.statement == "not verified"
    good = next(g for g in judgement.goods if g.row == 1)
    assert good.material


def _finding_doc(data: dict, waivers: list, tmp_path, name: str) -> dict:
    from cbam_exchange.checks.validate_file import validate_file
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return validate_file(path, None, [], [], waivers)[0]


def _two_suppliers_with_the_same_finding() -> tuple[dict, dict]:
    first = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    first["emissions"]["source_streams"][2]["ef"] = 0.0561  # a gas EF in tCO2/GJ: UN-001, same fingerprint in both
    second = json.loads(json.dumps(first))
    second["installation"]["name"] = "Another Steel Works"
    second["definitive"]["registry_installation_id"] = "TR-INST-2026-000999"  # another installation (issue 16)
    return first, second


def test_a_waiver_is_scoped_to_its_installation(tmp_path) -> None:
    import datetime as dt

    from cbam_exchange.checks.waivers import Waiver
    first, second = _two_suppliers_with_the_same_finding()
    plain = _finding_doc(first, [], tmp_path, "a")
    other = _finding_doc(second, [], tmp_path, "b")
    target = next(f for f in plain["findings"] if f["rule"] == "UN-001")
    assert target["fingerprint"] in {f["fingerprint"] for f in other["findings"]}
    assert plain["installation"] != other["installation"]
    waiver = Waiver(target["fingerprint"], "J. Becker", "evidence in file 4", dt.date(2099, 12, 31),
                    plain["installation"])
    waived = _finding_doc(first, [waiver], tmp_path, "a")
    assert target["fingerprint"] in {f["fingerprint"] for f in waived["waived"]}
    not_waived = _finding_doc(second, [waiver], tmp_path, "b")
    assert target["fingerprint"] not in {f["fingerprint"] for f in not_waived["waived"]}
    assert target["fingerprint"] in {f["fingerprint"] for f in not_waived["findings"]}
    # scoped to one file's hash: another file of the same installation is not covered
    by_hash = Waiver(target["fingerprint"], "J. Becker", "evidence", dt.date(2099, 12, 31), plain["installation"],
                     sha256="0" * 64)
    assert _finding_doc(first, [by_hash], tmp_path, "a")["waived"] == []
    exact = Waiver(target["fingerprint"], "J. Becker", "evidence", dt.date(2099, 12, 31), plain["installation"],
                   sha256=plain["sha256"])
    assert len(_finding_doc(first, [exact], tmp_path, "a")["waived"]) == 1


def test_an_unscoped_waiver_file_is_refused_with_what_to_add(tmp_path) -> None:
    import pytest

    from cbam_exchange.checks.waivers import load_waivers
    from cbam_exchange.errors import UnreadableInput
    path = tmp_path / "w.yaml"
    path.write_text("waivers:\n  - fingerprint: abc\n    who: x\n    why: y\n    until: 2099-01-01\n")
    with pytest.raises(UnreadableInput) as caught:
        load_waivers(path)
    assert "installation" in caught.value.describe() and "waivers[0]" in caught.value.describe()


def test_a_waiver_applies_on_its_last_day_and_not_the_day_after() -> None:
    import datetime as dt

    from cbam_exchange.checks.findings import Finding
    from cbam_exchange.checks.waivers import Waiver, apply_waivers
    report = validate(_steelworks_declaring(see_total=0.0))
    finding = next(f for f in report.findings if f.rule == "AR-002")
    assert finding.rule not in {"ID-006"}
    w = Waiver(finding.fingerprint, "who", "why", dt.date(2030, 6, 30), "INST-X")
    open_, waived = apply_waivers([finding], [w], "inst-x", today=dt.date(2030, 6, 30))
    assert waived == [finding] and open_ == []
    finding.waiver = None
    open_, waived = apply_waivers([finding], [w], "INST-X", today=dt.date(2030, 7, 1))
    assert waived == [] and open_ == [finding] and "expired on 2030-06-30" in finding.waiver["refused"]
    assert isinstance(finding, Finding)


def _fresh_tables(monkeypatch, cache_home, reference_dir=None):
    from cbam_exchange.reference import tables
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    if reference_dir is None:
        monkeypatch.delenv("CBAM_REFERENCE_DIR", raising=False)
    else:
        monkeypatch.setenv("CBAM_REFERENCE_DIR", str(reference_dir))
    for f in (tables.manifest, tables._rows, tables._markups):
        f.cache_clear()
    return tables


def test_the_reference_cache_follows_the_content_and_is_pruned(monkeypatch, tmp_path) -> None:
    import os
    import shutil
    override = tmp_path / "ref"
    override.mkdir()
    src = ROOT / "cbam_exchange/reference/tables/markup_schedule.csv"
    shutil.copy(src, override / src.name)
    before = src.read_text(encoding="utf-8")
    tables = _fresh_tables(monkeypatch, tmp_path / "cache", override)
    first = tables._rows("markups")
    stat = (override / src.name).stat()
    # an edit of the same size and with the same modification time: the old cache keyed both and served stale rows
    lines = before.splitlines(keepends=True)
    header, row = lines[0], lines[1]
    digits = [i for i, ch in enumerate(row) if ch.isdigit()]
    k = digits[-1]
    changed = row[:k] + ("1" if row[k] != "1" else "2") + row[k + 1:]
    (override / src.name).write_text(header + changed + "".join(lines[2:]), encoding="utf-8")
    os.utime(override / src.name, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (override / src.name).stat().st_size == stat.st_size
    tables._rows.cache_clear()
    second = tables._rows("markups")
    assert second != first and second[0] != first[0]
    entries = list((tmp_path / "cache" / "cbam-exchange").glob("markups-*.pickle"))
    assert len(entries) == 1  # the stale entry was deleted
    _fresh_tables(monkeypatch, tmp_path / "cache")


def test_a_reference_override_is_recorded_in_the_data_version(monkeypatch, tmp_path) -> None:
    import shutil
    tables = _fresh_tables(monkeypatch, tmp_path / "cache")
    packaged = tables.reference_version()
    assert "+local." not in packaged
    override = tmp_path / "ref"
    override.mkdir()
    src = ROOT / "cbam_exchange/reference/tables/markup_schedule.csv"
    shutil.copy(src, override / src.name)
    tables = _fresh_tables(monkeypatch, tmp_path / "cache", override)
    used = tables.reference_version()
    assert used.startswith(packaged + "+local.") and used != packaged
    (override / src.name).write_text(src.read_text(encoding="utf-8").replace("\n", "\n", 1) + "\n", encoding="utf-8")
    assert tables.reference_version() != used  # other content, other version
    _fresh_tables(monkeypatch, tmp_path / "cache")


def _untyped_text_cells(path) -> list[str]:
    """Cells without a type attribute (so numeric) whose cached value is not a number: what openpyxl and pandas
    cannot read."""
    import re
    import zipfile
    cell = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
    bad = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            for m in cell.finditer(z.read(name).decode("utf-8")):
                value = re.search(r"<v\b[^>]*>(.*?)</v>", m.group(3) or "", re.S)
                if value and ' t="' not in m.group(2):
                    try:
                        float(value.group(1))
                    except ValueError:
                        bad.append(f"{name}!{m.group(1)}")
    return bad


def test_a_converted_workbook_is_readable_by_openpyxl_and_pandas(blank, tmp_path) -> None:
    import warnings

    import openpyxl
    import pandas

    from cbam_exchange.readers import read_submission
    from cbam_exchange.writers.ec_template import write_ec_template
    out = tmp_path / "steel.xlsx"
    write_ec_template(read_submission(ROOT / "examples/steelworks-bf-bof.json"), blank, out)
    assert _untyped_text_cells(out) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(out)
        assert book["A_InstData"]["I20"].value == "Anatolia Integrated Steel Works – Iskenderun plant"
        sheets = pandas.read_excel(out, sheet_name=None, engine="openpyxl")
    assert "A_InstData" in sheets


def test_a_filled_workbook_is_refused_as_template(blank, tmp_path) -> None:
    import subprocess
    import sys
    filled = tmp_path / "steel.xlsx"
    cbam = [sys.executable, "-m", "cbam_exchange"]
    assert subprocess.run([*cbam, "convert", str(ROOT / "examples/steelworks-bf-bof.json"), "--to", "ec-template",
                           "--template", str(blank), "-o", str(filled)], capture_output=True).returncode == 0
    run = subprocess.run([*cbam, "convert", str(ROOT / "examples/cement-clinker-two-cements.json"), "--to",
                          "ec-template", "--template", str(filled), "-o", str(tmp_path / "mixed.xlsx")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "not the blank template" in run.stderr and str(filled) in run.stderr
    assert "A_InstData!I9" in run.stderr and not (tmp_path / "mixed.xlsx").exists()
