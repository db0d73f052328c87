"""Mutation teeth for calc/free_allocation.py (docs/mutation-testing.md): every expected SEFA is rebuilt here from the
packaged benchmark (IR 2025/2620 Annex point 5), phase-in (CBAM factor) and default-value tables, read with csv and
tomllib, never through the code under test. Where CSCF = 1 would hide a swapped product or quotient, a confirmed
CSCF of 0.8 is put in the figures."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest

import cbam_exchange.calc.free_allocation as fa
from cbam_exchange.calc.free_allocation import BenchmarkUsed, DefaultSefa, Term, default_sefa, sefa_for_submission
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.model.codec import from_dict
from cbam_exchange.model.submission import Submission
from cbam_exchange.reference.tables import default_value

REFERENCE = Path(fa.__file__).resolve().parent.parent / "reference"
TABLES = REFERENCE / "tables"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ELECTRICITY_NOTE = "electricity: no free-allocation adjustment (IR 2025/2620 Art 1(2))"


def _csv(name: str) -> list[dict[str, str]]:
    with (TABLES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _factor(year: int) -> float:
    return next(float(r["cbam_factor_free_allocation_retained"]) for r in _csv("phase_in.csv") if int(r["year"]) == year)


def _bm(codes: set[str], column: str, year: int, routes: set[str] | None = None) -> list[float]:
    """Benchmark values of the codes, column and production year (footnotes (1) 2026-2027, (2) 2028-2030)."""
    band = "2026-2027" if year <= 2027 else "2028-2030"
    rows = [r for r in _csv("cbam_benchmarks.csv") if r["cn_code"] in codes and r["column"] == column
            and r["production_years"] in ("all", band)]
    if routes is not None:
        rows = [r for r in rows if r["route_indicator"] in routes]
    return sorted({float(r["benchmark_tco2e_per_t"]) for r in rows})


def _category(name: str) -> set[str]:
    return {r["cn_code"] for r in _csv("cn_codes.csv") if r["aggregated_goods_category"] == name}


@pytest.fixture
def cscf(monkeypatch: pytest.MonkeyPatch) -> float:
    """A confirmed CSCF of 0.8, so that CBAM factor x CSCF is no longer the CBAM factor alone."""
    with (REFERENCE / "free_allocation.toml").open("rb") as fh:
        figures = tomllib.load(fh)
    figures["cscf"].update(value=0.8, confirmation="CONFIRMED")
    monkeypatch.setattr(fa, "free_allocation_figures", lambda: figures)
    return 0.8


def _steelworks() -> dict:
    return json.loads((EXAMPLES / "steelworks-bf-bof.json").read_text())


def _sefa(data: dict, year: int, **kw: object) -> dict:
    submission, result = recompute(from_dict(Submission, data))
    return sefa_for_submission(submission, result, year, **kw)


# --- default path --------------------------------------------------------------------------------------------------

def test_default_path_whole_result_with_a_confirmed_cscf(cscf: float) -> None:
    [value] = _bm({"72083900"}, "B", 2026, {"C"})  # Türkiye's default value for 7208 39 00 is on route C
    sefa = _factor(2026) * cscf * value
    assert default_sefa("7208 39 00", "TR", 2026) == DefaultSefa(
        "72083900", "TR", 2026, sefa, None, _factor(2026), cscf, "C",
        [BenchmarkUsed("72083900", ("72083900",), "B", value, ("C",), (value,))],
        [Term("72083900", "own", None, None, sefa)], [])  # a confirmed CSCF needs no note


def test_default_path_compound_route_is_split_into_its_letters(cscf: float) -> None:
    both = _bm({"72083900"}, "B", 2026, {"D", "E"})
    assert len(both) == 2 and max(both) < max(_bm({"72083900"}, "B", 2026))
    got = default_sefa("72083900", "TR", 2026, route="D/E")
    assert got.sefa == pytest.approx(_factor(2026) * cscf * max(both))  # §5.1: the highest of the route's grades
    assert got.benchmarks[0].routes == ("D", "E") and got.benchmarks[0].candidates == tuple(both)
    single = default_sefa("72083900", "TR", 2026, route="D")
    assert single.sefa == pytest.approx(_factor(2026) * cscf * _bm({"72083900"}, "B", 2026, {"D"})[0])


def test_default_path_several_grades_note_lists_them() -> None:
    values = _bm({"72083900"}, "B", 2026)
    got = default_sefa("72083900", "TR", 2026, route="")
    listed = ", ".join(f"{v:g}" for v in values)
    assert any(n.startswith(f"72083900: several column B benchmarks fit ({listed}); the highest") for n in got.notes)


@pytest.mark.parametrize("year", [2027, 2028, 2030])
def test_production_year_bands_include_their_last_year(year: int) -> None:
    [value] = _bm({"25233000"}, "B", year)  # aluminous cement: (1) 2026-2027 and (2) 2028-2030 rows only
    assert default_sefa("25233000", "TR", year).sefa == pytest.approx(_factor(year) * 1.0 * value)


def test_default_path_without_a_benchmark_says_which_table() -> None:
    cn = "76011000"
    assert _bm({cn}, "B", 2026) == []
    got = default_sefa(cn, "TR", 2026)
    with (TABLES / "MANIFEST.toml").open("rb") as fh:
        legal = tomllib.load(fh)["tables"]["benchmarks"]["legal_reference"]
    assert got.sefa is None and got.reason == f"no column B benchmark for CN {cn} in {legal}"
    assert got.benchmarks[0].value is None


def test_default_path_route_comes_from_the_country_s_default_value() -> None:
    """Ukraine's default value for unwrought aluminium 7601 10 10 is on route L (secondary), the fallback's on K."""
    assert default_value("76011010", "UA", 2026).route == "L" and default_value("76011010", None, 2026).route == "K"
    [secondary] = _bm({"76011010"}, "B", 2026, {"L"})
    got = default_sefa("76011010", "UA", 2026)
    assert got.route == "L" and got.sefa == pytest.approx(_factor(2026) * 1.0 * secondary)


def test_default_path_in_the_transitional_period_keeps_its_inputs() -> None:
    reason = "no free-allocation adjustment in the transitional period (2025 is before 2026)"
    assert default_sefa("72083900", "TR", 2025, route="C") == DefaultSefa(
        "72083900", "TR", 2025, None, reason, None, None, "C", notes=[])


def test_default_path_electricity_whole_result(cscf: float) -> None:
    assert default_sefa("27160000", "UA", 2026) == DefaultSefa(
        "27160000", "UA", 2026, 0.0, None, _factor(2026), cscf, None, notes=[ELECTRICITY_NOTE])


def test_unconfirmed_cscf_is_noted_and_confirmed_is_not(cscf: float) -> None:
    assert default_sefa("72083900", "TR", 2026).notes == []
    fa.free_allocation_figures()["cscf"]["confirmation"] = "UNCONFIRMED"
    assert any("CSCF taken as 0.8 (UNCONFIRMED" in n for n in default_sefa("72083900", "TR", 2026).notes)


# --- actual-data path ----------------------------------------------------------------------------------------------

def _chain_by_hand(scale: float, alloy_b: float) -> dict[str, float]:
    """The steelworks example's chain: per-tonne amounts from its production and consumption figures."""
    sinter = scale * _bm(_category("Sintered Ore"), "A", 2026)[0]
    pig = scale * _bm(_category("Pig iron"), "A", 2026)[0] + 5_400_000 / 4_000_000 * sinter
    alloy = scale * alloy_b
    [slab_a] = _bm({"72071210"}, "A", 2026, {"C", "F"})  # basic oxygen steelmaking: BF/BOF routes C and F
    slab = scale * slab_a + 3_950_000 / 4_600_000 * pig + 41_400 / 4_600_000 * alloy
    [hrc_a] = _bm({"72083900", "72085120"}, "A", 2026)
    return {"P1": sinter, "P2": pig, "PP1": alloy, "P3": slab, "P4": scale * hrc_a + 4_450_000 / 4_380_000 * slab}


