"""Tests that kill the mutants which survived the first mutation run (docs/mutation-testing.md): each pins a
boundary, a constant, a word or a position that a wrong implementation would get wrong."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from cbam_exchange.calc.comparison import Difference
from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT


def _steelworks(**changes) -> Submission:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = value
    return Submission.from_dict(data)


# --- misstatement rules: tolerance, materiality threshold, over/under-statement wording -------------------------

def _ar002_with(monkeypatch, relative: float, declared: float = 1.0) -> list[Finding]:
    """AR-002 on the steel good (row 1) with compare's relative difference (recomputed - declared) / |declared|."""
    return _ar002(monkeypatch, recomputed=declared * (1 + relative), declared=declared, relative=relative)


def _ar002(monkeypatch, *, recomputed: float, declared: float, quantity: str = "see_total",
           relative: float | None = None, example: str = "steelworks-bf-bof") -> list[Finding]:
    from cbam_exchange.checks.rules import arithmetic
    relative = (recomputed - declared) / abs(declared) if relative is None else relative
    fake = [Difference(f"declared.products[0].{quantity}", "product row 1", quantity, recomputed, declared,
                       recomputed - declared, relative, "declared")]
    monkeypatch.setattr(arithmetic, "compare", lambda submission, result: fake)
    data = json.loads((ROOT / f"examples/{example}.json").read_text(encoding="utf-8"))
    return [f for f in validate(Submission.from_dict(data), select=["AR-002"]).findings if f.rule == "AR-002"]


def test_a_relative_difference_at_the_tolerance_is_no_finding_and_just_above_is(monkeypatch) -> None:
    from cbam_exchange.checks.rules.arithmetic import TOLERANCE
    assert TOLERANCE == 1e-3
    assert _ar002_with(monkeypatch, 1e-3) == []
    assert _ar002_with(monkeypatch, -1e-3) == []
    assert len(_ar002_with(monkeypatch, 1.0001e-3)) == 1
    assert len(_ar002_with(monkeypatch, -1.0001e-3)) == 1


def test_materiality_starts_at_exactly_five_percent_of_the_recomputed_value_on_the_legal_basis(monkeypatch) -> None:
    # row 1 of the steelworks is hot-rolled steel (Annex II): SEE direct is its legal basis
    at = _ar002(monkeypatch, recomputed=1.0, declared=1.05, quantity="see_direct")[0]
    assert at.details["material"] is True and "material on SEE direct (5 % or more)" in at.message
    below = _ar002(monkeypatch, recomputed=1.0, declared=1.0499, quantity="see_direct")[0]
    assert below.details["material"] is False and "below materiality on SEE direct" in below.message
    negative = _ar002(monkeypatch, recomputed=1.0, declared=0.95, quantity="see_direct")[0]
    assert negative.details["material"] is True and negative.details["direction"] == "understated"
    # 5 % of the declared value is not the yardstick: 1.0 declared against 0.952 recomputed is +5.04 %
    against_recomputed = _ar002(monkeypatch, recomputed=0.952, declared=1.0, quantity="see_direct")[0]
    assert against_recomputed.details["material"] is True


def test_an_annex_ii_good_counts_its_direct_emissions_only(monkeypatch) -> None:
    indirect = _ar002(monkeypatch, recomputed=1.0, declared=1.3, quantity="see_indirect")[0]
    assert indirect.details["material"] is None and "reported, not counted" in indirect.message
    assert "material on" not in indirect.message
    total = _ar002(monkeypatch, recomputed=1.0, declared=1.3, quantity="see_total")[0]
    assert total.details["material"] is None and "not the legal basis: SEE direct counts" in total.message


def test_a_good_whose_indirect_emissions_count_is_measured_on_its_total(monkeypatch) -> None:
    # row 1 of the cement example is Portland cement: SEE total is its legal basis (Reg. 2023/956 Annex II)
    total = _ar002(monkeypatch, recomputed=1.0, declared=1.06, example="cement-clinker-two-cements")[0]
    assert total.details["material"] is True and total.details["legal_basis"] == "SEE total"
    assert "material on SEE total" in total.message
    direct = _ar002(monkeypatch, recomputed=1.0, declared=1.3, quantity="see_direct",
                    example="cement-clinker-two-cements")[0]
    assert direct.details["material"] is None and "part of SEE total" in direct.message


