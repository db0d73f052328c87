"""Materiality's edges (verification/materiality.py), each found by a surviving mutant: where the good's basis comes
from, findings the quantification must pass over, the note of a misstatement inherited from several upstream
processes, the exact tolerance of a declared SEFA, SEFA of zero, and a transitional assessment with the verifier's
own SEFA impact. Expected figures are hand-made (binary fractions) or taken from the recomputation of the input."""

from __future__ import annotations

from types import SimpleNamespace as NS
from typing import Any

from cbam_exchange.calc.free_allocation import GoodSefa, sefa_for_submission
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from cbam_exchange.verification.chain import Chain, build_chain
from cbam_exchange.verification.classes import Impact, Item
from cbam_exchange.verification.decisions import parse_decisions
from cbam_exchange.verification.materiality import (_affected, _inherited, _pro_rata, _sefa_of_correction,
                                                    assess_materiality, declared_sefa_items)
from tests.test_materiality_teeth import ANNEX_II, _approx, _assess, _finding, _impacts, _processes, _slipped_production
from tests.test_verification import CEMENT, CLEAN_DECISIONS, STEEL, example, judged, recomputed


def test_the_cn_code_gives_the_basis_before_the_process_category() -> None:
    data = example(STEEL)
    data["products"][2]["cn_code"] = "25231000"  # cement clinker (total basis) made in the crude-steel process
    goods = _assess(data, [])[1]
    assert goods[3].basis.kind == "total" and goods[3].basis.found_by.startswith("CN code 25231000")


def test_without_a_known_cn_code_the_process_category_gives_the_basis() -> None:
    data = example(STEEL)
    data["products"][2]["cn_code"] = None
    goods = _assess(data, [])[1]
    assert goods[3].basis.kind == "direct"
    assert goods[3].basis.found_by == "aggregated goods category Crude steel"


def test_a_declared_process_missing_from_the_chain_affects_nothing() -> None:
    data = example(STEEL)
    data["declared"] = {"available": True, "processes": [{"id": "P9", "see_direct": 1.0}]}
    report = validate(Submission.from_dict(data))
    chain = build_chain(report.submission, report.result)
    assert _affected(report, chain, "declared.processes[0].see_direct") == ([], None, "see_direct")


def test_only_ar001_with_an_amount_is_quantified_per_process() -> None:
    data = example(STEEL)
    data["declared"] = {"available": True, "processes": [{"id": "P4", "see_direct": 1.7}]}
    items, _ = _assess(data, [_finding("AR-001", "declared.processes[0].see_direct"),  # no amount
                              _finding("PH-001", "processes[3].direct_emissions", absolute=0.5)])  # other rule
    assert [i.impacts for i in items] == [[], []]
    assert [i.affected_goods for i in items] == [[1, 2], [1, 2]]


def test_a_note_not_counted_and_an_inherited_share_are_both_kept() -> None:
    data = example(STEEL)
    se = _processes(data)
    data["declared"] = {"available": True, "processes": [{"id": "P4", "see_indirect": 0.2},
                                                         {"id": "P3", "see_indirect": 0.15}]}
    indirect = 0.2 - se["P4"][1]
    inherited = 4450000 / 4380000 * (0.15 - se["P3"][1])  # P4 uses 4,450,000 t of P3's steel for 4,380,000 t
    note = (f"{ANNEX_II}; of which {inherited:+.5g} tCO2e/t inherited from the declared SEE of upstream processes "
            f"(P3 {inherited:+.5g}) and {indirect - inherited:+.5g} the process's own")
    assert [i.note for i in _impacts(judged(data), "declared.processes[0].see_indirect")] == [note, note]


def _upstream_report(declared: list[NS] | None, recomputed_: list[NS]) -> tuple[NS, Chain]:
    """P3 uses 0.5 t of P1's output and 0.25 t of P2's per t."""
    report = NS(submission=NS(declared=None if declared is None else NS(processes=declared)),
                result=NS(processes=recomputed_))
    chain = Chain(["P1", "P2", "P3"], {}, [[0.0] * 3, [0.0] * 3, [0.5, 0.25, 0.0]], {}, [])
    return report, chain


def test_a_share_inherited_from_several_upstream_processes_names_each() -> None:
    report, chain = _upstream_report([NS(id="P1", see_direct=1.5), NS(id="P2", see_direct=0.75)],
                                     [NS(id="P1", see_direct=1.25), NS(id="P2", see_direct=1.0)])
    # 0.5 x (1.5 - 1.25) = +0.125 and 0.25 x (0.75 - 1) = -0.0625: +0.0625 inherited of 0.3
    assert _inherited(report, chain, "P3", "see_direct", 0.3) == (  # type: ignore[arg-type]
        "of which +0.0625 tCO2e/t inherited from the declared SEE of upstream processes (P1 +0.125, P2 -0.0625) "
        "and +0.2375 the process's own")


def test_nothing_is_inherited_where_upstream_misstatements_cancel_or_are_not_known() -> None:
    recomputed_ = [NS(id="P1", see_direct=1.25), NS(id="P2", see_direct=1.0)]
    cancel = [NS(id="P1", see_direct=1.5), NS(id="P2", see_direct=0.5)]  # +0.125 and -0.125
    for declared in (cancel, None, [NS(id="P1"), NS(id="P2", see_direct=1.0)]):
        report, chain = _upstream_report(declared, recomputed_)
        assert _inherited(report, chain, "P3", "see_direct", 0.3) is None  # type: ignore[arg-type]
    report, chain = _upstream_report(cancel, [NS(id="P1"), NS(id="P2")])  # nothing recomputed for them
    assert _inherited(report, chain, "P3", "see_direct", 0.3) is None  # type: ignore[arg-type]


