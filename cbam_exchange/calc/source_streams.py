"""Emissions of calculation-based source streams (B_EmInst rows 17-91).

Follows the template's own formulas (IR 2025/2547 Annex II B.3): combustion `AD x NCV x EF x OxF`, process
emissions `AD x EF x ConvF`, mass balance `AD x C x 3.664`; NCV applies only where the EF is per TJ; oxidation and
conversion factors are percentages (blank = 100 %); biomass content is a percentage split off as biomass CO2.
A stream whose units do not fit together, or that lacks a required input, contributes nothing, as in the template,
and says why.
"""

from __future__ import annotations

from cbam_exchange.calc.results import StreamResult
from cbam_exchange.model.emissions import SourceStream
from cbam_exchange.reference import calculation_constants

COMBUSTION, PROCESS, MASS_BALANCE = "combustion", "process emissions", "mass balance"
PER_TJ, PER_T, PER_KNM3 = "tco2/tj", "tco2/t", "tco2/1000nm3"


def _key(text: str | None) -> str:
    # the template compares with "=", which is case-insensitive in Excel and LibreOffice
    return (text or "").strip().casefold()


def _missing(stream: SourceStream, method: str) -> list[str]:
    required = {"name": stream.name, "activity_unit": stream.activity_unit, "activity_data": stream.activity_data}
    if method == MASS_BALANCE:
        required["carbon_content"] = stream.carbon_content
    else:
        required |= {"ef_unit": stream.ef_unit, "ef": stream.ef}
        if _key(stream.ef_unit) == PER_TJ:
            required["ncv"] = stream.ncv
    return [name for name, value in required.items() if value is None]


def _units_consistent(stream: SourceStream, method: str) -> bool:
    unit, ef_unit = _key(stream.activity_unit), _key(stream.ef_unit)
    return (method == MASS_BALANCE or ef_unit == PER_TJ or (unit == "t" and ef_unit == PER_T)
            or (unit == "1000nm3" and ef_unit == PER_KNM3))


def stream_emissions(stream: SourceStream) -> StreamResult:
    method = _key(stream.method)
    result = StreamResult(row=stream.row, name=stream.name, method=stream.method, status="ok", fossil=None,
                          biomass=None, energy_fossil=None, energy_bio=None)
    if method not in (COMBUSTION, PROCESS, MASS_BALANCE):
        result.status = "unknown-method"
        return result
    bio_share = (stream.biomass_content or 0.0) / 100
    if stream.activity_data is not None and stream.ncv is not None:
        # a blank NCV leaves the energy "not provided", never 0 TJ
        energy = stream.activity_data * stream.ncv / 1000
        result.energy_fossil, result.energy_bio = energy * (1 - bio_share), energy * bio_share
    if not _units_consistent(stream, method):
        result.status = "inconsistent-units"
        return result
    missing = _missing(stream, method)
    if missing:
        result.status, result.missing = "incomplete", missing
        return result
    assert stream.activity_data is not None
    if method == MASS_BALANCE:
        assert stream.carbon_content is not None
        gross = stream.activity_data * stream.carbon_content * calculation_constants().carbon_to_co2.value
    else:
        assert stream.ef is not None
        ncv_factor = (stream.ncv or 0.0) / 1000 if _key(stream.ef_unit) == PER_TJ else 1.0
        factor = stream.oxidation_factor if method == COMBUSTION else stream.conversion_factor
        gross = stream.activity_data * ncv_factor * stream.ef * (1.0 if factor is None else factor / 100)
    result.fossil, result.biomass = gross * (1 - bio_share), gross * bio_share
    return result
