"""UN-001 (checks/rules/units.py) with teeth: which values are screened and against which band, the swap constants
and their boundaries, the negative-value branch, and the effect the finding states. Expected bands come from
reference/plausibility.toml read here directly; expected values are computed by hand."""

from __future__ import annotations

import copy
import json
import tomllib
from typing import Any

import pytest

from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.context import CheckContext
from cbam_exchange.checks.rules import units
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT

TOML = tomllib.loads((ROOT / "cbam_exchange/reference/plausibility.toml").read_text(encoding="utf-8"))
BANDS = {k: (float(lo), float(hi)) for k, (lo, hi) in TOML["bands"].items()}
SWAPS = TOML["unit_swaps"]


def _data() -> dict[str, Any]:
    return json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))


def _ctx(data: dict[str, Any]) -> CheckContext:
    submission, result = recompute(Submission.from_dict(data))
    return CheckContext(submission=submission, result=result, year=2026)


def _candidates(data: dict[str, Any]) -> dict[str, tuple[float, str, tuple[float, float]]]:
    return {c.path: (c.value, c.kind, c.band) for c in units.candidates(_ctx(data))}


def _un001(data: dict[str, Any]) -> list[Any]:
    return [f for f in validate(Submission.from_dict(data), select=["UN-001"]).findings if f.rule == "UN-001"]


def _production(process: dict[str, Any]) -> float:
    return sum(r["amount"] for r in process["production"])


def test_every_screened_value_gets_the_band_of_its_unit() -> None:
    data = _data()
    found = _candidates(data)
    s = "emissions.source_streams"
    expected = {
        f"{s}[0].carbon_content": (0.865, "carbon_content", BANDS["carbon_content"]),
        f"{s}[1].carbon_content": (0.78, "carbon_content", BANDS["carbon_content"]),
        f"{s}[2].ef": (56.1, "ef_per_tj", BANDS["ef_per_tj"]),
        f"{s}[2].ncv": (34.6, "ncv_per_1000nm3", BANDS["ncv_per_1000nm3"]),  # natural gas in 1000 Nm3
        f"{s}[2].oxidation_factor": (100, "percent_factor", BANDS["percent_factor"]),
        f"{s}[3].ef": (0.44, "ef_per_t", BANDS["ef_per_t"]),
        f"{s}[3].conversion_factor": (100, "percent_factor", BANDS["percent_factor"]),
        f"{s}[4].carbon_content": (0.0012, "carbon_content", BANDS["carbon_content"]),
        "purchased_precursors[0].see_direct": (1.62, "precursor_see_direct", BANDS["precursor_see_direct"]),
        "purchased_precursors[0].electricity_ef": (0.93, "electricity_ef", BANDS["electricity_ef"]),
    }
    intensity = TOML["electricity_intensity"]
    for k, p in enumerate(data["processes"]):
        expected[f"processes[{k}].electricity_ef"] = (0.44, "electricity_ef", BANDS["electricity_ef"])
        lo, hi = intensity[p["category"]]
        level = _production(p)
        expected[f"processes[{k}].electricity_consumed"] = (p["electricity_consumed"], "electricity_consumed",
                                                            (lo * level, hi * level * 1.5))
    assert found.keys() == expected.keys()
    for path, (value, kind, (lo, hi)) in expected.items():
        assert found[path][0] == value and found[path][1] == kind, path
        assert found[path][2] == (pytest.approx(lo), pytest.approx(hi)), path


def test_units_are_recognised_without_case_or_padding_and_ncv_follows_the_activity_unit() -> None:
    data = _data()
    streams = data["emissions"]["source_streams"]
    streams[2].update(ef_unit="  TCO2/tj ", activity_unit=" 1000NM3 ")
    streams[3].update(name="Some process input", ef=0.5, ef_unit="tCO2/1000Nm3", ncv=20.0)  # ncv: only per TJ
    streams[0].update(ef=60.0, ef_unit="tCO2/TJ", ncv=28.0, oxidation_factor=99.0)  # solid fuel in t
    streams[1].update(ef=1.0, ef_unit="tCO2/kg")  # no band for this unit
    found = _candidates(data)
    s = "emissions.source_streams"
    assert found[f"{s}[2].ef"][1] == "ef_per_tj" and found[f"{s}[2].ncv"][1] == "ncv_per_1000nm3"
    assert found[f"{s}[3].ef"][1:] == ("ef_per_1000nm3", BANDS["ef_per_1000nm3"])
    assert f"{s}[3].ncv" not in found
    assert found[f"{s}[0].ncv"][1:] == ("ncv_per_t", BANDS["ncv_per_t"])
    assert found[f"{s}[0].oxidation_factor"][:2] == (99.0, "percent_factor")
    assert f"{s}[1].ef" not in found and f"{s}[1].carbon_content" in found