def test_chain_nodes_terms_and_goods_with_a_confirmed_cscf(cscf: float) -> None:
    scale = _factor(2026) * cscf
    [alloy_b] = _bm({"72021120"}, "B", 2026)  # PP1's CN code is given in the definitive-period data
    want = _chain_by_hand(scale, alloy_b)
    goods = _sefa(_steelworks(), 2026)
    hrc, slab = goods[1], goods[3]
    assert (hrc.row, hrc.cn_code, hrc.year, hrc.cbam_factor, hrc.cscf) == (1, "72083900", 2026, _factor(2026), cscf)
    assert hrc.process == "P4" and slab.process == "P3" and hrc.reason is None and hrc.notes == []
    assert hrc.sefa == pytest.approx(want["P4"], rel=1e-12) and slab.sefa == pytest.approx(want["P3"], rel=1e-12)
    own, up = hrc.terms
    assert (own.node, own.kind, own.per_unit, own.sefa) == ("P4", "own", None, None)
    assert own.value == pytest.approx(scale * _bm({"72083900"}, "A", 2026)[0], rel=1e-12)
    assert (up.node, up.kind) == ("P3", "precursor") and up.per_unit == pytest.approx(4_450_000 / 4_380_000)
    assert up.sefa == pytest.approx(want["P3"]) and up.value == pytest.approx(up.per_unit * want["P3"])
    assert [(b.node, b.column) for b in slab.benchmarks] == [("row 3", "A"), ("P2", "A"), ("PP1", "B")]
    assert [b.value for b in slab.benchmarks] == [_bm({"72071210"}, "A", 2026, {"C", "F"})[0],
                                                   _bm(_category("Pig iron"), "A", 2026)[0], alloy_b]
    chain = {n.node: n for n in hrc.chain}
    assert list(chain) == ["P1", "P2", "P3", "P4", "PP1"] and slab.chain == hrc.chain
    for node, value in want.items():
        assert chain[node].sefa == pytest.approx(value, rel=1e-12), node
    assert [n for n, _ in chain["P3"].precursors] == ["P2", "PP1"]
    assert [a for _, a in chain["P3"].precursors] == pytest.approx([3_950_000 / 4_600_000, 41_400 / 4_600_000])
    assert chain["P3"].own == pytest.approx(scale * _bm({"72071210"}, "A", 2026, {"C", "F"})[0])
    assert chain["P1"].precursors == () and chain["PP1"].own == pytest.approx(scale * alloy_b)
    assert chain["P3"].benchmark.node == "P3" and chain["PP1"].benchmark.node == "PP1"