def test_declared_above_recomputed_is_overstated_and_below_understated(monkeypatch) -> None:
    over = _ar002(monkeypatch, recomputed=0.8, declared=1.0, quantity="see_direct")[0]
    assert over.details["direction"] == "overstated" and "overstated" in over.message
    assert "declared minus recomputed +25.00 %" in over.message  # (1.0 - 0.8) / 0.8
    assert over.details["misstatement"] == pytest.approx(0.2)
    under = _ar002(monkeypatch, recomputed=1.2, declared=1.0, quantity="see_direct")[0]
    assert under.details["direction"] == "understated" and "understated" in under.message
    assert "declared minus recomputed -16.67 %" in under.message  # (1.0 - 1.2) / 1.2
    assert under.severity is Severity.ERROR and under.path == "declared.products[0].see_direct"
    assert under.details["declared"] == 1.0 and under.details["recomputed"] == pytest.approx(1.2)


def test_the_relative_difference_is_measured_against_the_absolute_declared_value() -> None:
    from cbam_exchange.calc.comparison import _difference
    d = _difference("p", "s", "q", recomputed=-1.0, declared=-2.0)
    assert d.absolute == 1.0 and d.relative == 0.5 and d.basis == "declared"
    z = _difference("p", "s", "q", recomputed=-1.5, declared=0.0)
    assert z.relative == -1.0 and z.basis == "recomputed"
    none = _difference("p", "s", "q", recomputed=None, declared=1.0)
    assert none.absolute is None and none.relative is None and none.basis is None


# --- attribution: a missing electricity factor is not zero --------------------------------------------------------

def test_a_missing_electricity_factor_leaves_indirect_unknown_not_zero() -> None:
    from cbam_exchange.calc.attribution import attribute
    process = _steelworks().processes[3]
    assert process.electricity_consumed
    process.electricity_ef = None
    result = attribute(process, 3)
    assert result.attributed_indirect is None and result.se_indirect is None
    assert result.electricity_intensity is None
    assert result.missing == ["processes[3].electricity_ef: emission factor of consumed electricity not provided"]
    process.electricity_consumed = None
    result = attribute(process, 3)
    assert result.attributed_indirect is None
    assert result.missing == ["processes[3].electricity_consumed: electricity consumption not provided"]
    process.electricity_consumed = 0.0  # no electricity used: the factor does not matter, indirect is 0
    result = attribute(process, 3)
    assert result.attributed_indirect == 0.0 and result.missing == []


def test_attributed_indirect_is_consumption_times_factor_per_activity_level() -> None:
    from cbam_exchange.calc.attribution import attribute
    process = _steelworks().processes[3]
    process.electricity_consumed, process.electricity_ef = 1000.0, 0.5
    level = sum(r.amount for r in process.production)
    result = attribute(process, 3)
    assert result.attributed_indirect == 500.0
    assert result.se_indirect == pytest.approx(500.0 / level)
    assert result.electricity_intensity == pytest.approx(1000.0 / level)


# --- unit swaps: the factor named and the corrected value ---------------------------------------------------------

def test_activity_data_in_kg_is_named_with_its_factor_and_corrected_value() -> None:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    stream = data["emissions"]["source_streams"][0]
    original = stream["activity_data"]
    stream["activity_data"] = original * 1000
    report = validate(Submission.from_dict(data), select=["UN-001"])
    hit = next(f for f in report.findings if f.path == "emissions.source_streams[0].activity_data")
    assert hit.details["factor"] == 0.001
    assert hit.details["corrected"] == pytest.approx(original)
    assert hit.severity is Severity.ERROR


def test_a_value_inside_its_band_or_zero_is_never_a_unit_swap() -> None:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    data["emissions"]["source_streams"][2]["ef"] = 0.0
    assert [f for f in validate(Submission.from_dict(data), select=["UN-001"]).findings] == []


