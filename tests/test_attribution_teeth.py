"""Attribution per process (calc/attribution.py) with teeth: every term of the attributed emissions computed by hand
from IR 2025/2547 Annex III A, the recorded steps a user reads in `cbam recompute --steps`, and what is missing
(never zero) where a factor or an amount is not provided."""

from __future__ import annotations

import tomllib

import pytest

from cbam_exchange.calc.attribution import attribute
from cbam_exchange.calc.results import Step
from cbam_exchange.model.submission import ProductionProcess, RouteAmount
from tests.conftest import ROOT

CONSTANTS = tomllib.loads((ROOT / "cbam_exchange/reference/calculation_constants.toml").read_text(encoding="utf-8"))
EF_NG = CONSTANTS["ef_natural_gas"]["value"]
CORR = CONSTANTS["waste_gas_export_correction"]["value"]


def _process(**values: object) -> ProductionProcess:
    base: dict[str, object] = {"id": "P7", "name": "Kiln", "category": "Cement clinker",
                               "production": [RouteAmount(route_index=1, amount=600.0), RouteAmount(route_index=1, amount=400.0)],
                               "direct_emissions": 900.0}
    base.update(values)
    return ProductionProcess(**base)  # type: ignore[arg-type]


def test_every_term_of_the_attributed_emissions_and_its_step() -> None:
    p = _process(heat_imported=10.0, heat_imported_ef=60.0, heat_exported=4.0, heat_exported_ef=50.0,
                 waste_gas_imported=3.0, waste_gas_exported=2.0, waste_gas_imported_ef=999.0,
                 waste_gas_exported_ef=999.0, electricity_exported=20.0, electricity_exported_ef=0.5,
                 electricity_consumed=300.0, electricity_ef=0.4)
    r = attribute(p, 6)
    heat = 10 * 60 - 4 * 50  # 400
    waste = 3 * EF_NG - 2 * EF_NG * CORR  # the natural-gas reference factor, not the factor entered beside them
    export = -(20 * 0.5)
    direct = 900 + heat + waste + export
    indirect = 300 * 0.4
    assert (r.id, r.name, r.category, r.activity_level) == ("P7", "Kiln", "Cement clinker", 1000.0)
    assert r.direct_emissions == 900.0 and r.heat_emissions == heat and r.electricity_export_emissions == export
    assert r.waste_gas_emissions == pytest.approx(waste) and r.attributed_direct == pytest.approx(direct)
    assert r.attributed_indirect == pytest.approx(indirect)
    assert r.se_direct == pytest.approx(direct / 1000) and r.se_indirect == pytest.approx(indirect / 1000)
    assert r.electricity_intensity == pytest.approx(0.3) and r.missing == []
    steps = {s.quantity: s for s in r.steps}
    assert [s.quantity for s in r.steps] == ["activity_level", "heat_emissions", "waste_gas_emissions",
                                             "electricity_export_emissions", "attributed_direct",
                                             "attributed_indirect", "se_direct", "se_indirect"]
    assert steps["activity_level"] == Step("activity_level", "sum of production over routes",
                                           {"processes[6].production[0].amount": 600.0,
                                            "processes[6].production[1].amount": 400.0}, 1000.0)
    assert steps["heat_emissions"] == Step("heat_emissions", "heat imported x EF - heat exported x EF",
                                           {"heat_imported": 10.0, "heat_imported_ef": 60.0, "heat_exported": 4.0,
                                            "heat_exported_ef": 50.0}, heat)
    assert steps["waste_gas_emissions"] == Step("waste_gas_emissions", "imported x EF_NG - exported x EF_NG x Corr",
                                                {"waste_gas_imported": 3.0, "waste_gas_exported": 2.0, "EF_NG": EF_NG,
                                                 "Corr": CORR}, pytest.approx(waste))
    assert steps["electricity_export_emissions"] == Step(
        "electricity_export_emissions", "- electricity exported x EF",
        {"electricity_exported": 20.0, "electricity_exported_ef": 0.5}, export)
    assert steps["attributed_direct"] == Step(
        "attributed_direct", "DirEm + heat + waste gases + electricity export",
        {"direct_emissions": 900.0, "heat": heat, "waste_gases": pytest.approx(waste), "electricity_export": export},
        pytest.approx(direct))
    assert steps["attributed_indirect"] == Step("attributed_indirect", "electricity consumed x EF",
                                                {"electricity_consumed": 300.0, "electricity_ef": 0.4},
                                                pytest.approx(indirect))
    assert steps["se_direct"] == Step("se_direct", "attributed direct / activity level",
                                      {"attributed_direct": pytest.approx(direct), "activity_level": 1000.0},
                                      pytest.approx(direct / 1000))
    assert steps["se_indirect"] == Step("se_indirect", "attributed indirect / activity level",
                                        {"attributed_indirect": pytest.approx(indirect), "activity_level": 1000.0},
                                        pytest.approx(indirect / 1000))


