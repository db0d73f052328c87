"""The installation's emission sources in the canonical model: source streams, PFC sources, measurement points
and the manual fuel and GHG balances (sheets B_EmInst and C_Emissions&Energy of the template).

Kept apart from `submission` because these are the inputs of the emission calculations alone; every field is
`None` when not provided and 0 only for a provided zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cbam_exchange.model.codec import doc, required

Num = float | None
Txt = str | None


@dataclass(kw_only=True)
class SourceStream:
    row: int = required("Row of the stream in B_EmInst")
    method: Txt = doc("Combustion / Process Emissions / Mass balance")
    name: Txt = None
    activity_data: Num = None
    activity_unit: Txt = doc("t or 1000Nm3")
    ncv: Num = doc("GJ/t or GJ/1000Nm3")
    ef: Num = None
    ef_unit: Txt = doc("tCO2/TJ, tCO2/t or tCO2/1000Nm3")
    carbon_content: Num = doc("tC/t")
    oxidation_factor: Num = doc("percent, 0-100")
    conversion_factor: Num = doc("percent, 0-100")
    biomass_content: Num = doc("percent, 0-100")


@dataclass(kw_only=True)
class PfcSource:
    row: int
    method: Txt = doc("Slope method / Overvoltage method")
    technology: Txt = None
    activity_data: Num = doc("t primary aluminium")
    anode_effect_frequency: Num = None
    anode_effect_duration: Num = None
    slope_cf4: Num = None
    overvoltage_aeo: Num = None
    current_efficiency: Num = None
    overvoltage_coefficient: Num = None
    c2f6_weight_fraction: Num = None
    collection_efficiency: Num = None


@dataclass(kw_only=True)
class MeasurementPoint:
    row: int
    name: Txt = None
    gas: Txt = doc("CO2 or N2O")
    biomass_fraction: Num = doc("percent, 0-100")
    hourly_concentration: Num = doc("g/Nm3")
    operating_hours: Num = None
    flue_gas_flow: Num = doc("1000 Nm3/h")
    energy_fossil: Num = doc("TJ")
    energy_bio: Num = doc("TJ")


@dataclass(kw_only=True)
class FuelBalance:
    """Manual entries of the fuel balance (TJ), C_Emissions&Energy row 16."""

    total: Num = None
    direct_for_cbam_goods: Num = None
    for_electricity: Num = None
    for_non_cbam: Num = None


@dataclass(kw_only=True)
class GhgBalanceManual:
    """Manual entries of the GHG balance (tCO2e), C_Emissions&Energy row 26."""

    co2: Num = None
    biomass: Num = None
    n2o: Num = None
    pfc: Num = None
    total_indirect: Num = doc("Total indirect emissions of the installation, tCO2e")


@dataclass(kw_only=True)
class Emissions:
    source_streams: list[SourceStream] = field(default_factory=list)
    pfc: list[PfcSource] = field(default_factory=list)
    measurements: list[MeasurementPoint] = field(default_factory=list)
    fuel_balance: FuelBalance = field(default_factory=FuelBalance)
    ghg_balance: GhgBalanceManual = field(default_factory=GhgBalanceManual)
