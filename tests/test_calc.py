"""The calculation layer on hand-worked numbers: each expectation below is worked out in the comment beside it
from the formulas of IR 2025/2547 (as the template implements them), not taken from the toolkit."""

from __future__ import annotations

import pytest

from cbam_exchange.calc.attribution import attribute
from cbam_exchange.calc.pfc_and_measurements import measurement_emissions, pfc_emissions
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.calc.see_solver import solve_chain
from cbam_exchange.calc.source_streams import stream_emissions
from cbam_exchange.model.emissions import MeasurementPoint, PfcSource, SourceStream
from cbam_exchange.model.submission import ProductionProcess, RouteAmount, Submission


def test_combustion_with_ncv_oxidation_and_biomass() -> None:
    # 1000 t x 40 GJ/t / 1000 = 40 TJ; x 74 tCO2/TJ = 2960; x 99 % = 2930.4; 10 % biomass -> 2637.36 fossil
    s = stream_emissions(SourceStream(row=17, method="Combustion", name="HFO", activity_data=1000,
                                      activity_unit="t", ncv=40, ef=74, ef_unit="tCO2/TJ", oxidation_factor=99,
                                      biomass_content=10))
    assert s.status == "ok"
    assert s.fossil == pytest.approx(2637.36) and s.biomass == pytest.approx(293.04)
    assert s.energy_fossil == pytest.approx(36.0) and s.energy_bio == pytest.approx(4.0)


def test_process_emissions_per_tonne_ignore_ncv_and_mass_balance_uses_3_664() -> None:
    # 121000 t x 0.08794 tCO2/t x 100 % = 10640.74 (the template's own example row)
    p = stream_emissions(SourceStream(row=18, method="Process Emissions", name="Raw meal", activity_data=121000,
                                      activity_unit="t", ncv=999, ef=0.08794, ef_unit="tCO2/t", conversion_factor=100))
    assert p.fossil == pytest.approx(10640.74)
    # -1808226 t x 0.003878 tC/t x 3.664 = -25693.0688 (the template's example of an output stream)
    m = stream_emissions(SourceStream(row=19, method="mass balance", name="Steel", activity_data=-1808226,
                                      activity_unit="t", carbon_content=0.003878))
    assert m.fossil == pytest.approx(-25693.068768192)


def test_inconsistent_units_and_incomplete_streams_contribute_nothing_and_say_why() -> None:
    bad_units = stream_emissions(SourceStream(row=20, method="Process emissions", name="Lime", activity_data=10,
                                              activity_unit="1000Nm3", ef=0.5, ef_unit="tCO2/t"))
    assert (bad_units.status, bad_units.fossil) == ("inconsistent-units", None)
    incomplete = stream_emissions(SourceStream(row=21, method="Combustion", name="Gas", activity_data=10,
                                               activity_unit="1000Nm3", ef=56.1, ef_unit="tCO2/TJ"))
    assert incomplete.status == "incomplete" and incomplete.missing == ["ncv"]


def test_pfc_slope_and_overvoltage() -> None:
    # slope: 500000 x 2.17 x 1.23 x 0.146 / 1000 = 194.8443 t CF4; C2F6 = x 0.122 = 23.7710;
    # CO2e = (194.8443 x 6630 + 23.7710 x 11100) / 0.98 = 1587424.347 (the template's example row)
    slope = pfc_emissions(PfcSource(row=98, method="Slope method", activity_data=500000, anode_effect_frequency=2.17,
                                    anode_effect_duration=1.23, slope_cf4=0.146, c2f6_weight_fraction=0.122,
                                    collection_efficiency=0.98))
    assert slope.cf4 == pytest.approx(194.8443) and slope.co2e == pytest.approx(1587424.347)
    # overvoltage: 250000 x (0.025 / 0.94) x 1.16 / 1000 = 7.71277 t CF4
    over = pfc_emissions(PfcSource(row=99, method="Overvoltage method", activity_data=250000, overvoltage_aeo=0.025,
                                   current_efficiency=0.94, overvoltage_coefficient=1.16))
    assert over.cf4 == pytest.approx(7.712765957) and over.co2e == pytest.approx(7.712765957 * 6630)


