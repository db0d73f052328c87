"""The canonical model of one installation's CBAM submission.

Every optional field is `None` when the supplier did not provide it; 0 means a provided zero. Where a value came from
a workbook cell, `Submission.sources` maps its model path (e.g. `processes[0].direct_emissions`) to `Sheet!Cell`.
What the workbook *declares* (its own cached results) is kept apart, under `declared`, so that nothing the supplier's
spreadsheet computed is mistaken for an input.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_ID = "cbam-exchange/submission"
FORMAT_VERSION = "1.0"

Num = float | None
Txt = str | None


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class SourceInfo(_Base):
    """How the submission reached us."""

    format: Literal["ec-template", "json"]
    template_version: Txt = Field(None, description="Version of the Commission template (0_Versions), e.g. 2.1.1")
    file_name: Txt = None


class Period(_Base):
    start: dt.date | None = None
    end: dt.date | None = None


class Contact(_Base):
    name: Txt = None
    email: Txt = None
    phone: Txt = None
    fax: Txt = None


class Installation(_Base):
    name_local: Txt = None
    name: Txt = Field(None, description="English name (mandatory in the template)")
    street: Txt = None
    economic_activity: Txt = None
    post_code: Txt = None
    po_box: Txt = None
    city: Txt = None
    country: Txt = Field(None, description="Country name as entered")
    country_code: Txt = Field(None, description="ISO 3166-1 alpha-2 code")
    unlocode: Txt = None
    latitude: Num = Field(None, description="Decimal degrees")
    longitude: Num = Field(None, description="Decimal degrees")
    representative: Contact = Field(default_factory=Contact)


class Verifier(_Base):
    company: Txt = None
    street: Txt = None
    city: Txt = None
    post_code: Txt = None
    country: Txt = None
    representative: Contact = Field(default_factory=Contact)
    accreditation_member_state: Txt = None
    accreditation_body: Txt = None
    registration_number: Txt = None


class GoodsCategory(_Base):
    """A row of the goods table: an aggregated goods category and the production routes used for it."""

    id: str
    category: Txt = None
    routes: list[Txt] = Field(default_factory=list)


class RouteAmount(_Base):
    route_index: int = Field(description="1-based position of the route in the template's route list for the category")
    route: Txt = None
    amount: Num = None


class ProcessAmount(_Base):
    """An amount sent to (or consumed by) a production process of the same installation."""

    process: str = Field(description="Production process id, e.g. P2")
    amount: Num = None


class ProductionProcess(_Base):
    id: str = Field(description="P1..P10")
    category: Txt = None
    included_categories: list[Txt] = Field(default_factory=list)
    name: Txt = None
    production: list[RouteAmount] = Field(default_factory=list, description="Production per route (t or MWh)")
    produced_for_market: Num = None
    consumed_by: list[ProcessAmount] = Field(
        default_factory=list, description="Amounts of this process's output consumed by other processes (own precursors)")
    consumed_non_cbam: Num = None
    measurable_heat_applicable: bool | None = None
    waste_gases_applicable: bool | None = None
    direct_emissions: Num = Field(None, description="Directly attributable emissions DirEm, tCO2e")
    heat_imported: Num = Field(None, description="Net measurable heat imported, TJ")
    heat_imported_ef: Num = Field(None, description="tCO2/TJ")
    heat_exported: Num = None
    heat_exported_ef: Num = None
    waste_gas_imported: Num = Field(None, description="Waste gas imported, TJ")
    waste_gas_imported_ef: Num = None
    waste_gas_exported: Num = None
    waste_gas_exported_ef: Num = None
    electricity_consumed: Num = Field(None, description="MWh")
    electricity_ef: Num = Field(None, description="tCO2/MWh")
    electricity_ef_source: Txt = None
    electricity_exported: Num = Field(None, description="MWh")
    electricity_exported_ef: Num = None


class PurchasedPrecursor(_Base):
    id: str = Field(description="PP1..PP20")
    category: Txt = None
    country_code: Txt = None
    routes: list[Txt] = Field(default_factory=list)
    name: Txt = None
    purchased: list[RouteAmount] = Field(default_factory=list, description="Purchased amounts per route (t)")
    consumed_by: list[ProcessAmount] = Field(default_factory=list)
    consumed_other: Num = None
    see_direct: Num = Field(None, description="tCO2e/t")
    see_direct_source: Txt = Field(None, description="Measured / Default / Unknown")
    specific_electricity: Num = Field(None, description="MWh/t")
    specific_electricity_source: Txt = None
    electricity_ef: Num = Field(None, description="tCO2/MWh")
    electricity_ef_source: Txt = None
    default_justification: Txt = None


class SourceStream(_Base):
    row: int = Field(description="Row of the stream in B_EmInst")
    method: Txt = Field(None, description="Combustion / Process Emissions / Mass balance")
    name: Txt = None
    activity_data: Num = None
    activity_unit: Txt = Field(None, description="t or 1000Nm3")
    ncv: Num = Field(None, description="GJ/t or GJ/1000Nm3")
    ef: Num = None
    ef_unit: Txt = Field(None, description="tCO2/TJ, tCO2/t or tCO2/1000Nm3")
    carbon_content: Num = Field(None, description="tC/t")
    oxidation_factor: Num = Field(None, description="percent, 0-100")
    conversion_factor: Num = Field(None, description="percent, 0-100")
    biomass_content: Num = Field(None, description="percent, 0-100")


class PfcSource(_Base):
    row: int
    method: Txt = Field(None, description="Slope method / Overvoltage method")
    technology: Txt = None
    activity_data: Num = Field(None, description="t primary aluminium")
    anode_effect_frequency: Num = None
    anode_effect_duration: Num = None
    slope_cf4: Num = None
    overvoltage_aeo: Num = None
    current_efficiency: Num = None
    overvoltage_coefficient: Num = None
    c2f6_weight_fraction: Num = None
    collection_efficiency: Num = None


class MeasurementPoint(_Base):
    row: int
    name: Txt = None
    gas: Txt = Field(None, description="CO2 or N2O")
    biomass_fraction: Num = Field(None, description="percent, 0-100")
    hourly_concentration: Num = Field(None, description="g/Nm3")
    operating_hours: Num = None
    flue_gas_flow: Num = Field(None, description="1000 Nm3/h")
    energy_fossil: Num = Field(None, description="TJ")
    energy_bio: Num = Field(None, description="TJ")


class FuelBalance(_Base):
    """Manual entries of the fuel balance (TJ), C_Emissions&Energy row 16."""

    total: Num = None
    direct_for_cbam_goods: Num = None
    for_electricity: Num = None
    for_non_cbam: Num = None


class GhgBalanceManual(_Base):
    """Manual entries of the GHG balance (tCO2e), C_Emissions&Energy row 26."""

    co2: Num = None
    biomass: Num = None
    n2o: Num = None
    pfc: Num = None
    total_indirect: Num = Field(None, description="Total indirect emissions of the installation, tCO2e")


class DataQuality(_Base):
    general: Txt = None
    default_justification: Txt = None
    quality_assurance: Txt = None


class Emissions(_Base):
    source_streams: list[SourceStream] = Field(default_factory=list)
    pfc: list[PfcSource] = Field(default_factory=list)
    measurements: list[MeasurementPoint] = Field(default_factory=list)
    fuel_balance: FuelBalance = Field(default_factory=FuelBalance)
    ghg_balance: GhgBalanceManual = Field(default_factory=GhgBalanceManual)


class CarbonPriceToolRow(_Base):
    """F_Tools carbon-price tool, one row per process or purchased precursor."""

    id: str = Field(description="P1..P10 or PP1..PP20")
    share_covered: Num = None
    price_due: Num = None
    rebate: Num = None


class CarbonPriceTool(_Base):
    currency: Txt = None
    rows: list[CarbonPriceToolRow] = Field(default_factory=list)


class ProductParameters(_Base):
    """Qualifying parameters of Summary_Products (columns P-AK); percentages as 0-100 where the template says %."""

    reducing_agent: Txt = None
    steel_mill_id: Txt = None
    mn_percent: Num = None
    cr_percent: Num = None
    ni_percent: Num = None
    other_alloys_percent: Num = None
    carbon_percent: Num = None
    scrap_per_t_steel: Num = None
    other_materials_percent: Num = None
    pre_consumer_scrap_percent: Num = None
    scrap_per_t_aluminium: Num = None
    non_aluminium_percent: Num = None
    clinker_factor: Num = None
    calcined: bool | None = None
    concentration: Num = None
    nitric_acid_percent: Num = None
    urea_percent: Num = None
    n_percent: Num = None
    n_ammonium_percent: Num = None
    n_nitrate_percent: Num = None
    n_urea_percent: Num = None
    n_other_percent: Num = None


class Product(_Base):
    row: int = Field(description="Row number 1..100 in the template's product table")
    process: Txt = Field(None, description="Name of the production process the product arises from")
    cn_code: Txt = None
    name: Txt = None
    parameters: ProductParameters = Field(default_factory=ProductParameters)
    carbon_price_type: Txt = None
    carbon_price_share: Num = None
    currency: Txt = None
    carbon_price_due: Num = Field(None, description="Carbon price due per produced t or MWh, in `currency`")
    rebate_type: Txt = None
    rebate_share: Num = None
    rebate: Num = Field(None, description="Rebate per produced t or MWh, in `currency`")


class DeclaredProcess(_Base):
    id: str
    direct_emissions: Num = None
    heat_emissions: Num = None
    waste_gas_emissions: Num = None
    attributed_direct: Num = None
    attributed_indirect: Num = None
    activity_level: Num = None
    se_direct: Num = None
    see_direct: Num = None
    se_indirect: Num = None
    see_indirect: Num = None
    electricity_intensity: Num = None
    embedded_electricity: Num = None


class DeclaredProduct(_Base):
    row: int
    category: Txt = None
    see_direct: Num = None
    see_indirect: Num = None
    see_total: Num = None
    default_share: Num = None
    electricity_ef_source: Txt = None
    embedded_electricity: Num = None
    electricity_ef: Num = None
    effective_carbon_price: Num = None


class DeclaredPrecursor(_Base):
    id: str
    see_indirect: Num = None


class DeclaredTotals(_Base):
    direct: Num = None
    indirect: Num = None
    total: Num = None


class Declared(_Base):
    """Results the workbook states (its cached formula values), kept apart from the inputs."""

    available: bool = Field(description="False where the workbook carries no calculated values at all")
    note: Txt = None
    totals: DeclaredTotals = Field(default_factory=DeclaredTotals)
    processes: list[DeclaredProcess] = Field(default_factory=list)
    products: list[DeclaredProduct] = Field(default_factory=list)
    purchased_precursors: list[DeclaredPrecursor] = Field(default_factory=list)
    messages: dict[str, str] = Field(
        default_factory=dict, description="Model path -> error or message text the template showed instead of a value")


class Source(_Base):
    """Where one value was read."""

    sheet: str
    cell: str
    formula: Txt = Field(None, description="The formula the input cell held, where it held one")


class ReadNote(_Base):
    """Something the reader noticed while reading; checks turn these into findings."""

    code: str = Field(description="Stable code, e.g. READ-NUMBER")
    path: str
    message: str
    sheet: Txt = None
    cell: Txt = None
    found: Txt = None


class Submission(_Base):
    format: Literal["cbam-exchange/submission"] = FORMAT_ID
    format_version: str = FORMAT_VERSION
    source: SourceInfo
    reporting_period: Period = Field(default_factory=Period)
    installation: Installation = Field(default_factory=Installation)
    verifier: Verifier = Field(default_factory=Verifier)
    goods: list[GoodsCategory] = Field(default_factory=list)
    processes: list[ProductionProcess] = Field(default_factory=list)
    purchased_precursors: list[PurchasedPrecursor] = Field(default_factory=list)
    emissions: Emissions = Field(default_factory=Emissions)
    data_quality: DataQuality = Field(default_factory=DataQuality)
    carbon_price_tool: CarbonPriceTool = Field(default_factory=CarbonPriceTool)
    carbon_price_instrument: Txt = None
    additional_information: Txt = None
    products: list[Product] = Field(default_factory=list)
    declared: Declared | None = Field(None, description="Absent for submissions that declare no results")
    sources: dict[str, Source] = Field(default_factory=dict)
    notes: list[ReadNote] = Field(default_factory=list)

    def source_of(self, path: str) -> Source | None:
        return self.sources.get(path)