def _un(**effects: Any) -> Any:
    return _finding("UN-001", "processes[3].electricity_ef", effects=effects)


def test_a_unit_slip_on_products_is_quantified_only_on_the_products_it_names() -> None:
    data = example(STEEL)
    see1 = recomputed(data)[1][0]
    unknown = {"row": 99, "see_direct": [2.0, 1.0], "see_indirect": [0.5, 0.5]}
    moved = {"row": 1, "see_direct": [1.75, 1.5], "see_indirect": [0.25, 0.25]}
    still = {"row": 2, "see_direct": [1.5, 1.5], "see_indirect": [0.25, 0.25]}
    # products named: no pro-rata spreading of the installation total on top
    items, _ = _assess(data, [_un(products=[unknown, moved, still], installation_direct=[100.0, 90.0])])
    assert items[0].impacts == [_approx(Impact(1, "direct", 0.25, 0.25 / see1))]
    assert items[0].affected_goods == [1, 2]
    # an unknown indirect part on a direct-basis good is not reported
    items, _ = _assess(data, [_un(products=[{"row": 1, "see_direct": [1.5, 1.5], "see_indirect": [None, 0.25]}])])
    assert items[0].impacts == []


def test_a_total_basis_good_without_its_direct_part_has_no_impact() -> None:
    data = example(CEMENT)
    row = recomputed(data).popitem()[0]
    items, _ = _assess(data, [_un(products=[{"row": row, "see_direct": [None, None], "see_indirect": [0.5, 0.25]}])])
    assert items[0].impacts == []


def test_an_installation_total_of_zero_is_not_spread() -> None:
    items, _ = _assess(example(STEEL), [_un(products=[], installation_direct=[0.0, 10.0])])
    assert items[0].impacts == []


def test_pro_rata_passes_over_goods_it_cannot_place_and_goes_on() -> None:
    data = example(STEEL)
    report = validate(Submission.from_dict(data))
    chain = build_chain(report.submission, report.result)
    _, goods = _assess(data, [])
    everything = Item(id="all", klass="misstatement", origin="automated", message="m")
    _pro_rata(everything, report, chain, goods, [1000.0, 900.0])
    assert [i.row for i in everything.impacts] == [1, 2, 3]
    rest = [i for i in everything.impacts if i.row != 1]
    without_good = Item(id="g", klass="misstatement", origin="automated", message="m")
    _pro_rata(without_good, report, chain, {r: g for r, g in goods.items() if r != 1}, [1000.0, 900.0])
    assert without_good.impacts == rest
    report.result.products[0].process = "P9"  # a process the chain does not know
    unknown = Item(id="u", klass="misstatement", origin="automated", message="m")
    _pro_rata(unknown, report, chain, goods, [1000.0, 900.0])
    assert unknown.impacts == rest


def test_a_correction_is_worked_out_on_a_copy_and_skips_goods_without_sefa_after() -> None:
    data, original = _slipped_production()
    report = validate(Submission.from_dict(data))
    slipped = report.submission.processes[2].production[0].amount
    finding = _finding("UN-004", "processes[2].production[0].amount", corrected=original)
    s, r = recompute(Submission.from_dict(example(STEEL)))
    after = sefa_for_submission(s, r, 2026)[1].sefa
    assert after
    before = {1: GoodSefa(1, "72083900", "P4", 2026, 0.0, None, None, None),  # no SEFA as filed: no relative
              99: GoodSefa(99, None, None, 2026, 1.0, None, None, None)}  # no such good after the correction
    item = Item(id="u", klass="misstatement", origin="automated", message="m")
    _sefa_of_correction(report, finding, before, item)
    assert item.sefa_impacts == [Impact(1, "sefa", -after, None)]
    assert report.submission.processes[2].production[0].amount == slipped


def _sefa_goods(sefa: float) -> dict[int, Any]:
    return {1: NS(sefa=GoodSefa(1, "72083900", "P4", 2026, sefa, None, None, None))}


def _declared_sefa(declared: float, benchmark: float) -> list[Item]:
    data = example(STEEL)
    data["definitive"]["goods"] = [{"product_row": 1, "quantity": 1000.0, "sefa": declared}]
    report = validate(Submission.from_dict(data))
    return declared_sefa_items(report, _sefa_goods(benchmark), parse_decisions(CLEAN_DECISIONS, "d.yaml"))


def test_a_declared_sefa_exactly_at_the_tolerance_is_no_misstatement() -> None:
    assert _declared_sefa(1001.0, 1000.0) == []  # 1 = 0.1 % of 1000 exactly
    assert [i.sefa_impacts for i in _declared_sefa(1001.5, 1000.0)] == [[_approx(Impact(1, "sefa", 1.5, 0.0015))]]


def test_a_declared_sefa_where_the_benchmarks_give_zero_has_no_relative_size() -> None:
    [item] = _declared_sefa(0.5, 0.0)
    assert item.message == "product row 1: declared SEFA 0.50000 but the benchmarks give 0"
    assert item.sefa_impacts == [Impact(1, "sefa", 0.5, None)]


def test_the_verifiers_own_sefa_impact_without_sefa_has_no_relative_size() -> None:
    data = example(STEEL)
    report = validate(Submission.from_dict(data))
    chain = build_chain(report.submission, report.result)
    own = {"id": "V-9", "class": "misstatement", "description": "x", "sefa_impact": {"2": -0.25},
           "status": "uncorrected"}
    item = Item(id="V-9", klass="misstatement", origin="verifier", message="x")
    assess_materiality(report, [(item, None)], parse_decisions(dict(CLEAN_DECISIONS, additional_findings=[own]),
                                                               "d.yaml"), chain, definitive=False)
    assert item.sefa_impacts == [Impact(2, "sefa", -0.25, None)]