def test_an_ef_in_the_wrong_drop_down_unit_is_left_to_un003() -> None:
    from cbam_exchange.checks.rules.energy import better_unit
    data = _data()
    data["emissions"]["source_streams"][2].update(ef=56.1, ef_unit="tCO2/1000Nm3")  # natural gas: a per-TJ value
    ctx = _ctx(data)
    assert better_unit(ctx.submission.emissions.source_streams[2]) is not None
    assert "emissions.source_streams[2].ef" not in {c.path for c in units.candidates(ctx)}


def test_electricity_consumption_is_screened_only_with_production_and_a_known_category(monkeypatch) -> None:
    data = _data()
    data["processes"][0]["electricity_consumed"] = 0
    data["processes"][1]["category"] = "Not a CBAM category"
    data["processes"][2].pop("electricity_ef")
    data["purchased_precursors"][0].pop("see_direct")
    data["purchased_precursors"][0].pop("electricity_ef")
    found = _candidates(data)
    assert "processes[0].electricity_consumed" not in found and "processes[0].electricity_ef" in found
    assert "processes[1].electricity_consumed" not in found
    assert "processes[2].electricity_ef" not in found and "processes[2].electricity_consumed" in found
    assert not any(p.startswith("purchased_precursors") for p in found)
    # the lower end of the band is the category's lower intensity times the production as well
    table = copy.deepcopy(units.plausibility())
    table["electricity_intensity"]["Crude steel"] = [0.1, 0.9]
    monkeypatch.setattr(units, "plausibility", lambda: table)
    level = _production(data["processes"][2])
    lo, hi = _candidates(data)["processes[2].electricity_consumed"][2]
    assert lo == pytest.approx(0.1 * level) and hi == pytest.approx(0.9 * level * 1.5)


def test_no_production_means_no_consumption_band() -> None:
    data = _data()
    for route in data["processes"][3]["production"]:
        route["amount"] = 0
    found = _candidates(data)
    assert "processes[3].electricity_consumed" not in found


@pytest.mark.parametrize(("value", "flagged"), [(50.0, False), (100.0, False), (49.0, False), (1.0, True),
                                                (0.5, True), (0.49, False), (1.01, False)])
def test_a_fraction_for_a_percentage_is_flagged_exactly_where_x100_lands_in_the_band(value: float,
                                                                                       flagged: bool) -> None:
    data = _data()
    data["emissions"]["source_streams"][2]["oxidation_factor"] = value
    hits = [f for f in _un001(data) if f.path == "emissions.source_streams[2].oxidation_factor"]
    assert len(hits) == int(flagged)
    if flagged:
        f = hits[0]
        lo, hi = BANDS["percent_factor"]
        assert f.details["factor"] == 100.0 and f.details["corrected"] == value * 100
        assert f.details["swap"] == SWAPS["percent_factor"][0][1]
        assert f"{lo:g}..{hi:g}" in f.message and "50..100" in f.message
        assert f.message.startswith(f"{value:g} is outside the plausible range 50..100; it looks like a fraction")


def test_each_direction_of_a_two_way_swap_is_found() -> None:
    for value, factor in ((0.0561, 1000.0), (56100.0, 0.001)):
        data = _data()
        data["emissions"]["source_streams"][2]["ef"] = value
        hit = next(f for f in _un001(data) if f.path == "emissions.source_streams[2].ef")
        assert hit.details["factor"] == factor
        assert hit.details["corrected"] == pytest.approx(56.1)


