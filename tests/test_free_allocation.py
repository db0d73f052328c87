"""SEFA per good (IR (EU) 2025/2620) against hand calculations. The benchmark values below are typed from the act's
Annex point 5 (as transcribed in methodology.md §8.1 and the Commission's benchmark workbook), not read through the
code under test."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cbam_exchange.calc.free_allocation import default_sefa, sefa_for_submission
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.model.codec import from_dict
from cbam_exchange.model.submission import Submission

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Column A (actual data), tCO2e/t
SINTER_A, PIG_IRON_A, SLAB_BOF_A, HRC_A = 0.086, 1.089, 0.188, 0.044
# Column B (default path), production years 2026-2027 / 2028-2030
FERRO_CHROMIUM_B = {2026: 1.142, 2028: 1.106}  # the lowest alloy benchmark: the purchased alloy's CN code is unknown
FERRO_MANGANESE_B = {2026: 1.361, 2028: 1.277}  # CN 7202 11 20, high-carbon ferromanganese
HRC_B_BOF, CEMENT_B = 1.370, 0.666
CBAM_FACTOR = {2026: 0.975, 2028: 0.900}


def _steelworks() -> dict:
    return json.loads((EXAMPLES / "steelworks-bf-bof.json").read_text())


def _sefa(data: dict, year: int) -> dict:
    submission, result = recompute(from_dict(Submission, data))
    return sefa_for_submission(submission, result, year)


def test_methodology_worked_example_a_hot_rolled_coil() -> None:
    """methodology.md §8.3 example A: sinter 1.2 t/t pig iron, pig iron 0.9 t/t slab, slab 1.0316 t/t HRC, 2026
    -> SEFA 1.31121 t/t."""
    data = _steelworks()
    data["purchased_precursors"] = []
    p1, p2, p3, p4 = data["processes"]
    p1["production"][0]["amount"], p1["consumed_by"] = 1_200_000, [{"process": "P2", "amount": 1_200_000}]
    p2["production"][0]["amount"], p2["consumed_by"] = 1_000_000, [{"process": "P3", "amount": 990_000}]
    p3["production"][0]["amount"], p3["consumed_by"] = 1_100_000, [{"process": "P4", "amount": 1_031_600}]
    p4["production"][0]["amount"] = 1_000_000
    sefa = _sefa(data, 2026)
    hrc = sefa[1]
    assert hrc.cn_code == "72083900"
    assert hrc.sefa == pytest.approx(1.31121, abs=5e-6)
    assert hrc.reason is None
    assert any("UNCONFIRMED" in n for n in hrc.notes)  # CSCF assumed 1.0


def _without_precursor_cn(data: dict) -> dict:
    for d in data.get("definitive", {}).get("precursors", []):
        d.pop("cn_code", None)
    return data


@pytest.mark.parametrize("year", [2026, 2028])
def test_steelworks_chain_with_a_purchased_alloy_on_its_default_path(year: int) -> None:
    data = _without_precursor_cn(_steelworks())
    f = CBAM_FACTOR[year]
    sinter = f * SINTER_A
    pig = f * PIG_IRON_A + 5_400_000 / 4_000_000 * sinter
    alloy = f * FERRO_CHROMIUM_B[year]
    slab = f * SLAB_BOF_A + 3_950_000 / 4_600_000 * pig + 41_400 / 4_600_000 * alloy
    hrc = f * HRC_A + 4_450_000 / 4_380_000 * slab
    sefa = _sefa(data, year)
    assert sefa[3].sefa == pytest.approx(slab, rel=1e-12)
    assert sefa[1].sefa == pytest.approx(hrc, rel=1e-12)
    assert sefa[2].sefa == pytest.approx(hrc, rel=1e-12)  # 7208 51 20 has the same column A value
    terms = {t.node: t for t in sefa[3].terms}
    assert terms["PP1"].sefa == pytest.approx(alloy) and terms["PP1"].per_unit == pytest.approx(0.009)
    assert any("PP1" in n and "lowest" in n for n in sefa[3].notes)


@pytest.mark.parametrize("year", [2026, 2028])
def test_a_purchased_precursor_whose_cn_code_is_given_takes_that_code_s_benchmark(year: int) -> None:
    """The definitive-period data name PP1's CN code, 7202 11 20 (high-carbon ferromanganese, Annex IV §1.1 item
    23(a)); the draft's precursor section shows it. Its benchmark is then that code's (IR (EU) 2025/2620 Annex
    point 5), not the lowest of the whole alloys category (ferrochromium's 1.142), which is only a fallback for a
    precursor known by its category alone."""
    data = _steelworks()
    assert data["definitive"]["precursors"][0]["cn_code"] == "72021120"
    f = CBAM_FACTOR[year]
    pig = f * PIG_IRON_A + 5_400_000 / 4_000_000 * f * SINTER_A
    slab = f * SLAB_BOF_A + 3_950_000 / 4_600_000 * pig + 41_400 / 4_600_000 * f * FERRO_MANGANESE_B[year]
    hrc = f * HRC_A + 4_450_000 / 4_380_000 * slab
    sefa = _sefa(data, year)
    assert sefa[3].sefa == pytest.approx(slab, rel=1e-12)
    assert sefa[1].sefa == pytest.approx(hrc, rel=1e-12)
    assert not any("PP1" in n and "lowest" in n for n in sefa[3].notes)
    if year == 2026:  # the figures the example declares (rounded to three decimals)
        assert round(slab, 3) == 1.204 and round(hrc, 3) == 1.266


def test_a_purchased_clinker_with_its_cn_code_keeps_the_grey_clinker_benchmark() -> None:
    """CN 2523 10 00 carries two benchmarks (grey 0.666, white 0.859); the purchased clinker's grade is not given,
    so the lower one is used, never the white one, which would overstate the deduction. Mill 1 grinds 540,000 t of
    its own clinker and 30,000 t bought into 600,000 t of cement (cement's own Column A benchmark is 0)."""
    data = json.loads((EXAMPLES / "cement-clinker-two-cements.json").read_text())
    assert data["definitive"]["precursors"][0]["cn_code"] == "25231000"
    sefa = _sefa(data, 2026)
    assert sefa[1].sefa == pytest.approx(CBAM_FACTOR[2026] * CEMENT_B * (540_000 + 30_000) / 600_000, rel=1e-12)
    assert any("PP1" in n and "lowest" in n for n in sefa[1].notes)


def test_producer_sefa_of_a_purchased_precursor_replaces_its_default_path() -> None:
    data = _without_precursor_cn(_steelworks())
    submission, result = recompute(from_dict(Submission, data))
    base = sefa_for_submission(submission, result, 2026)[3].sefa
    given = sefa_for_submission(submission, result, 2026, precursor_sefa={"PP1": 2.0})[3].sefa
    assert given - base == pytest.approx(0.009 * (2.0 - 0.975 * FERRO_CHROMIUM_B[2026]))


def test_missing_production_makes_sefa_unknown_not_zero() -> None:
    data = _steelworks()
    data["processes"][2]["production"][0]["amount"] = None
    sefa = _sefa(data, 2026)
    assert sefa[3].sefa is None and sefa[3].reason
    assert sefa[1].sefa is None


def test_no_adjustment_in_the_transitional_period() -> None:
    sefa = _sefa(_steelworks(), 2025)
    assert all(g.sefa is None and "transitional" in g.reason for g in sefa.values())
    assert default_sefa("72083900", "TR", 2024).sefa is None


def test_default_path_takes_the_country_route_and_column_b() -> None:
    turkey = default_sefa("72083900", "TR", 2026)  # Türkiye's default value for 7208 39 00 is on route C (BF/BOF)
    assert turkey.route == "C"
    assert turkey.sefa == pytest.approx(0.975 * HRC_B_BOF)
    cement = default_sefa("2523 29 00", "TR", 2026)  # methodology.md §8.3 example B: 0.666 x 0.975
    assert cement.sefa == pytest.approx(0.64935)


def test_default_path_with_several_grades_takes_the_highest() -> None:
    unknown_route = default_sefa("72083900", "TR", 2026, route="")
    assert unknown_route.sefa == pytest.approx(0.975 * HRC_B_BOF)
    assert any("2025/2620 §5.1" in n for n in unknown_route.notes)


def test_electricity_has_no_adjustment() -> None:
    electricity = default_sefa("27160000", "UA", 2026)
    assert electricity.sefa == 0.0 and electricity.reason is None


def test_input_is_not_changed() -> None:
    data = _steelworks()
    before = copy.deepcopy(data)
    _sefa(data, 2026)
    assert data == before