def test_negative_activity_data_far_beyond_the_installation_gets_a_negative_band() -> None:
    from cbam_exchange.checks.context import CheckContext
    from cbam_exchange.checks.rules.units import _activity_data
    from cbam_exchange.calc.recompute import recompute
    submission, result = recompute(_steelworks())
    attributed = sum(p.direct_emissions or 0 for p in result.processes)
    stream = result.streams[0]
    stream.fossil = 10 * attributed  # one stream alone emits ten times what all processes are attributed
    submission.emissions.source_streams[0].activity_data = -500.0
    found = list(_activity_data(CheckContext(submission=submission, result=result, year=2026)))
    assert len(found) == 1
    lo, hi = found[0].band
    assert hi == 0.0 and lo == pytest.approx(-500.0 * (attributed / stream.fossil) * 1.5)
    submission.emissions.source_streams[0].activity_data = 500.0
    lo, hi = next(iter(_activity_data(CheckContext(submission=submission, result=result, year=2026)))).band
    assert lo == 0.0 and hi == pytest.approx(500.0 * (attributed / stream.fossil) * 1.5)
    stream.fossil = 3 * attributed  # exactly three times: not yet suspicious
    assert list(_activity_data(CheckContext(submission=submission, result=result, year=2026))) == []


# --- the annotated copy: comment at the right cell, colour by the worst severity ---------------------------------

def _finding(rule: str, severity: Severity, sheet: str, cell: str) -> Finding:
    return Finding(rule, severity, f"{rule} message", "installation.name", sheet, cell, "x", None, "fix it",
                   "ref")


def test_annotation_position_and_colour_follow_the_finding(example_workbooks, tmp_path: Path) -> None:
    import re

    from cbam_exchange.writers.annotate import annotate_workbook
    source = example_workbooks["steelworks-bf-bof"]
    out = tmp_path / "annotated.xlsx"
    findings = [_finding("ID-003", Severity.ERROR, "A_InstData", "I27"),
                _finding("PH-001", Severity.WARNING, "A_InstData", "I27"),
                _finding("PH-002", Severity.WARNING, "A_InstData", "I28"),
                _finding("PR-003", Severity.INFO, "A_InstData", "I29")]
    assert annotate_workbook(source, findings, out) == 3
    import openpyxl
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(out)["A_InstData"]
    assert sheet["I27"].fill.fgColor.rgb == "FFFFC7CE"  # error wins over the warning in the same cell
    assert sheet["I28"].fill.fgColor.rgb == "FFFFEB9C"
    assert sheet["I29"].fill.fgColor.rgb == "FFDDEBF7"
    assert "ID-003" in sheet["I27"].comment.text and "PH-001" in sheet["I27"].comment.text
    assert sheet["I26"].comment is None and sheet["H27"].comment is None
    from cbam_exchange.readers.xlsx_cells import WorkbookCells
    cells = WorkbookCells(out, {})
    part = cells.sheet_parts["A_InstData"]
    cells.close()
    with zipfile.ZipFile(out) as z:
        rels = z.read(part.replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
        target = re.search(r'Target="\.\./drawings/(vmlDrawing\d+\.vml)"', rels).group(1)
        vml = z.read(f"xl/drawings/{target}").decode()
    anchors = set(re.findall(r"<x:Row>(\d+)</x:Row><x:Column>(\d+)</x:Column>", vml))
    assert anchors == {("26", "8"), ("27", "8"), ("28", "8")}  # zero-based row and column of I27, I28, I29


# --- the reader: phonetic guides and empty cached strings ----------------------------------------------------------

def _workbook(path: Path, sheet_xml: str, shared: str) -> Path:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} {rel}><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                                      "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {ns}><sheetData>{sheet_xml}</sheetData></worksheet>")
        z.writestr("xl/sharedStrings.xml", f"<sst {ns}>{shared}</sst>")
    return path


