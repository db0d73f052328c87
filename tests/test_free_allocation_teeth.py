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
