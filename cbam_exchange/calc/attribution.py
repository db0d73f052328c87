"""Emissions attributed to each production process, and its specific (own) emissions SE.

IR 2025/2547 Annex III A, as the template computes it (D_Processes columns T, keys EmbedEmDir/EmbedEmInDir):
  attributed direct = DirEm + heat (imported x EF - exported x EF)
                      + waste gases (imported x EF_NG - exported x EF_NG x 0.667) - electricity exported x EF
  attributed indirect = electricity consumed x EF
  SE = attributed / activity level (total production over all routes).
The template values waste gases at the natural-gas reference factor, not at the factor entered beside them; the
entered factor is kept in the model for checks but not used here. The methodology sets a negative attributed
direct total to zero [S, unconfirmed against the OJ]; the template does not, and neither does this recomputation,
so that the two can be compared; validation flags negative totals.
"""

from __future__ import annotations

from cbam_exchange.calc.results import ProcessResult, Step
from cbam_exchange.model.submission import ProductionProcess
from cbam_exchange.reference import calculation_constants


def _product(a: float | None, b: float | None) -> float:
    """Amount x factor where a blank counts as 0, as in the template's SUM(L57*L58)."""
    return (a or 0.0) * (b or 0.0)


def _per(value: float | None, level: float | None) -> float | None:
    if value is None or not level:
        return None
    return value / level


def attribute(process: ProductionProcess, index: int) -> ProcessResult:
    prefix = f"processes[{index}]"
    constants = calculation_constants()
    amounts = [r.amount for r in process.production if r.amount is not None]
    level = sum(amounts) if amounts else None
    missing = []
    if level is None:
        missing.append(f"{prefix}.production: no production amount")
    elif level == 0:
        missing.append(f"{prefix}.production: total production is 0")
    if process.direct_emissions is None:
        missing.append(f"{prefix}.direct_emissions: directly attributable emissions not provided")
    for amount, factor, name in ((process.heat_imported, process.heat_imported_ef, "heat_imported"),
                                 (process.heat_exported, process.heat_exported_ef, "heat_exported"),
                                 (process.electricity_exported, process.electricity_exported_ef,
                                  "electricity_exported")):
        if amount and factor is None:
            missing.append(f"{prefix}.{name}_ef: emission factor not provided for a non-zero amount")
    heat = _product(process.heat_imported, process.heat_imported_ef) - \
        _product(process.heat_exported, process.heat_exported_ef)
    ng = constants.ef_natural_gas.value
    waste_gas = (process.waste_gas_imported or 0.0) * ng - \
        (process.waste_gas_exported or 0.0) * ng * constants.waste_gas_export_correction.value
    export = -_product(process.electricity_exported, process.electricity_exported_ef)
    direct = None if process.direct_emissions is None else process.direct_emissions + heat + waste_gas + export
    if process.electricity_consumed is None and process.electricity_ef is None:
        indirect = None
        missing.append(f"{prefix}.electricity_consumed: electricity consumption not provided")
    elif process.electricity_consumed and process.electricity_ef is None:
        indirect = None
        missing.append(f"{prefix}.electricity_ef: emission factor of consumed electricity not provided")
    else:
        indirect = _product(process.electricity_consumed, process.electricity_ef)
    steps = [
        Step("activity_level", "sum of production over routes", {f"{prefix}.production[{k}].amount": v
                                                                  for k, v in enumerate(amounts)}, level),
        Step("heat_emissions", "heat imported x EF - heat exported x EF",
             {"heat_imported": process.heat_imported, "heat_imported_ef": process.heat_imported_ef,
              "heat_exported": process.heat_exported, "heat_exported_ef": process.heat_exported_ef}, heat),
        Step("waste_gas_emissions", "imported x EF_NG - exported x EF_NG x Corr",
             {"waste_gas_imported": process.waste_gas_imported, "waste_gas_exported": process.waste_gas_exported,
              "EF_NG": ng, "Corr": constants.waste_gas_export_correction.value}, waste_gas),
        Step("electricity_export_emissions", "- electricity exported x EF",
             {"electricity_exported": process.electricity_exported,
              "electricity_exported_ef": process.electricity_exported_ef}, export),
        Step("attributed_direct", "DirEm + heat + waste gases + electricity export",
             {"direct_emissions": process.direct_emissions, "heat": heat, "waste_gases": waste_gas,
              "electricity_export": export}, direct),
        Step("attributed_indirect", "electricity consumed x EF",
             {"electricity_consumed": process.electricity_consumed, "electricity_ef": process.electricity_ef},
             indirect),
    ]
    se_direct, se_indirect = _per(direct, level), _per(indirect, level)
    intensity = _per(process.electricity_consumed or 0.0, level) if indirect is not None else None
    steps += [Step("se_direct", "attributed direct / activity level", {"attributed_direct": direct,
                                                                       "activity_level": level}, se_direct),
              Step("se_indirect", "attributed indirect / activity level", {"attributed_indirect": indirect,
                                                                           "activity_level": level}, se_indirect)]
    return ProcessResult(
        id=process.id, name=process.name, category=process.category, activity_level=level,
        direct_emissions=process.direct_emissions, heat_emissions=heat, waste_gas_emissions=waste_gas,
        electricity_export_emissions=export, attributed_direct=direct, attributed_indirect=indirect,
        se_direct=se_direct, se_indirect=se_indirect, electricity_intensity=intensity, steps=steps, missing=missing)
