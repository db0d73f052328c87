"""The canonical model of one installation's CBAM submission.

Every optional field is `None` when the supplier did not provide it; 0 means a provided zero. Where a value came from
a workbook cell, `Submission.sources` maps its model path (e.g. `processes[0].direct_emissions`) to `Sheet!Cell`.
What the workbook *declares* (its own cached results) is kept apart, under `declared`, so that nothing the supplier's
spreadsheet computed is mistaken for an input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from cbam_exchange.model.codec import doc, from_dict, required, to_dict
from cbam_exchange.model.definitive import DefinitivePeriod
from cbam_exchange.model.emissions import Emissions

FORMAT_ID = "cbam-exchange/submission"
FORMAT_VERSION = "1.1"  # 1.1 adds `definitive`; 1.0 documents are read unchanged
READABLE_VERSIONS = ("1.0", "1.1")

Num = float | None
Txt = str | None


@dataclass(kw_only=True)
class SourceInfo:
    """How the submission reached us."""

    format: Literal["ec-template", "json"]
    template_version: Txt = doc("Version of the Commission template (0_Versions), e.g. 2.1.1")
    file_name: Txt = None


@dataclass(kw_only=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(kw_only=True)
class Contact:
    name: Txt = None
    email: Txt = None
    phone: Txt = None
    fax: Txt = None


@dataclass(kw_only=True)
class Installation:
    name_local: Txt = None
    name: Txt = doc("English name (mandatory in the template)")
    street: Txt = None
    economic_activity: Txt = None
    post_code: Txt = None
    po_box: Txt = None
    city: Txt = None
    country: Txt = doc("Country name as entered")
    country_code: Txt = doc("ISO 3166-1 alpha-2 code")
    unlocode: Txt = None
    latitude: Num = doc("Decimal degrees")
    longitude: Num = doc("Decimal degrees")
    representative: Contact = field(default_factory=Contact)


@dataclass(kw_only=True)
class Verifier:
    company: Txt = None
    street: Txt = None
    city: Txt = None
    post_code: Txt = None
    country: Txt = None
    representative: Contact = field(default_factory=Contact)
    accreditation_member_state: Txt = None
    accreditation_body: Txt = None
    registration_number: Txt = None


@dataclass(kw_only=True)
class GoodsCategory:
    """A row of the goods table: an aggregated goods category and the production routes used for it."""

    id: str
    category: Txt = None
    routes: list[Txt] = field(default_factory=list)


@dataclass(kw_only=True)
class RouteAmount:
    route_index: int = required("1-based position of the route in the template's route list for the category")
    route: Txt = None
    amount: Num = None


@dataclass(kw_only=True)
class ProcessAmount:
    """An amount sent to (or consumed by) a production process of the same installation."""

    process: str = required("Production process id, e.g. P2")
    amount: Num = None


@dataclass(kw_only=True)
class ProductionProcess:
    id: str = required("P1..P10")
    category: Txt = None
    included_categories: list[Txt] = field(default_factory=list)
    name: Txt = None
    production: list[RouteAmount] = doc("Production per route (t or MWh)", factory=list)
    produced_for_market: Num = None
    consumed_by: list[ProcessAmount] = doc("Amounts of this process's output consumed by other processes (own precursors)", factory=list)
    consumed_non_cbam: Num = None
    measurable_heat_applicable: bool | None = None
    waste_gases_applicable: bool | None = None
    direct_emissions: Num = doc("Directly attributable emissions DirEm, tCO2e")
    heat_imported: Num = doc("Net measurable heat imported, TJ")
    heat_imported_ef: Num = doc("tCO2/TJ")
    heat_exported: Num = None
    heat_exported_ef: Num = None
    waste_gas_imported: Num = doc("Waste gas imported, TJ")
    waste_gas_imported_ef: Num = None
    waste_gas_exported: Num = None
    waste_gas_exported_ef: Num = None
    electricity_consumed: Num = doc("MWh")
    electricity_ef: Num = doc("tCO2/MWh")
    electricity_ef_source: Txt = None
    electricity_exported: Num = doc("MWh")
    electricity_exported_ef: Num = None


@dataclass(kw_only=True)
class PurchasedPrecursor:
    id: str = required("PP1..PP20")
    category: Txt = None
    country_code: Txt = None
    routes: list[Txt] = field(default_factory=list)
    name: Txt = None
    purchased: list[RouteAmount] = doc("Purchased amounts per route (t)", factory=list)
    consumed_by: list[ProcessAmount] = field(default_factory=list)
    consumed_other: Num = None
    see_direct: Num = doc("tCO2e/t")
    see_direct_source: Txt = doc("Measured / Default / Unknown")
    specific_electricity: Num = doc("MWh/t")
    specific_electricity_source: Txt = None
    electricity_ef: Num = doc("tCO2/MWh")
    electricity_ef_source: Txt = None
    default_justification: Txt = None


@dataclass(kw_only=True)
class DataQuality:
    general: Txt = None
    default_justification: Txt = None
    quality_assurance: Txt = None


@dataclass(kw_only=True)
class CarbonPriceToolRow:
    """F_Tools carbon-price tool, one row per process or purchased precursor."""

    id: str = required("P1..P10 or PP1..PP20")
    share_covered: Num = None
    price_due: Num = None
    rebate: Num = None


@dataclass(kw_only=True)
class CarbonPriceTool:
    currency: Txt = None
    rows: list[CarbonPriceToolRow] = field(default_factory=list)


@dataclass(kw_only=True)
class ProductParameters:
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


@dataclass(kw_only=True)
class Product:
    row: int = required("Row number 1..100 in the template's product table")
    process: Txt = doc("Name of the production process the product arises from")
    cn_code: Txt = None
    name: Txt = None
    parameters: ProductParameters = field(default_factory=ProductParameters)
    carbon_price_type: Txt = None
    carbon_price_share: Num = None
    currency: Txt = None
    carbon_price_due: Num = doc("Carbon price due per produced t or MWh, in `currency`")
    rebate_type: Txt = None
    rebate_share: Num = None
    rebate: Num = doc("Rebate per produced t or MWh, in `currency`")


@dataclass(kw_only=True)
class DeclaredProcess:
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


@dataclass(kw_only=True)
class DeclaredProduct:
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


@dataclass(kw_only=True)
class DeclaredPrecursor:
    id: str
    see_indirect: Num = None


@dataclass(kw_only=True)
class DeclaredTotals:
    direct: Num = None
    indirect: Num = None
    total: Num = None


@dataclass(kw_only=True)
class Declared:
    """Results the workbook states (its cached formula values), kept apart from the inputs."""

    available: bool = required("False where the workbook carries no calculated values at all")
    note: Txt = None
    totals: DeclaredTotals = field(default_factory=DeclaredTotals)
    processes: list[DeclaredProcess] = field(default_factory=list)
    products: list[DeclaredProduct] = field(default_factory=list)
    purchased_precursors: list[DeclaredPrecursor] = field(default_factory=list)
    messages: dict[str, str] = doc("Model path -> error or message text the template showed instead of a value",
                                   factory=dict)


@dataclass(kw_only=True)
class Source:
    """Where one value was read."""

    sheet: str
    cell: str
    formula: Txt = doc("The formula the input cell held, where it held one")


@dataclass(kw_only=True)
class ReadNote:
    """Something the reader noticed while reading; checks turn these into findings."""

    code: str = required("Stable code, e.g. READ-NUMBER")
    path: str
    message: str
    sheet: Txt = None
    cell: Txt = None
    found: Txt = None


@dataclass(kw_only=True)
class Submission:
    """One installation's submission: its inputs, what it declares, and where each value came from."""

    format: Literal["cbam-exchange/submission"] = FORMAT_ID
    format_version: str = FORMAT_VERSION
    source: SourceInfo
    reporting_period: Period = field(default_factory=Period)
    installation: Installation = field(default_factory=Installation)
    verifier: Verifier = field(default_factory=Verifier)
    goods: list[GoodsCategory] = field(default_factory=list)
    processes: list[ProductionProcess] = field(default_factory=list)
    purchased_precursors: list[PurchasedPrecursor] = field(default_factory=list)
    emissions: Emissions = field(default_factory=Emissions)
    data_quality: DataQuality = field(default_factory=DataQuality)
    carbon_price_tool: CarbonPriceTool = field(default_factory=CarbonPriceTool)
    carbon_price_instrument: Txt = None
    additional_information: Txt = None
    products: list[Product] = field(default_factory=list)
    declared: Declared | None = doc("Absent for submissions that declare no results")
    definitive: DefinitivePeriod | None = doc("Annex IV (IR 2025/2547) data the template lacks; format 1.1")
    sources: dict[str, Source] = field(default_factory=dict)
    notes: list[ReadNote] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> Submission:
        """Strict: unknown fields and wrong types raise ModelError naming the path."""
        return from_dict(cls, data)

    def to_dict(self) -> dict:
        """The JSON exchange form: 'not provided' and defaults omitted, format and current version always present."""
        body = {k: v for k, v in to_dict(self).items() if k not in ("format", "format_version")}
        return {"format": self.format, "format_version": FORMAT_VERSION, **body}
