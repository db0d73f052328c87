"""The installation's GHG balance (C_Emissions&Energy): CO2 from source streams and CO2 measurements, N2O, PFC.

Manual entries in row 26 replace the computed figure of their column, as in the template; biomass CO2 is reported
but not counted in the direct total. Indirect emissions at installation level exist only as a manual entry.
"""

from __future__ import annotations

from cbam_exchange.calc.pfc_and_measurements import is_n2o
from cbam_exchange.calc.results import InstallationTotals, MeasurementResult, PfcResult, StreamResult
from cbam_exchange.model.submission import Submission


def _total(values: list[float | None]) -> float:
    return sum(v for v in values if v is not None)


def installation_totals(submission: Submission, streams: list[StreamResult], pfc: list[PfcResult],
                        measurements: list[MeasurementResult]) -> InstallationTotals:
    points = {p.row: p for p in submission.emissions.measurements}
    co2_measured = [m for m in measurements if not is_n2o(points[m.row])]
    n2o_measured = [m for m in measurements if is_n2o(points[m.row])]
    manual = submission.emissions.ghg_balance
    computed = {
        "co2": _total([s.fossil for s in streams]) + _total([m.co2e for m in co2_measured]),
        "biomass": _total([s.biomass for s in streams]) + _total([m.biomass for m in co2_measured]),
        "n2o": _total([m.co2e for m in n2o_measured]),
        "pfc": _total([p.co2e for p in pfc]),
    }
    used = {k: (getattr(manual, k) if getattr(manual, k) is not None else v) for k, v in computed.items()}
    direct = used["co2"] + used["n2o"] + used["pfc"]
    indirect = manual.total_indirect
    calculation_based = _total([s.fossil for s in streams])
    measurement_based = _total([m.co2e for m in measurements])
    return InstallationTotals(
        co2=used["co2"], biomass=used["biomass"], n2o=used["n2o"], pfc=used["pfc"], direct=direct,
        indirect=indirect, total=None if indirect is None else direct + indirect,
        calculation_based=calculation_based, measurement_based=measurement_based,
        other=direct - (calculation_based + used["pfc"] + measurement_based),
        incomplete=[f"B_EmInst row {s.row}: {', '.join(s.missing)} not provided" for s in streams
                    if s.status == "incomplete" and manual.co2 is None])