def test_transitional_goods_keep_row_code_and_process() -> None:
    reason = "no free-allocation adjustment in the transitional period (2025 is before 2026)"
    goods = _sefa(_steelworks(), 2025)
    assert [(g.row, g.cn_code, g.process, g.year, g.sefa, g.reason, g.cbam_factor, g.cscf, g.notes)
            for g in goods.values()] == [(1, "72083900", "P4", 2025, None, reason, None, None, []),
                                         (2, "72085120", "P4", 2025, None, reason, None, None, []),
                                         (3, "72071210", "P3", 2025, None, reason, None, None, [])]


def test_a_row_takes_its_own_cn_code_s_column_a_benchmark(cscf: float) -> None:
    data = _steelworks()
    data["products"][1]["cn_code"] = "72071210"  # a slab code on the hot strip mill: two column A routes, no route
    scale = _factor(2026) * cscf
    values = _bm({"72071210"}, "A", 2026)
    goods = _sefa(data, 2026)
    assert goods[2].terms[0].value == pytest.approx(scale * values[0])  # the lowest: route unknown on this process
    assert goods[1].terms[0].value == pytest.approx(scale * min(_bm({"72083900", "72071210"}, "A", 2026)))
    listed = ", ".join(f"{v:g}" for v in values)
    assert any(n.startswith(f"row 2: several column A benchmarks fit ({listed}); the lowest") for n in goods[2].notes)