def test_the_reader_drops_phonetic_guides_and_keeps_empty_cached_strings_empty(tmp_path: Path) -> None:
    from cbam_exchange.layouts import CellRef
    from cbam_exchange.readers.xlsx_cells import WorkbookCells
    shared = ('<si><r><t>東京</t></r><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
              "<si><t>plain</t></si>")
    sheet = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
             '<c r="C1" t="str"><f>IF(TRUE,"","x")</f><v></v></c><c r="D1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
             '<c r="E1"><v>0</v></c><c r="F1" t="inlineStr"><is><t>inline</t></is></c></row>')
    cells = WorkbookCells(_workbook(tmp_path / "w.xlsx", sheet, shared), {"S": [1]})
    try:
        ref = lambda c: CellRef.parse(f"S!{c}")  # noqa: E731
        assert cells.raw(ref("A1")) == "東京"  # the reading aid is not part of the text
        assert cells.raw(ref("B1")) == "plain"
        assert cells.raw(ref("C1")) is None  # an empty cached string is no value, not ""
        assert cells.formula(ref("C1")) == ('=IF(TRUE,"","x")', False)
        assert cells.raw(ref("D1")) == "ab" and cells.formula(ref("D1")) == ('="a"&"b"', True)
        assert cells.raw(ref("E1")) == 0.0  # a cached 0 is a value
        assert cells.raw(ref("F1")) == "inline"
        assert cells.raw(ref("G1")) is None
    finally:
        cells.close()


# --- second round: survivors of the first mutmut run (docs/mutation-testing.md) ---------------------------------

def test_the_misstatement_finding_says_exactly_what_was_declared_and_recomputed(monkeypatch) -> None:
    at = _ar002(monkeypatch, recomputed=2.0, declared=2.1, quantity="see_direct")[0]
    assert at.message == ("product row 1: declared see_direct 2.1 but the inputs give 2 (declared minus recomputed "
                          "+5.00 %: overstated; material on SEE direct (5 % or more)).")
    assert (at.value, at.expected) == ("2.1", "2")
    assert {k: at.details[k] for k in ("relative", "basis", "absolute", "misstatement_relative")} == \
        {"relative": pytest.approx(-0.1 / 2.1), "basis": "declared", "absolute": pytest.approx(-0.1),
         "misstatement_relative": pytest.approx(0.05)}
    below = _ar002(monkeypatch, recomputed=2.0, declared=1.98, quantity="see_direct")[0]
    assert below.message == ("product row 1: declared see_direct 1.98 but the inputs give 2 (declared minus "
                             "recomputed -1.00 %: understated; below materiality on SEE direct).")


def test_compare_lists_processes_products_and_totals_in_order() -> None:
    from cbam_exchange.calc.comparison import compare
    from cbam_exchange.calc.recompute import recompute
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    data["declared"] = {"available": True, "processes": [{"id": "P4", "see_direct": 1.5, "see_indirect": 0.2}],
                        "products": [{"row": 2, "see_total": 1.6}],
                        "totals": {"direct": 8000000.0, "total": 8500000.0}}
    submission, result = recompute(Submission.from_dict(data))
    p4 = next(p for p in result.processes if p.id == "P4")
    row2 = next(p for p in result.products if p.row == 2)
    got = [(d.path, d.subject, d.quantity, d.recomputed, d.declared) for d in compare(submission, result)]
    assert got == [
        ("declared.processes[0].see_direct", "P4", "see_direct", p4.see_direct, 1.5),
        ("declared.processes[0].see_indirect", "P4", "see_indirect", p4.see_indirect, 0.2),
        ("declared.products[0].see_direct", "product row 2", "see_direct", row2.see_direct, None),
        ("declared.products[0].see_indirect", "product row 2", "see_indirect", row2.see_indirect, None),
        ("declared.products[0].see_total", "product row 2", "see_total", row2.see_total, 1.6),
        ("declared.totals.direct", "installation", "direct", result.totals.direct, 8000000.0),
        ("declared.totals.total", "installation", "total", result.totals.total, 8500000.0),
    ]  # the indirect total is not declared: no entry
    data["declared"]["available"] = False
    submission, result = recompute(Submission.from_dict(data))
    assert compare(submission, result) == []


