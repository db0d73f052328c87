"""PFC emissions of primary aluminium (B_EmInst rows 98-107) and measurement-based sources (rows 113-122).

PFC (IR 2025/2547 Annex II B.7): slope method `CF4 = AD x frequency x duration x SEF / 1000`, overvoltage method
`CF4 = AD x (AEO / CE) x OVC / 1000`; `C2F6 = CF4 x F(C2F6)`; CO2e with the GWPs of Annex II G, divided by the
collection efficiency. The template divides by the collection efficiency *as entered* (its example enters 0.98),
so a value entered as a percentage (98) makes PFC 100 times too small; the recomputation follows the template and
the validation rules flag such values.

Measurement-based (CEMS): `concentration [g/Nm3] x hours x flue gas [1000 Nm3/h] / 1000` tonnes of gas, times the
GWP for N2O, with the biomass fraction split off.
"""

from __future__ import annotations

from cbam_exchange.calc.results import MeasurementResult, PfcResult
from cbam_exchange.model.emissions import MeasurementPoint, PfcSource
from cbam_exchange.reference import calculation_constants

SLOPE, OVERVOLTAGE = "slope method", "overvoltage method"


def pfc_emissions(source: PfcSource) -> PfcResult:
    method = (source.method or "").strip().casefold()
    result = PfcResult(row=source.row, method=source.method, status="ok", cf4=None, c2f6=None, co2e=None)
    if method == SLOPE:
        needed = {"activity_data": source.activity_data, "anode_effect_frequency": source.anode_effect_frequency,
                  "anode_effect_duration": source.anode_effect_duration, "slope_cf4": source.slope_cf4}
    elif method == OVERVOLTAGE:
        needed = {"activity_data": source.activity_data, "overvoltage_aeo": source.overvoltage_aeo,
                  "current_efficiency": source.current_efficiency,
                  "overvoltage_coefficient": source.overvoltage_coefficient}
    else:
        result.status = "unknown-method"
        return result
    result.missing = [k for k, v in needed.items() if v is None]
    if result.missing or (method == OVERVOLTAGE and source.current_efficiency == 0):
        result.status = "incomplete"
        return result
    values = [v for v in needed.values() if v is not None]
    if method == SLOPE:
        ad, freq, duration, sef = values
        cf4 = ad * freq * duration * sef / 1000
    else:
        ad, aeo, ce, ovc = values
        cf4 = ad * (aeo / ce) * ovc / 1000
    constants = calculation_constants()
    c2f6 = cf4 * (source.c2f6_weight_fraction or 0.0)
    collected = cf4 * constants.gwp_cf4.value + c2f6 * constants.gwp_c2f6.value
    efficiency = source.collection_efficiency if source.collection_efficiency not in (None, 0) else 1.0
    result.cf4, result.c2f6, result.co2e = cf4, c2f6, collected / efficiency
    return result


def measurement_emissions(point: MeasurementPoint) -> MeasurementResult:
    result = MeasurementResult(row=point.row, name=point.name, gas=point.gas, status="ok", co2e=None, biomass=None)
    if point.gas is None:  # the template ignores a row without a gas type
        result.status = "no-gas"
        return result
    needed = {"hourly_concentration": point.hourly_concentration, "operating_hours": point.operating_hours,
              "flue_gas_flow": point.flue_gas_flow}
    result.missing = [k for k, v in needed.items() if v is None]
    if result.missing:
        result.status = "incomplete"
        return result
    gwp = calculation_constants().gwp_n2o.value if is_n2o(point) else 1.0
    mass = point.hourly_concentration * point.operating_hours * point.flue_gas_flow / 1000  # type: ignore[operator]
    bio = (point.biomass_fraction or 0.0) / 100
    result.co2e, result.biomass = mass * (1 - bio) * gwp, mass * bio * gwp
    return result


def is_n2o(point: MeasurementPoint) -> bool:
    return (point.gas or "").strip().casefold() == "n2o"