def test_unknown_benchmark_and_amount_name_every_missing_node() -> None:
    data = _steelworks()
    data["products"][2]["cn_code"] = "76011000"  # no benchmark row: P3's own term is unknown
    data["processes"][1]["production"][0]["amount"] = None  # P2's sinter per tonne is unknown
    goods = _sefa(data, 2026)
    assert goods[3].sefa is None and goods[3].reason == "no benchmark or amount for P3, P2"
    assert goods[3].terms[2].value is not None  # PP1 is known
    assert goods[1].sefa is None and goods[1].reason == "no benchmark or amount for P3"


def _electricity_first(data: dict) -> dict:
    data["processes"].insert(0, {"id": "P0", "category": "Electricity (export to EU)", "name": "Power plant",
                                 "production": [{"route_index": 1, "route": "All production routes",
                                                 "amount": 1000}],
                                 "produced_for_market": 1000, "consumed_non_cbam": 0,
                                 "measurable_heat_applicable": False, "waste_gases_applicable": False,
                                 "direct_emissions": 500})
    data["products"].append({"row": 4, "process": "Power plant", "cn_code": "27160000", "name": "Electricity"})
    return data


def test_an_electricity_process_has_no_adjustment_and_the_others_are_still_solved(cscf: float) -> None:
    goods = _sefa(_electricity_first(_steelworks()), 2026)
    want = _chain_by_hand(_factor(2026) * cscf, _bm({"72021120"}, "B", 2026)[0])
    assert goods[4].sefa == 0.0 and goods[4].notes[-1] == ELECTRICITY_NOTE
    chain = {n.node: n for n in goods[4].chain}
    assert chain["P0"].own == 0.0 and chain["P0"].sefa == 0.0
    assert goods[1].sefa == pytest.approx(want["P4"], rel=1e-12)


def test_without_definitive_data_a_purchased_precursor_takes_its_category(cscf: float) -> None:
    data = _steelworks()
    data.pop("definitive", None)
    lowest = _bm(_category("Alloys (FeMn, FeCr, FeNi)"), "B", 2026)[0]
    goods = _sefa(data, 2026)
    assert goods[3].sefa == pytest.approx(_chain_by_hand(_factor(2026) * cscf, lowest)["P3"], rel=1e-12)


def test_a_given_producer_sefa_leaves_the_next_purchased_precursor_on_its_default_path(cscf: float) -> None:
    data = _steelworks()
    second = json.loads(json.dumps(data["purchased_precursors"][0]))
    second.update(id="PP2", name="Second ferromanganese lot")
    second["purchased"][0]["amount"], second["consumed_by"], second["consumed_other"] = 10_000, \
        [{"process": "P3", "amount": 10_000}], 0
    data["purchased_precursors"].append(second)
    goods = _sefa(data, 2026, precursor_sefa={"PP1": 2.0})
    chain = {n.node: n for n in goods[3].chain}
    assert chain["PP1"].own == 2.0
    assert chain["PP2"].own == pytest.approx(_factor(2026) * cscf * _bm(_category("Alloys (FeMn, FeCr, FeNi)"),
                                                                        "B", 2026)[0])


def _purchased_slab(data: dict, route: str, cn: str | None) -> dict:
    pp = data["purchased_precursors"][0]
    pp.update(category="Crude steel", name="Bought slab", country_code="TR")
    pp["purchased"][0]["route"] = route
    pp["routes"] = [route]
    for d in data["definitive"]["precursors"]:
        d.pop("cn_code", None)
        if cn:
            d["cn_code"] = cn
    return data


def test_a_purchased_bof_slab_with_its_cn_code_takes_the_bof_route(cscf: float) -> None:
    data = _purchased_slab(_steelworks(), "Basic oxygen steelmaking", "72071210")
    [bof] = _bm({"72071210"}, "B", 2026, {"C", "F"})
    assert bof > min(_bm({"72071210"}, "B", 2026))  # the route decides
    chain = {n.node: n for n in _sefa(data, 2026)[3].chain}
    assert chain["PP1"].own == pytest.approx(_factor(2026) * cscf * bof)
    assert chain["PP1"].benchmark.routes == ("C", "F")