def test_a_difference_carries_both_values_and_both_zero_is_measured_on_the_declared_basis() -> None:
    from cbam_exchange.calc.comparison import _difference
    d = _difference("p", "s", "q", recomputed=3.0, declared=2.0)
    assert (d.path, d.subject, d.quantity, d.recomputed, d.declared, d.absolute, d.relative, d.basis) == \
        ("p", "s", "q", 3.0, 2.0, 1.0, 0.5, "declared")
    zero = _difference("p", "s", "q", recomputed=0.0, declared=0.0)
    assert (zero.absolute, zero.relative, zero.basis) == (0.0, 0.0, "declared")


def test_waivers_record_who_why_until_and_apply_only_to_their_finding_and_rule() -> None:
    import datetime as dt

    from cbam_exchange.checks.waivers import Waiver, apply_waivers
    a = _finding("PH-001", Severity.WARNING, "A_InstData", "I27")
    b = _finding("PH-002", Severity.WARNING, "A_InstData", "I28")
    c = _finding("PH-003", Severity.WARNING, "A_InstData", "I29")
    waivers = [Waiver(c.fingerprint, "V. Erifier", "on site", dt.date(2030, 1, 1), "INST-1"),
               Waiver(b.fingerprint, "X", "Y", dt.date(2030, 1, 1), "INST-1", rule="PH-009")]  # wrong rule
    open_, waived = apply_waivers([a, b, c], waivers, "INST-1", today=dt.date(2029, 1, 1))
    assert open_ == [a, b] and waived == [c]  # the uncovered findings before it do not stop the loop
    assert c.waiver == {"who": "V. Erifier", "why": "on site", "until": "2030-01-01", "installation": "INST-1"}
    assert a.waiver is None and b.waiver is None
    right_rule = Waiver(b.fingerprint, "X", "Y", dt.date(2030, 1, 1), "INST-1", rule="PH-002")
    assert apply_waivers([b], [right_rule], "INST-1", today=dt.date(2029, 1, 1))[1] == [b]


def test_a_blocking_error_keeps_its_finding_and_records_the_refusal() -> None:
    import datetime as dt

    from cbam_exchange.checks.catalogue import all_rules
    from cbam_exchange.checks.waivers import Waiver, apply_waivers
    blocking = next(r for r in all_rules() if r.blocking)
    f = _finding(blocking.code, Severity.ERROR, "A_InstData", "I27")
    w = Waiver(f.fingerprint, "A", "B", dt.date(2030, 1, 1), "INST-1")
    open_, waived = apply_waivers([f], [w], "INST-1", today=dt.date(2029, 1, 1))
    assert open_ == [f] and waived == []
    assert f.waiver == {"who": "A", "why": "B", "until": "2030-01-01", "installation": "INST-1",
                        "refused": "errors of this rule block the submission and cannot be waived"}


def test_the_activity_data_screen_starts_above_three_times_and_needs_attributed_emissions() -> None:
    from cbam_exchange.calc.recompute import recompute
    from cbam_exchange.checks.context import CheckContext
    from cbam_exchange.checks.rules.units import _activity_data
    submission, result = recompute(_steelworks())
    attributed = sum(p.direct_emissions or 0 for p in result.processes)
    ctx = CheckContext(submission=submission, result=result, year=2026)
    result.streams[0].fossil = 3.5 * attributed
    submission.emissions.source_streams[0].activity_data = 0.5
    lo, hi = next(iter(_activity_data(ctx))).band
    assert lo == 0.0 and hi == pytest.approx(0.5 / 3.5 * 1.5)
    for p in result.processes:
        p.direct_emissions = 0.0
    assert list(_activity_data(ctx)) == []  # nothing attributed: no yardstick
    result.processes[0].direct_emissions = 0.5  # a little attributed; one unknown process counts as 0, not 1
    result.processes[1].direct_emissions = None
    result.streams[0].fossil = 2.0
    assert "emissions.source_streams[0].activity_data" in {c.path for c in _activity_data(ctx)}