def test_measured_n2o_uses_its_gwp() -> None:
    # 64.2925 g/Nm3 x 4 h x 265 (1000 Nm3/h) / 1000 = 68.15 t N2O; x 265 = 18059.76 (the template's example)
    n2o = measurement_emissions(MeasurementPoint(row=113, name="N2O", gas="N2O", biomass_fraction=0,
                                                 hourly_concentration=64.2925, operating_hours=4, flue_gas_flow=265))
    assert n2o.co2e == pytest.approx(18059.76325)
    # CO2 with 15 % biomass: 1820 x 5000 x 50 / 1000 = 455000 t, fossil 386750 (the template's second example)
    co2 = measurement_emissions(MeasurementPoint(row=114, name="CO2", gas="CO2", biomass_fraction=15,
                                                 hourly_concentration=1820, operating_hours=5000, flue_gas_flow=50))
    assert co2.co2e == pytest.approx(386750) and co2.biomass == pytest.approx(68250)


def test_attribution_follows_the_worked_example() -> None:
    # methodology 4.3: DirEm 100000, heat in 200 TJ x 53.43, heat out 50 x 62.33, waste gas out 1000 TJ x 56.1 x
    # 0.667, electricity out 20000 MWh x 0.5 -> 100000 + 10686 - 3116.5 - 37418.7 - 10000 = 60150.8
    p = attribute(ProductionProcess(id="P1", production=[RouteAmount(route_index=1, amount=1000)],
                                    direct_emissions=100000, heat_imported=200, heat_imported_ef=53.43,
                                    heat_exported=50, heat_exported_ef=62.33, waste_gas_exported=1000,
                                    electricity_exported=20000, electricity_exported_ef=0.5,
                                    electricity_consumed=0, electricity_ef=0.4), 0)
    assert p.attributed_direct == pytest.approx(100000 + 10686 - 3116.5 - 37418.7 - 10000)
    assert p.se_direct == pytest.approx(p.attributed_direct / 1000)
    assert p.attributed_indirect == 0.0 and not p.missing


def test_missing_inputs_make_results_unknown_not_zero() -> None:
    p = attribute(ProductionProcess(id="P1", production=[RouteAmount(route_index=1, amount=1000)]), 0)
    assert p.se_direct is None and p.se_indirect is None
    assert any("direct_emissions" in m for m in p.missing)


def test_worked_example_chain_bf_bof_hot_rolled_coil() -> None:
    # methodology 5.2: sinter 0.09 -> pig iron 1.5 -> crude steel 1.47 -> HRC 1.59642
    s = Submission.from_dict({"source": {"format": "json"}, "processes": [
        {"id": "P1", "name": "Sinter", "production": [{"route_index": 1, "amount": 1080000}],
         "consumed_by": [{"process": "P2", "amount": 1080000}], "direct_emissions": 97200},
        {"id": "P2", "name": "BF", "production": [{"route_index": 1, "amount": 900000}],
         "consumed_by": [{"process": "P3", "amount": 900000}], "direct_emissions": 1252800},
        {"id": "P3", "name": "BOF", "production": [{"route_index": 1, "amount": 1000000}],
         "consumed_by": [{"process": "P4", "amount": 980000}], "direct_emissions": 120000},
        {"id": "P4", "name": "HRC", "production": [{"route_index": 1, "amount": 950000}], "direct_emissions": 76000}],
        "products": [{"row": 1, "process": "HRC", "cn_code": "72083900"}]})
    _, result = recompute(s)
    assert [round(p.see_direct, 5) for p in result.processes] == [0.09, 1.5, 1.47, 1.59642]
    assert result.products[0].see_direct == pytest.approx(1.5964210526)
    assert result.products[0].see_indirect is None and result.products[0].see_total is None  # no electricity given