def test_a_purchased_slab_known_by_category_takes_the_routes_of_the_country_s_default_values(cscf: float) -> None:
    data = _purchased_slab(_steelworks(), "All production routes", None)
    codes = _category("Crude steel")
    letters = {r for cn in codes if (dv := default_value(cn, "TR", 2026)) and dv.route for r in dv.route.split("/")}
    assert letters and letters != {r["route_indicator"] for r in _csv("cbam_benchmarks.csv") if r["cn_code"] in codes}
    chain = {n.node: n for n in _sefa(data, 2026)[3].chain}
    assert chain["PP1"].own == pytest.approx(_factor(2026) * cscf * _bm(codes, "B", 2026, letters)[0])


def test_a_cn_code_with_no_default_value_and_no_benchmark_has_no_route() -> None:
    got = default_sefa("99999999", "TR", 2026)
    assert got.route is None and got.sefa is None and got.reason.startswith("no column B benchmark for CN 99999999")


def test_a_purchased_aluminium_known_by_category_takes_its_country_s_route(cscf: float) -> None:
    """Ukraine's default values for unwrought aluminium are on route L (secondary); without the country they are K."""
    data = _steelworks()
    pp = data["purchased_precursors"][0]
    pp.update(category="Unwrought aluminium", name="Bought aluminium", country_code="UA")
    for d in data["definitive"]["precursors"]:
        d.pop("cn_code", None)
    codes = _category("Unwrought aluminium")
    secondary, primary = _bm(codes, "B", 2026, {"L"})[0], _bm(codes, "B", 2026, {"K"})[0]
    assert secondary != primary
    chain = {n.node: n for n in _sefa(data, 2026)[3].chain}
    assert chain["PP1"].own == pytest.approx(_factor(2026) * cscf * secondary)


def test_a_row_without_a_cn_code_adds_no_code_to_its_process(cscf: float) -> None:
    data = _steelworks()
    data["products"][1]["cn_code"] = None
    chain = {n.node: n for n in _sefa(data, 2026)[1].chain}
    assert chain["P4"].benchmark.cn_codes == ("72083900",)


def test_a_purchased_precursor_without_any_benchmark_leaves_its_consumers_unknown() -> None:
    data = _steelworks()
    data["purchased_precursors"][0].update(category="Electricity (export to EU)")
    for d in data["definitive"]["precursors"]:
        d.pop("cn_code", None)
    assert _bm(_category("Electricity (export to EU)"), "B", 2026) == []
    goods = _sefa(data, 2026)
    assert goods[3].sefa is None and goods[3].reason == "no benchmark or amount for PP1"


def test_a_product_of_an_unknown_process_says_so() -> None:
    data = _steelworks()
    data["products"][1]["process"] = "No such mill"
    goods = _sefa(data, 2026)
    assert goods[2].sefa is None and goods[2].reason == "product row 2: its production process is not known"


def test_two_consumption_lines_to_the_same_process_add_up(cscf: float) -> None:
    data = _steelworks()
    data["purchased_precursors"][0]["consumed_by"] = [{"process": "P3", "amount": 20_700},
                                                      {"process": "P3", "amount": 20_700}]
    want = _chain_by_hand(_factor(2026) * cscf, _bm({"72021120"}, "B", 2026)[0])  # 41,400 t in all, as before
    goods = _sefa(data, 2026)
    assert {n.node: n for n in goods[1].chain}["P3"].sefa == pytest.approx(want["P3"], rel=1e-12)
    assert goods[1].sefa == pytest.approx(want["P4"], rel=1e-12)


def test_a_chain_that_consumes_all_it_makes_has_no_sefa_and_says_why() -> None:
    """The slab shop takes back hot-rolled coil so that slab -> coil -> slab returns exactly one tonne: I - A is
    singular, no SEFA exists."""
    data = _steelworks()
    p3, p4 = data["processes"][2], data["processes"][3]
    p3_out, p4_out, p3_to_p4 = 4_600_000, 4_380_000, 4_450_000
    p4["consumed_by"] = [{"process": "P3", "amount": p3_out * p4_out / p3_to_p4}]
    p4["produced_for_market"] = p4_out - p3_out * p4_out / p3_to_p4
    goods = _sefa(data, 2026)
    assert goods[1].sefa is None
    assert any("I - A is singular" in n for n in goods[1].notes)
