"""Materiality per good (verification/materiality.py) with teeth: each kind of misstatement quantified on the
good's legal basis with the exact impact (declared minus recomputed, relative to the good's recomputed SEE), what
counts and the note that says why not, which goods a finding affects, and SEFA misstatements. Expected figures are
computed here by hand from the recomputed SEE (never read from the impacts under test)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cbam_exchange.calc.free_allocation import sefa_for_submission
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from cbam_exchange.verification.chain import build_chain
from cbam_exchange.verification.classes import Impact, Item
from cbam_exchange.verification.decisions import parse_decisions
from cbam_exchange.verification.materiality import _affected, assess_materiality, declared_sefa_items
from tests.test_verification import CEMENT, CLEAN_DECISIONS, STEEL, example, good, judged, recomputed

ANNEX_II = "reported, not counted (Annex II good: direct emissions only)"
IN_TOTAL = "included in the declared SEE total"
NOT_BASIS = "not the good's basis"
PRODUCT_LEVEL = "included in the good's declared SEE (product-level comparison)"


def _processes(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
    _, result = recompute(Submission.from_dict(data))
    return {p.id: (p.see_direct, p.see_indirect) for p in result.processes}


def _impacts(j: Any, location: str) -> list[Impact]:
    found = [it for it in j.items if it.location == location and it.id.startswith(("AR-001", "AR-002"))]
    assert len(found) == 1, location
    return found[0].impacts


def _item(j: Any, location: str) -> Item:
    return next(it for it in j.items if it.location == location)


def _approx(impact: Impact) -> Impact:
    return Impact(impact.row, impact.part, pytest.approx(impact.absolute, rel=1e-9),  # type: ignore[arg-type]
                  None if impact.relative is None else pytest.approx(impact.relative, rel=1e-9),  # type: ignore
                  impact.counted, impact.note)


def test_declared_product_see_of_a_direct_basis_good_counts_direct_only() -> None:
    data = example(STEEL)
    d, i = recomputed(data)[1]
    products = [{"row": r, "see_direct": dd, "see_indirect": ii, "see_total": dd + ii}
                for r, (dd, ii) in recomputed(data).items()]
    products[0] = {"row": 1, "see_direct": d * 1.06, "see_indirect": i * 1.5, "see_total": (d + i) * 1.2}
    data["declared"] = {"available": True, "products": products}
    j = judged(data)
    loc = "declared.products[0]"
    assert _impacts(j, f"{loc}.see_direct") == [_approx(Impact(1, "direct", 0.06 * d, 0.06, True, None))]
    assert _impacts(j, f"{loc}.see_indirect") == [_approx(Impact(1, "indirect", 0.5 * i, 0.5 * i / d, False,
                                                                  ANNEX_II))]
    assert _impacts(j, f"{loc}.see_total") == [_approx(Impact(1, "total", 0.2 * (d + i), 0.2 * (d + i) / d, False,
                                                               NOT_BASIS))]
    g = good(j, 1)
    assert (g.cn_code, g.name) == ("72083900", "Hot-rolled coil < 3 mm, S235JR")
    assert (g.see_direct, g.see_indirect, g.see) == (d, i, d)
    assert (g.declared_direct, g.declared_indirect, g.declared_total) == (d * 1.06, i * 1.5, (d + i) * 1.2)
    assert g.declared == d * 1.06  # on the direct basis
    assert _item(j, f"{loc}.see_direct").affected_goods == [1]


def test_declared_product_see_of_a_total_basis_good_counts_the_total_or_its_parts() -> None:
    data = example(CEMENT)
    d, i = recomputed(data)[1]
    see = d + i
    exact = [{"row": r, "see_direct": dd, "see_indirect": ii, "see_total": dd + ii}
             for r, (dd, ii) in recomputed(data).items()]
    with_total = copy.deepcopy(exact)
    with_total[0].update(see_direct=d + 0.1, see_total=see + 0.08)
    data["declared"] = {"available": True, "products": with_total}
    j = judged(data)
    loc = "declared.products[0]"
    assert _impacts(j, f"{loc}.see_direct") == [_approx(Impact(1, "direct", 0.1, 0.1 / see, False, IN_TOTAL))]
    assert _impacts(j, f"{loc}.see_total") == [_approx(Impact(1, "total", 0.08, 0.08 / see, True, None))]
    assert good(j, 1).declared == see + 0.08
    # without a declared total, the parts count
    no_total = copy.deepcopy(exact)
    no_total[0].update(see_direct=d + 0.1, see_indirect=i - 0.05, see_total=None)
    data["declared"] = {"available": True, "products": no_total}
    j = judged(data)
    assert _impacts(j, f"{loc}.see_direct") == [_approx(Impact(1, "direct", 0.1, 0.1 / see, True, None))]
    assert _impacts(j, f"{loc}.see_indirect") == [_approx(Impact(1, "indirect", -0.05, -0.05 / see, True, None))]
    assert good(j, 1).gross == pytest.approx(0.15) and good(j, 1).net == pytest.approx(0.05)
    assert good(j, 1).declared == pytest.approx(see + 0.05)


def test_a_process_misstatement_reaches_the_goods_of_that_process_only() -> None:
    data = example(STEEL)
    se = _processes(data)
    see = {r: dd for r, (dd, _) in recomputed(data).items()}
    data["declared"] = {"available": True, "processes": [{"id": "P4", "see_direct": 1.7, "see_indirect": 0.2},
                                                         {"id": "P3", "see_direct": 1.5}]}
    j = judged(data)
    direct = 1.7 - se["P4"][0]
    # P4 consumes 4,450,000 t of P3's crude steel for 4,380,000 t: it inherits that share of P3's misstatement
    inherited = 4450000 / 4380000 * (1.5 - se["P3"][0])
    note = (f"of which {inherited:+.5g} tCO2e/t inherited from the declared SEE of upstream processes "
            f"(P3 {inherited:+.5g}) and {direct - inherited:+.5g} the process's own")
    assert _impacts(j, "declared.processes[0].see_direct") == [
        _approx(Impact(1, "direct", direct, direct / see[1], True, note)),
        _approx(Impact(2, "direct", direct, direct / see[2], True, note))]
    indirect = 0.2 - se["P4"][1]
    assert _impacts(j, "declared.processes[0].see_indirect") == [
        _approx(Impact(1, "indirect", indirect, indirect / see[1], False, ANNEX_II)),
        _approx(Impact(2, "indirect", indirect, indirect / see[2], False, ANNEX_II))]
    # P3 is upstream of rows 1 and 2 too, but only its own product (row 3) is quantified at process level
    p3 = _item(j, "declared.processes[1].see_direct")
    assert p3.affected_goods == [1, 2, 3]
    assert p3.impacts == [_approx(Impact(3, "direct", 1.5 - se["P3"][0], (1.5 - se["P3"][0]) / see[3], True,
                                         None))]
    assert good(j, 3).net == pytest.approx(1.5 - se["P3"][0])


def test_a_process_misstatement_of_a_good_declared_per_product_is_shown_not_counted() -> None:
    data = example(STEEL)
    se = _processes(data)
    rows = recomputed(data)
    data["declared"] = {"available": True, "processes": [{"id": "P4", "see_direct": 1.7}],
                        "products": [{"row": r, "see_direct": dd, "see_indirect": ii, "see_total": dd + ii}
                                     for r, (dd, ii) in rows.items()]}
    j = judged(data)
    direct = 1.7 - se["P4"][0]
    assert _impacts(j, "declared.processes[0].see_direct") == [
        _approx(Impact(r, "direct", direct, direct / rows[r][0], False, PRODUCT_LEVEL)) for r in (1, 2)]
    assert not any(g.material for g in j.goods)


def test_a_process_misstatement_on_a_total_basis_good_counts_its_indirect_part() -> None:
    data = example(CEMENT)
    se = _processes(data)
    rows = recomputed(data)
    clinker = next(p for p in data["processes"] if p["category"] == "Cement clinker")["id"]
    data["declared"] = {"available": True, "processes": [{"id": clinker, "see_indirect": se[clinker][1] + 0.02}]}
    j = judged(data)
    impacts = _impacts(j, "declared.processes[0].see_indirect")
    own = [r for r, p in ((p.row, p) for p in validate(Submission.from_dict(data)).result.products)
           if p.process == clinker]
    assert impacts == [_approx(Impact(r, "indirect", 0.02, 0.02 / sum(rows[r]), True, None)) for r in own]


def _finding(rule: str, path: str | None, **details: object) -> Finding:
    return Finding(rule, Severity.ERROR, "m", path, None, None, "v", None, "fix", "ref", details=details)


def _assess(data: dict[str, Any], findings: list[Finding], definitive: bool = True) -> tuple[list[Item], Any]:
    report = validate(Submission.from_dict(data))
    chain = build_chain(report.submission, report.result)
    items = [(Item(id=f"X-{k}", klass="misstatement", origin="automated", message="m"), f)
             for k, f in enumerate(findings)]
    goods = assess_materiality(report, items, parse_decisions(CLEAN_DECISIONS, "d.yaml"), chain, definitive)
    return [i for i, _ in items], {g.row: g for g in goods}


def test_findings_without_a_usable_path_or_amount_are_not_quantified() -> None:
    data = example(STEEL)
    items, goods = _assess(data, [
        _finding("AR-002", None, absolute=0.5),  # no path
        _finding("AR-002", "declared.products[0].see_direct"),  # no amount
        _finding("AR-002", "declared.products[7].see_direct", absolute=0.5),  # no such declared product
        _finding("AR-001", "declared.processes[0].see_direct", absolute=0.5),  # nothing declared per process
        _finding("AR-001", "processes[9].direct_emissions", absolute=0.5),  # no such process
        _finding("AR-001", "purchased_precursors[3].see_direct", absolute=0.5),
        _finding("PH-001", "processes[1].direct_emissions", absolute=0.5),  # not a quantified rule
    ])
    assert all(i.impacts == [] for i in items)
    assert [i.affected_goods for i in items] == [[], [], [], [], [], [], [1, 2, 3]]
    assert all(g.gross == 0 and g.material is False for g in goods.values())


def test_a_finding_on_a_process_or_precursor_affects_the_goods_downstream() -> None:
    data = example(STEEL)
    report = validate(Submission.from_dict(data))
    chain = build_chain(report.submission, report.result)
    assert _affected(report, chain, "processes[3].electricity_ef") == ([1, 2], "P4", "electricity_ef")
    assert _affected(report, chain, "processes[0].direct_emissions") == ([1, 2, 3], "P1", "direct_emissions")
    assert _affected(report, chain, "purchased_precursors[0].see_direct") == ([1, 2, 3], "PP1", "see_direct")
    assert _affected(report, chain, "processes[2]") == ([1, 2, 3], "P3", "")
    assert _affected(report, chain, "installation.name") == ([], None, "")
    assert _affected(report, chain, None) == ([], None, "")
    assert _affected(report, chain, "processes[4].direct_emissions") == ([], None, "direct_emissions")
    data["declared"] = {"available": True, "processes": [{"id": "P3", "see_direct": 1.0}],
                        "products": [{"row": 3, "see_direct": 1.0}]}
    report = validate(Submission.from_dict(data))
    assert _affected(report, chain, "declared.products[0].see_direct") == ([3], None, "see_direct")
    assert _affected(report, chain, "declared.products[1].see_direct") == ([], None, "see_direct")
    assert _affected(report, chain, "declared.processes[0].see_direct") == ([1, 2, 3], "P3", "see_direct")
    assert _affected(report, chain, "declared.processes[1].see_direct") == ([], None, "see_direct")


def test_a_non_misstatement_finding_names_its_goods_without_impacts() -> None:
    data = example(STEEL)
    report = validate(Submission.from_dict(data))
    chain = build_chain(report.submission, report.result)
    item = Item(id="N", klass="non-conformity", origin="automated", message="m")
    assess_materiality(report, [(item, _finding("AR-001", "processes[3].direct_emissions", absolute=1.0))],
                       parse_decisions(CLEAN_DECISIONS, "d.yaml"), chain, True)
    assert item.affected_goods == [1, 2] and item.impacts == []


def test_a_unit_slip_is_quantified_on_each_goods_basis() -> None:
    for name, part in ((STEEL, "indirect"), (CEMENT, "total")):
        data = example(name)
        before = recomputed(data)
        data["processes"][-1]["electricity_ef"] *= 1000  # kgCO2/MWh in the last process
        after = recomputed(data)
        j = judged(data)
        swap = next(it for it in j.items if it.id.startswith("UN-001")
                    and it.location.endswith(f"processes[{len(data['processes']) - 1}].electricity_ef")
                    or it.location == "D_Processes")
        changed = {r for r in before if abs(after[r][1] - before[r][1]) > 1e-9}
        assert changed and {i.row for i in swap.impacts if abs(i.absolute) > 1e-9} == changed
        for i in swap.impacts:
            if i.row not in changed:
                continue
            old, new = after[i.row], before[i.row]  # as filed (slipped) and corrected
            absolute = old[1] - new[1]
            see = old[0] if name == STEEL else sum(old)  # the good's SEE recomputed from the file as filed
            expected = Impact(i.row, part, absolute, absolute / see, name == CEMENT,
                              ANNEX_II if name == STEEL else None)
            assert _approx(i) == expected or i == _approx(expected)


def test_a_unit_slip_in_direct_see_counts_for_a_direct_basis_good() -> None:
    data = example(STEEL)
    before = recomputed(data)
    data["purchased_precursors"][0]["see_direct"] *= 1000  # kgCO2e/t
    after = recomputed(data)
    j = judged(data)
    swap = next(it for it in j.items if it.id.startswith("UN-001"))
    assert swap.affected_goods == [1, 2, 3]
    assert swap.impacts == [_approx(Impact(r, "direct", after[r][0] - before[r][0],
                                           (after[r][0] - before[r][0]) / after[r][0], True, None))
                            for r in (1, 2, 3)]


def test_a_stream_slip_is_spread_pro_rata_over_direct_emissions() -> None:
    data = example(STEEL)
    data["emissions"]["source_streams"][2]["ef"] = 0.0561  # natural gas EF in tCO2/GJ
    report = validate(Submission.from_dict(data))
    finding = next(f for f in report.findings if f.rule == "UN-001")
    old, new = finding.details["effects"]["installation_direct"]
    scaled = copy.deepcopy(data)
    for p in scaled["processes"]:
        p["direct_emissions"] *= new / old  # DirEm moved with the installation's total
    as_filed, spread = recomputed(data), recomputed(scaled)
    j = judged(data)
    swap = next(it for it in j.items if it.id.startswith("UN-001"))
    note = ("pro-rata estimate: DirEm per process is entered separately; counts where DirEm is derived from this "
            "stream")
    assert swap.impacts == [_approx(Impact(r, "direct", as_filed[r][0] - spread[r][0],
                                           (as_filed[r][0] - spread[r][0]) / as_filed[r][0], False, note))
                            for r in (1, 2, 3)]


def _slipped_production() -> tuple[dict[str, Any], float]:
    data = example(STEEL)
    route = data["processes"][2]["production"][0]  # P3 crude steel in kg
    original = route["amount"]
    route["amount"] = original * 1000
    return data, original


def test_a_corrected_quantity_moves_sefa_by_the_difference() -> None:
    data, original = _slipped_production()
    right = example(STEEL)
    s, r = recompute(Submission.from_dict(data))
    s2, r2 = recompute(Submission.from_dict(right))
    year = 2026
    old, new = sefa_for_submission(s, r, year), sefa_for_submission(s2, r2, year)
    moved = [row for row in old if old[row].sefa != new[row].sefa]
    assert moved
    items, goods = _assess(data, [_finding("UN-004", "processes[2].production[0].amount", corrected=original),
                                  _finding("UN-001", "processes[2].production[0].amount"),  # nothing corrected
                                  _finding("UN-001", None, corrected=original)])
    assert items[0].sefa_impacts == [
        _approx(Impact(row, "sefa", old[row].sefa - new[row].sefa,
                       (old[row].sefa - new[row].sefa) / abs(old[row].sefa))) for row in moved]
    assert items[1].sefa_impacts == [] and items[2].sefa_impacts == []
    assert [i for item, i in goods[moved[0]].sefa_impacts if item is items[0]] == [items[0].sefa_impacts[0]]
    assert goods[moved[0]].sefa.sefa == old[moved[0]].sefa
    # in the transitional period there is no SEFA to move
    items, goods = _assess(data, [_finding("UN-004", "processes[2].production[0].amount", corrected=original)],
                           definitive=False)
    assert items[0].sefa_impacts == [] and all(g.sefa is None for g in goods.values())


def test_the_verifiers_own_findings_count_per_good_and_per_sefa() -> None:
    data = example(STEEL)
    d = recomputed(data)
    j = judged(data)
    sefa = good(j, 2).sefa.sefa
    own = {"id": "V-9", "class": "misstatement", "description": "x", "impact": {"2": 0.1, "99": 5.0},
           "sefa_impact": {"2": -0.2, "99": 1.0}, "status": "uncorrected"}
    j = judged(data, dict(CLEAN_DECISIONS, additional_findings=[own]))
    item = next(it for it in j.items if it.id == "V-9")
    assert item.impacts == [_approx(Impact(2, "direct", 0.1, 0.1 / d[2][0]))]
    assert item.sefa_impacts == [_approx(Impact(2, "sefa", -0.2, -0.2 / sefa))]
    assert good(j, 2).sefa_gross == pytest.approx(0.2) and good(j, 2).gross == pytest.approx(0.1)


def _with_declared_sefa(excess: float, row_index: int = 0) -> tuple[dict[str, Any], float]:
    data = example(STEEL)
    sefa = good(judged(example(STEEL)), data["definitive"]["goods"][row_index]["product_row"]).sefa.sefa
    data["definitive"]["goods"][row_index].update(quantity=1200000, sefa=sefa * (1 + excess))
    return data, sefa


def test_a_declared_sefa_item_says_what_was_declared_and_what_the_benchmarks_give() -> None:
    data, sefa = _with_declared_sefa(0.1)
    row = data["definitive"]["goods"][0]["product_row"]
    j = judged(data)
    item = next(it for it in j.items if it.id == f"SEFA-{row}")
    declared = sefa * 1.1
    assert item.message == (f"product row {row}: declared SEFA {declared:.5f} but the benchmarks give {sefa:.5f} "
                            "tCO2e/t (+10.00 %, declared minus recomputed)")
    assert (item.klass, item.origin, item.severity, item.location) == ("misstatement", "automated", "error",
                                                                       "definitive.goods[0].sefa")
    assert item.reference == "IR (EU) 2025/2620 Annex; IR (EU) 2025/2546 Art. 5"
    assert item.affected_goods == [row] and item.status == "open"
    assert item.sefa_impacts == [_approx(Impact(row, "sefa", 0.1 * sefa, 0.1))]


def test_declared_sefa_within_the_tolerance_is_no_misstatement() -> None:
    from cbam_exchange.checks.rules.arithmetic import TOLERANCE
    for excess, found in ((TOLERANCE * 0.99, False), (TOLERANCE * 1.01, True), (-TOLERANCE * 1.01, True)):
        data, _ = _with_declared_sefa(excess)
        assert any(it.id.startswith("SEFA-") for it in judged(data).items) is found, excess


def test_every_declared_sefa_is_checked_past_one_without_a_value() -> None:
    data, sefa = _with_declared_sefa(0.1, row_index=len(example(STEEL)["definitive"]["goods"]) - 1)
    goods = data["definitive"]["goods"]
    assert len(goods) > 1
    goods[0]["sefa"] = None
    rows = [it.id for it in judged(data).items if it.id.startswith("SEFA-")]
    assert rows == [f"SEFA-{goods[-1]['product_row']}"]


def test_a_decision_on_a_declared_sefa_item_is_applied() -> None:
    data, _ = _with_declared_sefa(0.1)
    row = data["definitive"]["goods"][0]["product_row"]
    decisions = dict(CLEAN_DECISIONS, findings=[{"fingerprint": f"SEFA-{row}", "status": "corrected",
                                                 "operator_response": "fixed", "correction": "SEFA restated"}])
    j = judged(data, decisions)
    item = next(it for it in j.items if it.id == f"SEFA-{row}")
    assert (item.status, item.operator_response, item.correction) == ("corrected", "fixed", "SEFA restated")
    assert good(j, row).sefa_material is False


def test_no_declared_sefa_without_definitive_data() -> None:
    data = example(STEEL)
    data.pop("definitive")
    report = validate(Submission.from_dict(data))
    assert declared_sefa_items(report, {}, parse_decisions(CLEAN_DECISIONS, "d.yaml")) == []


def test_a_good_without_recomputed_see_has_no_relative_impact() -> None:
    from cbam_exchange.verification.basis import basis_for
    from cbam_exchange.verification.materiality import GoodMateriality
    g = GoodMateriality(1, "72083900", "x", basis_for("72083900"), None, None, None)
    assert g.relative(0.5) is None and g.threshold is None and g.material is None
    g.see = 0.0
    assert g.relative(0.5) is None
    g.see = -2.0
    assert g.relative(0.5) == 0.25