def test_processes_that_feed_each_other_are_solved_as_a_system() -> None:
    # x1 = 1 + 0.1 x2, x2 = 2 + 0.5 x1  ->  x1 = (1 + 0.2) / (1 - 0.05) = 1.263158, x2 = 2.631579
    x, note = solve_chain([[0.0, 0.1], [0.5, 0.0]], [1.0, 2.0])
    assert note is None
    assert x[0] == pytest.approx(1.2 / 0.95) and x[1] == pytest.approx(2 + 0.5 * 1.2 / 0.95)


def test_an_unknown_precursor_makes_only_its_consumers_unknown() -> None:
    # node 0 consumes node 1 (unknown); node 2 is independent; node 3 consumes node 0
    x, _ = solve_chain([[0, 0.5, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1.0, 0, 0, 0]], [1.0, None, 3.0, 0.5])
    assert x[0] is None and x[1] is None and x[3] is None and x[2] == 3.0


def test_a_singular_chain_is_reported() -> None:
    x, note = solve_chain([[0.0, 1.0], [1.0, 0.0]], [1.0, 1.0])
    assert x == [None, None] and "singular" in note


def test_input_formula_is_evaluated_from_the_recomputation() -> None:
    # like the Commission's example: DirEm =C_Emissions&Energy!H32 (the calculation-based total of the streams)
    s = Submission.from_dict({
        "source": {"format": "ec-template", "template_version": "2.1.1"},
        "processes": [{"id": "P1", "name": "Kiln", "production": [{"route_index": 1, "amount": 1000}]}],
        "emissions": {"source_streams": [
            {"row": 17, "method": "Process emissions", "name": "Calcination", "activity_data": 1000,
             "activity_unit": "t", "ef": 0.525, "ef_unit": "tCO2/t"},
            {"row": 18, "method": "Combustion", "name": "Coal", "activity_data": 100, "activity_unit": "t",
             "ncv": 25, "ef": 95, "ef_unit": "tCO2/TJ"}]},
        "sources": {"processes[0].direct_emissions": {"sheet": "D_Processes", "cell": "L54",
                                                      "formula": "=C_Emissions&Energy!H32*1+SUM(B_EmInst!AU17:AU18)-"
                                                                 "B_EmInst!$AU$18"},
                    "processes[0].production[0].amount": {"sheet": "D_Processes", "cell": "L16"}},
        "notes": [{"code": "READ-FORMULA", "path": "processes[0].direct_emissions", "sheet": "D_Processes",
                   "cell": "L54", "message": "not evaluated"}]})
    resolved, result = recompute(s)
    # streams: 525 + 100 x 25/1000 x 95 = 525 + 237.5 = 762.5; formula = 762.5 + 762.5 - 237.5 = 1287.5
    assert resolved.processes[0].direct_emissions == pytest.approx(1287.5)
    assert result.processes[0].se_direct == pytest.approx(1.2875)
    assert resolved.notes[0].code == "READ-FORMULA-EVALUATED"
    assert s.processes[0].direct_emissions is None  # the input model itself is not modified


def test_an_input_formula_that_cannot_be_evaluated_says_which_reference() -> None:
    s = Submission.from_dict({
        "source": {"format": "ec-template", "template_version": "2.1.1"},
        "processes": [{"id": "P1", "production": [{"route_index": 1, "amount": 10}]}],
        "sources": {"processes[0].direct_emissions": {"sheet": "D_Processes", "cell": "L54",
                                                      "formula": "=Summary_Processes!K71"}},
        "notes": [{"code": "READ-FORMULA", "path": "processes[0].direct_emissions", "sheet": "D_Processes",
                   "cell": "L54", "message": "not evaluated"}]})
    resolved, result = recompute(s)
    assert resolved.processes[0].direct_emissions is None and result.processes[0].se_direct is None
    assert resolved.notes[0].code == "READ-FORMULA"
    assert "Summary_Processes!K71" in resolved.notes[0].message