def test_only_the_first_swap_that_fits_is_reported() -> None:
    data = _data()
    p = data["processes"][3]
    hi = TOML["electricity_intensity"][p["category"]][1] * _production(p) * 1.5
    p["electricity_consumed"] = 2 * hi  # both x 1/1000 (kWh) and x 1/3.6 (GJ) would fit: kWh is listed first
    hits = [f for f in _un001(data) if f.path == "processes[3].electricity_consumed"]
    assert len(hits) == 1 and hits[0].details["factor"] == 0.001


def test_the_effect_names_the_first_changed_product_with_old_and_new_see() -> None:
    data = _data()
    data["processes"][3]["electricity_ef"] = 440.0  # kgCO2/MWh for P4, which makes products rows 1 and 2
    hit = next(f for f in _un001(data) if f.path == "processes[3].electricity_ef")
    effects = hit.details["effects"]
    fixed = _data()
    _, before = recompute(Submission.from_dict(data))
    _, after = recompute(Submission.from_dict(fixed))
    assert [p.row for p in before.products if p.process == "P4"] == [1, 2]
    assert [e["row"] for e in effects["products"]][:2] == [1, 2]
    for e in effects["products"][2:]:  # row 3 (P3) moves only by the solver's rounding
        assert e["see_indirect"][0] == pytest.approx(e["see_indirect"][1], rel=1e-9)
    for e in effects["products"][:2]:
        old = next(p for p in before.products if p.row == e["row"])
        new = next(p for p in after.products if p.row == e["row"])
        assert e["cn_code"] == old.cn_code
        assert e["see_direct"] == [old.see_direct, new.see_direct] and old.see_direct == new.see_direct
        assert e["see_indirect"] == [old.see_indirect, pytest.approx(new.see_indirect)]
        assert e["see_indirect"][0] > 100 * e["see_indirect"][1]
    assert effects["installation_direct"] == [before.totals.direct, after.totals.direct]
    first = effects["products"][0]
    assert hit.message.endswith(f"product row 1 ({first['cn_code']}) SEE indirect {first['see_indirect'][0]:.5f} -> "
                                f"{first['see_indirect'][1]:.5f} tCO2e/t.")


def test_the_effect_on_direct_see_is_named_direct() -> None:
    effects = {"products": [{"row": 7, "cn_code": "2523", "see_direct": [2.0, 1.0], "see_indirect": [0.5, 0.5]}],
               "installation_direct": [10.0, 5.0]}
    assert units.summary_of(effects) == "product row 7 (2523) SEE direct 2.00000 -> 1.00000 tCO2e/t"
    effects["products"][0]["see_indirect"] = [0.5, 0.25]  # both changed: direct is named
    assert units.summary_of(effects) == "product row 7 (2523) SEE direct 2.00000 -> 1.00000 tCO2e/t"
    effects["products"][0]["see_direct"] = [2.0, 2.0]
    assert units.summary_of(effects) == "product row 7 (2523) SEE indirect 0.50000 -> 0.25000 tCO2e/t"
    assert units.summary_of({"products": [], "installation_direct": [1234567.4, 1234.6]}) == \
        "installation direct emissions 1,234,567 -> 1,235 tCO2e"


def test_activity_data_in_kg_moves_the_installation_total_only() -> None:
    data = _data()
    stream = data["emissions"]["source_streams"][0]
    stream["activity_data"] *= 1000
    hit = next(f for f in _un001(data) if f.path == "emissions.source_streams[0].activity_data")
    _, before = recompute(Submission.from_dict(data))
    _, after = recompute(Submission.from_dict(_data()))
    assert hit.details["effects"] == {"installation_direct": [before.totals.direct, pytest.approx(after.totals.direct)],
                                      "products": []}
    assert hit.message.endswith(f"installation direct emissions {before.totals.direct:,.0f} -> "
                                f"{after.totals.direct:,.0f} tCO2e.")
    assert hit.details["swap"] == SWAPS["activity_data"][0][1]


def test_working_out_the_effect_leaves_the_file_as_read() -> None:
    data = _data()
    data["emissions"]["source_streams"][2]["ef"] = 0.0561
    submission = Submission.from_dict(data)
    report = validate(submission, select=["UN-001"])
    assert any(f.path == "emissions.source_streams[2].ef" for f in report.findings)
    assert submission.emissions.source_streams[2].ef == 0.0561
    assert report.submission.emissions.source_streams[2].ef == 0.0561
