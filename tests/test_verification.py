"""The verifier's judgement: each test injects a misstatement or a decision and asserts the CONCLUSION (material or
not on the good's legal basis, the finding's class, the suggested opinion), not only that a section exists."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.run import validate
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.submission import Submission
from cbam_exchange.verification.decisions import parse_decisions
from cbam_exchange.verification.judgement import judge
from cbam_exchange.verification.opinion import NOT_VERIFIED, SATISFACTORY, WITH_COMMENTS
from tests.conftest import ROOT, SHARED

STEEL, CEMENT = "steelworks-bf-bof", "cement-clinker-two-cements"
# decisions that satisfy the site-visit and upstream rules, so that each test isolates what it injects
CLEAN_DECISIONS = {
    "verifier": {"company": "Nordic CBAM Verification AB", "accreditation_number": "SWEDAC 1234",
                 "lead_verifier": "A. Lind", "team": ["A. Lind", "B. Berg"]},
    "visit": {"type": "physical", "dates": ["2027-03-02", "2027-03-03"], "areas_inspected": ["blast furnaces"]},
    "first_verified_year": 2026,
    "upstream_verification": {"PP1": {"verifier": "Upstream Verif Ltd", "installation": "FeMn smelter",
                                      "period": "2026"}},
}


def example(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text())


def recomputed(data: dict[str, Any]) -> dict[int, tuple[float, float]]:
    _, result = recompute(Submission.from_dict(data))
    return {p.row: (p.see_direct, p.see_indirect) for p in result.products}


def declare(data: dict[str, Any], row: int, direct: float, indirect: float) -> dict[str, Any]:
    """Declared values for every product: exact, except `row` with the given direct and indirect."""
    products = []
    for r, (d, i) in recomputed(data).items():
        d, i = (direct, indirect) if r == row else (d, i)
        products.append({"row": r, "see_direct": d, "see_indirect": i, "see_total": d + i})
    data["declared"] = {"available": True, "products": products}
    return data


def judged(data: dict[str, Any], decisions: dict[str, Any] | None = CLEAN_DECISIONS) -> Any:
    report = validate(Submission.from_dict(data))
    return judge(report, parse_decisions(decisions, "decisions.yaml") if decisions is not None else None)


def good(j: Any, row: int) -> Any:
    return next(g for g in j.goods if g.row == row)


def test_steel_direct_overstated_by_5_5_percent_is_material_on_the_direct_basis() -> None:
    data = example(STEEL)
    d, i = recomputed(data)[1]
    j = judged(declare(data, 1, d * 1.055, i))
    g = good(j, 1)
    assert g.basis.kind == "direct" and "Annex II" in g.basis.rule.reference
    assert g.material is True
    assert g.net == pytest.approx(0.055 * d, rel=1e-9)  # declared minus recomputed: positive, overstated
    assert g.threshold == pytest.approx(0.05 * d)
    item, impact = next((it, im) for it, im in g.impacts if im.counted)
    assert item.klass == "misstatement" and item.id.startswith("AR-002") and impact.relative == pytest.approx(0.055)
    assert good(j, 2).material is False
    assert j.opinion.statement == NOT_VERIFIED
    assert any("product row 1" in r for r in j.opinion.reasons)


def test_steel_indirect_off_by_30_percent_is_reported_not_counted() -> None:
    data = example(STEEL)
    d, i = recomputed(data)[1]
    j = judged(declare(data, 1, d, i * 1.3))
    g = good(j, 1)
    assert g.material is False and g.gross == 0
    assert any(im.part == "indirect" and not im.counted and "not counted" in im.note for _, im in g.impacts)
    assert j.opinion.statement == WITH_COMMENTS


@pytest.mark.parametrize(("excess", "material"), [(0.055, True), (0.04, False)])
def test_cement_is_judged_on_its_total(excess: float, material: bool) -> None:
    data = example(CEMENT)
    d, i = recomputed(data)[1]
    j = judged(declare(data, 1, d + excess * (d + i), i))
    g = good(j, 1)
    assert g.basis.kind == "total"
    assert g.see == pytest.approx(d + i)
    assert g.material is material
    assert g.net == pytest.approx(excess * (d + i), rel=1e-9)
    assert j.opinion.statement == (NOT_VERIFIED if material else WITH_COMMENTS)


def test_a_corrected_misstatement_no_longer_counts() -> None:
    data = example(STEEL)
    d, i = recomputed(data)[1]
    data = declare(data, 1, d * 1.08, i)
    first = judged(data)
    fingerprints = [f.fingerprint for f in validate(Submission.from_dict(data)).findings if f.rule == "AR-002"]
    decisions = dict(CLEAN_DECISIONS, findings=[{"fingerprint": fp, "status": "corrected",
                                                 "operator_response": "restated in version 2",
                                                 "correction": "SEE direct recalculated"} for fp in fingerprints])
    second = judged(data, decisions)
    assert first.opinion.statement == NOT_VERIFIED and good(first, 1).material
    assert good(second, 1).material is False
    assert second.opinion.statement == WITH_COMMENTS
    item = next(it for it in second.items if it.id.startswith("AR-002"))
    assert item.status == "corrected" and item.operator_response == "restated in version 2"


def test_a_unit_slip_in_the_electricity_factor_counts_for_cement_but_not_for_steel() -> None:
    for name, material in ((STEEL, False), (CEMENT, True)):
        data = example(name)
        data["processes"][0]["electricity_ef"] = data["processes"][0]["electricity_ef"] * 1000  # kg/MWh
        for p in data["processes"][1:]:
            p["electricity_ef"] = p["electricity_ef"] * 1000
        j = judged(data)
        swap = [it for it in j.items if it.id.startswith("UN-001")]
        assert swap and all(it.klass == "misstatement" for it in swap)
        assert any(g.material for g in j.goods) is material, name
        assert (j.opinion.statement == NOT_VERIFIED) is material


VISIT_CASES = [
    ({"visit": {"type": "virtual", "dates": ["2027-03-02"], "justification": "travel"},
      "first_verified_year": 2026}, True),
    ({"visit": {"type": "waived", "justification": "no change", "material_changes": False},
      "first_verified_year": 2025, "last_physical_visit": "2025-11-04"}, False),
    ({"visit": {"type": "waived", "justification": "no change", "material_changes": False},
      "first_verified_year": 2024, "last_physical_visit": "2024-05-01"}, True),
    ({"visit": {"type": "virtual", "dates": ["2027-03-02"], "justification": "j"},
      "first_verified_year": 2025, "last_physical_visit": "2025-11-04", "material_changes": None}, None),
    ({"visit": {"type": "waived", "justification": "j", "material_changes": True},
      "first_verified_year": 2025, "last_physical_visit": "2025-11-04"}, True),
    ({"first_verified_year": 2025}, True),
]


@pytest.mark.parametrize(("visit", "limited"), VISIT_CASES)
def test_site_visit_rules_decide_whether_satisfactory_is_possible(visit: dict[str, Any], limited: bool | None) -> None:
    visit = {k: v for k, v in visit.items() if k != "material_changes"}
    if limited is None:
        limited = True  # material_changes not recorded: the waiver criterion is not shown
    decisions = {k: v for k, v in CLEAN_DECISIONS.items() if k not in ("visit", "first_verified_year")} | visit
    data = declare(example(STEEL), 1, *recomputed(example(STEEL))[1])
    j = judged(data, decisions)
    limitations = [it for it in j.items if it.klass == "scope limitation"]
    assert bool(limitations) is limited
    assert (j.opinion.statement == NOT_VERIFIED) is limited
    if limited:
        assert j.opinion.statement not in (SATISFACTORY, WITH_COMMENTS)


def test_unconfirmed_site_visit_rules_say_so() -> None:
    decisions = {k: v for k, v in CLEAN_DECISIONS.items() if k != "visit"} | {
        "visit": {"type": "waived", "justification": "j", "material_changes": False},
        "first_verified_year": 2024, "last_physical_visit": "2024-05-01"}
    j = judged(example(STEEL), decisions)
    limitation = next(it for it in j.items if it.origin == "site visit")
    assert "UNCONFIRMED" in (limitation.reference or "")


def test_actual_precursor_data_without_upstream_verification_is_a_scope_limitation() -> None:
    data = declare(example(STEEL), 1, *recomputed(example(STEEL))[1])
    without = {k: v for k, v in CLEAN_DECISIONS.items() if k != "upstream_verification"}
    j = judged(data, without)
    limitation = next(it for it in j.items if it.id == "SL-PP1")
    assert limitation.klass == "scope limitation" and limitation.affected_goods == [1, 2, 3]
    assert j.opinion.statement == NOT_VERIFIED
    assert not [it for it in judged(data).items if it.klass == "scope limitation"]


def test_no_decisions_file_never_gives_satisfactory() -> None:
    data = declare(example(STEEL), 1, *recomputed(example(STEEL))[1])
    assert judged(data, None).opinion.statement == NOT_VERIFIED


def test_verifier_identity_comes_from_one_source() -> None:
    data = example(STEEL)
    ours = judged(data)
    assert ours.verifier["company"] == "Nordic CBAM Verification AB"
    assert "decisions" in ours.verifier_source
    assert "Rheinland" not in json.dumps(ours.verifier, default=str)  # nothing mixed in from the workbook
    theirs = judged(data, {"first_verified_year": 2026})
    assert theirs.verifier["company"] == "Rheinland Carbon Verification GmbH"
    assert "operator" in theirs.verifier_source


@pytest.mark.parametrize(("decisions", "field"), [
    ({"visit": {"type": "phyiscal", "dates": ["2027-01-01"]}}, "visit.type"),
    ({"visit": {"type": "physical"}}, "visit.dates"),
    ({"visit": {"type": "physical", "dates": ["3 March"]}}, "visit.dates[0]"),
    ({"first_verified_year": "last year"}, "first_verified_year"),
    ({"verifier": {"lead_verifier": "X"}}, "verifier.company"),
    ({"findings": [{"fingerprint": "abc", "status": "fixed"}]}, "findings[0].status"),
    ({"additional_findings": [{"id": "V1", "class": "misstatement"}]}, "additional_findings[0].description"),
    ({"additional_findings": [{"id": "V1", "class": "misstatement", "description": "d", "impact": {"1": "big"}}]},
     "additional_findings[0].impact.1"),
    ({"site_visit": "physical"}, "site_visit"),
])
def test_decisions_errors_name_the_field(decisions: dict[str, Any], field: str) -> None:
    with pytest.raises(UnreadableInput) as caught:
        parse_decisions(decisions, "decisions.yaml")
    assert caught.value.location == field


def test_bad_decisions_file_exits_2_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "decisions.yaml"
    bad.write_text("visit:\n  type: drive-by\n  dates: [2027-03-02]\n")
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "report", str(ROOT / "examples" / f"{STEEL}.json"),
                          "-o", str(tmp_path / "d.pdf"), "--decisions", str(bad)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 2
    assert "visit.type" in run.stderr and "drive-by" in run.stderr and "Traceback" not in run.stderr


def test_a_verifier_finding_with_its_impact_counts_towards_materiality() -> None:
    data = declare(example(STEEL), 1, *recomputed(example(STEEL))[1])
    d = recomputed(data)[3][0]
    own = {"id": "V-1", "class": "misstatement", "description": "slab tonnage double-counted at the weighbridge",
           "impact": {"3": -0.06 * d}, "status": "uncorrected", "operator_response": "disputed"}
    j = judged(data, dict(CLEAN_DECISIONS, additional_findings=[own]))
    assert good(j, 3).material is True and good(j, 3).net == pytest.approx(-0.06 * d)
    assert j.opinion.statement == NOT_VERIFIED
    item = next(it for it in j.items if it.id == "V-1")
    assert item.affected_goods == [3] and item.origin == "verifier"


def test_sefa_has_its_own_five_percent_test() -> None:
    data = example(STEEL)
    j = judged(data)
    g = good(j, 1)
    assert g.sefa is not None and g.sefa.sefa and g.sefa_threshold == pytest.approx(0.05 * g.sefa.sefa)
    own = {"id": "V-2", "class": "misstatement", "description": "wrong benchmark route",
           "sefa_impact": {"1": 0.06 * g.sefa.sefa}}
    j = judged(data, dict(CLEAN_DECISIONS, additional_findings=[own]))
    assert good(j, 1).sefa_material is True and good(j, 1).material is False
    assert j.opinion.statement == NOT_VERIFIED and any("SEFA" in r for r in j.opinion.reasons)


@pytest.mark.parametrize(("value", "text"), [(0.00023, "0.00023"), (0.0002, "0.0002"), (56.1, "56.1"),
                                             (0.8785, "0.8785"), (3950000.0, "3,950,000"), (1.0316456, "1.03165"),
                                             (0.0, "0"), (None, "—"), (-0.00012345678, "-0.000123457")])
def test_parameters_keep_their_significant_digits(value: float | None, text: str) -> None:
    from cbam_exchange.report.numbers import sig

    assert sig(value) == text


def test_a_stream_unit_slip_is_estimated_per_good_but_not_counted() -> None:
    data = example(STEEL)
    data["emissions"]["source_streams"][2]["ef"] = 0.0561  # natural gas EF in tCO2/GJ
    j = judged(data)
    swap = next(it for it in j.items if it.id.startswith("UN-001"))
    assert swap.affected_goods == [1, 2, 3]
    assert all(i.absolute < 0 and not i.counted and "pro-rata" in i.note for i in swap.impacts)  # understated
    assert not any(g.material for g in j.goods)


def test_a_declared_sefa_5_percent_off_is_material_on_sefa_alone() -> None:
    data = example(STEEL)
    j = judged(data)
    sefa = good(j, 1).sefa.sefa
    for excess, material in ((0.06, True), (0.03, False)):
        data = example(STEEL)
        # the example's own definitive-period data (issue 16), with row 1's declared SEFA changed
        data["definitive"]["goods"][0].update(quantity=1200000, sefa=sefa * (1 + excess))
        j = judged(data)
        g = good(j, 1)
        item = next(it for it in j.items if it.id == "SEFA-1")
        assert item.klass == "misstatement" and item.sefa_impacts[0].absolute == pytest.approx(excess * sefa)
        assert g.sefa_material is material and g.material is False
        assert (j.opinion.statement == NOT_VERIFIED) is material


COMMISSION = SHARED / "real-world" / "commission-examples"


def _commission(name: str) -> Path:
    path = COMMISSION / name
    if not path.exists():
        pytest.skip(f"{name} is absent (expected in ../shared/real-world/commission-examples/)")
    return path


@pytest.mark.parametrize(("workbook", "cell", "factor", "material"), [
    ("2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx", "I10", 1.055, True),   # SEE direct, Annex II
    ("2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx", "J10", 1.30, False),   # indirect: not counted
    ("2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx", "I10", 1.04, False),
    ("1 CBAM SEE V2.1_Example Cement_final.xlsx", "K10", 1.055, True),                  # SEE total for cement
])
def test_a_misstatement_injected_into_a_commission_workbook(workbook: str, cell: str, factor: float,
                                                            material: bool, tmp_path: Path) -> None:
    from cbam_exchange.readers import read_submission
    from tests.xlsx_edit import edit_workbook

    source = _commission(workbook)
    original = read_submission(source)
    column = {"I10": "see_direct", "J10": "see_indirect", "K10": "see_total"}[cell]
    value = getattr(original.declared.products[0], column)
    edited = edit_workbook(source, tmp_path / "edited.xlsx", cached={f"Summary_Products!{cell}": value * factor})
    report = validate(read_submission(edited))
    assert report.submission.reporting_period.start.year == 2023
    j = judge(report, parse_decisions(CLEAN_DECISIONS, "decisions.yaml"))
    assert j.regime.definitive is False  # a 2023 file: transitional period
    g = good(j, report.result.products[0].row)
    assert g.material is material
    misstated = [it for it in j.items if it.klass == "misstatement" and it.location == f"Summary_Products!{cell}"]
    assert misstated and misstated[0].impacts[0].absolute == pytest.approx(value * (factor - 1), rel=1e-6)
    assert (j.opinion.statement == NOT_VERIFIED) is material


def test_a_process_misstatement_is_split_into_what_it_inherits_upstream_and_its_own() -> None:
    """P3 (steel shop) declares SEE direct 0.1 too high; P4 (hot strip mill) consumes P3's steel and declares P3's
    error carried through plus 0.02 of its own: the finding on P4 must say which part is whose."""
    data = example(STEEL)
    _, result = recompute(Submission.from_dict(data))
    see = {p.id: p.see_direct for p in result.processes}
    level = {p.id: p.activity_level for p in result.processes}
    p3_per_t_p4 = 4450000 / level["P4"]  # P3 consumed_by P4 amount in the example, per t of P4
    inherited, own = p3_per_t_p4 * 0.1, 0.02
    data["declared"] = {"available": True, "processes": [
        {"id": "P3", "see_direct": see["P3"] + 0.1},
        {"id": "P4", "see_direct": see["P4"] + inherited + own}]}
    j = judged(data)
    p4 = next(i for i in j.items if i.id.startswith("AR-001") and i.location == "declared.processes[1].see_direct")
    impact = next(i for i in p4.impacts if i.row == 1)
    assert impact.absolute == pytest.approx(inherited + own, rel=1e-9)
    assert f"of which {inherited:+.5g} tCO2e/t inherited" in impact.note and "(P3 " in impact.note
    assert f"{own:+.5g} the process's own" in impact.note
    p3 = next(i for i in j.items if i.id.startswith("AR-001") and i.location == "declared.processes[0].see_direct")
    assert all("inherited" not in (i.note or "") for i in p3.impacts)  # P2 declares nothing: all P3's own