def test_blank_amounts_count_as_zero_but_a_factor_missing_for_an_amount_is_named() -> None:
    r = attribute(_process(heat_imported=5.0, heat_exported=2.0, electricity_exported=7.0,
                           electricity_consumed=0.0), 0)
    assert r.missing == ["processes[0].heat_imported_ef: emission factor not provided for a non-zero amount",
                         "processes[0].heat_exported_ef: emission factor not provided for a non-zero amount",
                         "processes[0].electricity_exported_ef: emission factor not provided for a non-zero amount"]
    assert r.heat_emissions == 0.0 and r.electricity_export_emissions == 0.0 and r.waste_gas_emissions == 0.0
    assert r.attributed_direct == 900.0 and r.attributed_indirect == 0.0 and r.electricity_intensity == 0.0
    # a factor without an amount is no gap
    assert attribute(_process(heat_exported_ef=50.0, electricity_consumed=1.0, electricity_ef=1.0), 0).missing == []


def test_a_missing_electricity_factor_is_named_and_nothing_indirect_is_computed() -> None:
    r = attribute(_process(electricity_consumed=250.0), 2)
    assert r.attributed_indirect is None and r.se_indirect is None and r.electricity_intensity is None
    assert r.missing == ["processes[2].electricity_ef: emission factor of consumed electricity not provided"]
    assert r.steps[5] == Step("attributed_indirect", "electricity consumed x EF",
                              {"electricity_consumed": 250.0, "electricity_ef": None}, None)
    # a factor without a consumption: the template's blank is 0 MWh, so indirect is 0, not unknown
    r = attribute(_process(electricity_ef=0.4), 2)
    assert r.attributed_indirect == 0.0 and r.electricity_intensity == 0.0 and r.missing == []
    r = attribute(_process(), 2)
    assert r.attributed_indirect is None and r.electricity_intensity is None
    assert r.missing == ["processes[2].electricity_consumed: electricity consumption not provided"]


def test_no_production_or_zero_production_leaves_the_specific_emissions_unknown() -> None:
    r = attribute(_process(production=[RouteAmount(route_index=1, amount=None)], electricity_consumed=10.0, electricity_ef=1.0), 1)
    assert r.activity_level is None and r.se_direct is None and r.se_indirect is None
    assert r.electricity_intensity is None
    assert r.missing == ["processes[1].production: no production amount"]
    assert r.steps[0].inputs == {} and r.steps[0].value is None
    r = attribute(_process(production=[RouteAmount(route_index=1, amount=0.0)], direct_emissions=None, electricity_consumed=10.0,
                           electricity_ef=1.0), 1)
    assert r.activity_level == 0.0 and r.se_indirect is None and r.attributed_direct is None
    assert r.missing == ["processes[1].production: total production is 0",
                         "processes[1].direct_emissions: directly attributable emissions not provided"]
    assert r.attributed_indirect == 10.0


def test_only_the_amounts_given_make_the_activity_level() -> None:
    r = attribute(_process(production=[RouteAmount(route_index=1, amount=None), RouteAmount(route_index=1, amount=250.0)]), 0)
    assert r.activity_level == 250.0
    assert r.steps[0].inputs == {"processes[0].production[0].amount": 250.0}
