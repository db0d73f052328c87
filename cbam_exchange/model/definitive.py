"""Definitive-period data (IR 2025/2547 Annex IV) that the Commission's template has no cell for.

It reaches the model from a supplement file or from a 1.1 JSON submission, under `Submission.definitive`. Item
numbers in the descriptions are those of Annex IV (§1.1 `1.`-`35.`, §1.1.1 `(1)`-`(3)`, §1.2 `(1)`-`(16)`). As
everywhere in the model, None means "not provided": a `false` flag or a 0 share is a statement, None is silence.

Patterns and bounds below are checked by `codec.constraint_errors()` on every value, whichever file it came from. The CBAM Registry
installation identifier has no published format (UNCONFIRMED): the pattern only keeps out text that cannot be an
identifier (spaces, punctuation other than - / . _, more than 40 characters).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from cbam_exchange.model.codec import doc, required

Num = float | None
Txt = str | None
Flag = bool | None

COUNTRY = r"^[A-Z]{2}$"
CN_CODE = r"^[0-9]{4}([0-9]{2}([0-9]{2})?)?$"
REGISTRY_ID = r"^[A-Z0-9][A-Z0-9./_-]{2,39}$"  # UNCONFIRMED: the Commission has published no format
EORI = r"^[A-Z]{2}[A-Za-z0-9]{1,15}$"  # Reg. (EU) 2015/2447 Art 1(18): country code + up to 15 characters
PERCENT = (0.0, 100.0)
NON_NEGATIVE = (0.0, None)


@dataclass(kw_only=True)
class Address:
    """A postal address, in English (Annex IV §1.1 item 1(c))."""

    street: Txt = None
    post_code: Txt = None
    city: Txt = None
    region: Txt = None
    country_code: Txt = doc("ISO 3166-1 alpha-2", pattern=COUNTRY)


@dataclass(kw_only=True)
class Operator:
    """§1.1 item 1(a)-(c), §1.2 (1)."""

    name: Txt = None
    registration_number: Txt = doc("Company or activity registration number")
    address: Address = field(default_factory=Address)


@dataclass(kw_only=True)
class Counterpart:
    """Another installation or entity at the other end of a flow (heat, waste gas, electricity, CO2)."""

    name: Txt = None
    installation: Txt = None
    registry_id: Txt = doc("CBAM Registry installation identifier, if any", pattern=REGISTRY_ID)
    country_code: Txt = doc("ISO 3166-1 alpha-2", pattern=COUNTRY)
    contact: Txt = doc("Contact person (required for CO2 transfer, §1.1 item 6)")


@dataclass(kw_only=True)
class NonCbamGood:
    """§1.1 item 14: a good outside CBAM produced in a process of the installation."""

    name: str = required("Name of the good")
    process: Txt = doc("Production process id (P1..P10) or the name of a non-CBAM process")
    quantity: Num = doc("Quantity in the reporting period", bounds=NON_NEGATIVE)
    unit: Txt = None


@dataclass(kw_only=True)
class ZeroRatedFuels:
    """§1.1 item 2(g), §1.2 (8): zero-rated fuels (biomass and similar) and how zero-rating is shown."""

    used: Flag = None
    evidence: Txt = doc("How the zero rating is demonstrated (e.g. sustainability certificates)")


@dataclass(kw_only=True)
class ElectricitySource:
    """§1.1 items 3, 11, 12, 32, 33: one source of the electricity the installation uses."""

    kind: Literal["grid", "on-site", "direct link", "power purchase agreement", "other"] | None = None
    supplier: Counterpart = field(default_factory=Counterpart)
    mwh: Num = doc("MWh used in the reporting period", bounds=NON_NEGATIVE)
    emission_factor: Num = doc("tCO2/MWh", bounds=NON_NEGATIVE)
    emission_factor_basis: Txt = doc("Where the factor comes from (actual data, grid default, PPA, ...)")
    for_non_annex_ii_goods: Num = doc("MWh of it used to make non-Annex-II goods (§1.1 item 10)",
                                          bounds=NON_NEGATIVE)
    contract: Txt = doc("PPA or direct-link contract reference (§1.1 item 33)")


@dataclass(kw_only=True)
class OnSiteElectricity:
    """§1.1 item 4, §1.2 (11): electricity generated at the installation."""

    cogeneration: Flag = None
    separate_generation: Flag = None
    renewable: Flag = doc("True: renewable; false: fossil (§1.1 item 4(c))")
    renewable_share: Num = doc("Percent of on-site generation from renewable sources", bounds=PERCENT)


@dataclass(kw_only=True)
class Co2Transfer:
    """§1.1 items 6 and 16(d), §1.2 (10): CO2 captured, sent to or received from another installation."""

    direction: Literal["sent", "received"] = required("sent or received")
    purpose: Literal["geological storage", "permanently chemically bound", "other"] | None = None
    captured: Flag = doc("The CO2 was captured at the installation (§1.2 (10) says 'capture')")
    amount: Num = doc("tCO2 in the reporting period", bounds=NON_NEGATIVE)
    counterpart: Counterpart = field(default_factory=Counterpart)


@dataclass(kw_only=True)
class Co2Capture:
    """Whether CO2 capture or transfer takes place at all; the list says where it goes."""

    capture_used: Flag = doc("§1.2 (10)")
    transfer_used: Flag = doc("§1.1 item 6")
    transfers: list[Co2Transfer] = field(default_factory=list)


@dataclass(kw_only=True)
class ElectricityImport:
    """§1.1 item 15(f), §1.2 (4)(d): confirmations for electricity imported into the Union on actual values."""

    pt5b_confirmed: Flag = doc("2023/956 Annex IV pt 5(b) met (direct connection), D.2.4 evidence sent")
    pt5c_confirmed: Flag = doc("2023/956 Annex IV pt 5(c) met, D.2.4 evidence sent")
    addenda_sent: Flag = doc("§1.1.1 addenda provided to the verifier")


@dataclass(kw_only=True)
class DefinitiveGood:
    """What Annex IV asks per good that the template's product row lacks; `product_row` links the two."""

    product_row: int = required("Row 1..100 of the template's product table (Product.row)")
    quantity: Num = doc("Quantity produced in the reporting period, in functional units (§1.1 items 31, 34)",
                            bounds=NON_NEGATIVE)
    functional_unit: Txt = doc("Where not tonnes (§1.1 item 34(b))")
    see_direct_by_composition: Txt = doc("SEE direct per composition, where relevant (§1.1 item 15(b))")
    default_share: Num = doc("Percent of the embedded emissions based on default values, direct and indirect "
                                 "(§1.1 15(d), §1.2 (4)(b)); the template's share covers direct precursor "
                                 "defaults only", bounds=PERCENT)
    indirect_actual_share: Num = doc("Percent of indirect emissions from actual values (§1.1 15(e))",
                                         bounds=PERCENT)
    indirect_default_share: Num = doc("Percent of indirect emissions from default values (§1.1 15(e))",
                                          bounds=PERCENT)
    pt6_confirmed: Flag = doc("2023/956 Annex IV pt 6 met (direct link or PPA), D.4.3 evidence sent (§1.1 15(e))")
    sefa: Num = doc("Specific embedded free allocation, tCO2e per functional unit (§1.2 (4)(e))",
                        bounds=NON_NEGATIVE)
    benchmarks_confirmed: Flag = doc("The applicable CBAM benchmarks were used (§1.2 (4)(f))")
    sefa_method: Txt = doc("How SEFA was determined (§1.2 (4)(f))")
    electricity_import: ElectricityImport | None = doc("Only for electricity as a good")


@dataclass(kw_only=True)
class PrecursorOrigin:
    """§1.1 item 28, §1.2 (16): where an actual-valued precursor was made, and who verified its data."""

    operator: Txt = None
    installation: Txt = None
    registry_id: Txt = doc("CBAM Registry installation identifier, if any", pattern=REGISTRY_ID)
    country_code: Txt = doc("ISO 3166-1 alpha-2", pattern=COUNTRY)
    verifier: Txt = doc("Verifier of the precursor's emissions (not an Annex IV item; methodology §9.4)")
    verified: Flag = doc("The precursor's actual values are verified")


@dataclass(kw_only=True)
class Averaging:
    """§1.1 items 24-25, §1.2 (14)-(15): one SEE for a precursor made in several periods or installations (Art 14)."""

    over: Literal["reporting periods", "installations"] = required("What the SEE is averaged over")
    method: Literal["Art 14(2) default method", "Art 14(3) installation-specific"] | None = None
    periods: list[str] = doc("Reporting periods averaged, e.g. 2026 or 2026-01-01/2026-06-30", factory=list)
    installations: list[str] = doc("Installations averaged (names or Registry identifiers)", factory=list)
    see_used: Num = doc("The resulting SEE, tCO2e/t", bounds=NON_NEGATIVE)


@dataclass(kw_only=True)
class DefinitivePrecursor:
    """What Annex IV asks per purchased precursor that the template lacks; `precursor_id` links to PP1..PP20."""

    precursor_id: str = required("Purchased precursor id PP1..PP20 (PurchasedPrecursor.id)")
    cn_code: Txt = doc("CN code (§1.1 items 22(a), 23(a))", pattern=CN_CODE)
    values: Literal["default", "actual"] | None = doc("Default-valued (item 22) or actual-valued (item 23)")
    period_start: dt.date | None = doc("Reporting period of the precursor data (§1.1 item 23(d))")
    period_end: dt.date | None = None
    period_basis: Literal["default reporting period", "actual time of production"] | None = None
    year_of_use: int | None = doc("Year the precursor went into the complex good (§1.2 (13)(d))",
                                      bounds=(2023.0, 2100.0))
    origin: PrecursorOrigin = field(default_factory=PrecursorOrigin)
    averaging: Averaging | None = None


@dataclass(kw_only=True)
class ElectricityAddendum:
    """§1.1.1: one per authorised CBAM declarant importing the installation's electricity."""

    declarant_eori: Txt = doc("EORI of the authorised CBAM declarant", pattern=EORI)
    pt5_confirmed: Flag = doc("Annex IV pt 5(a), (d) (and (b) where relevant) met; D.2.4 evidence sent")
    mwh: Num = doc("MWh imported by this declarant", bounds=NON_NEGATIVE)


@dataclass(kw_only=True)
class DefinitivePeriod:
    """Annex IV data the template lacks. Items the template holds stay where they are in the model."""

    operator: Operator = field(default_factory=Operator)
    registry_installation_id: Txt = doc("Unique installation identifier in the CBAM Registry (§1.1 1(d), "
                                            "§1.2 (2)(b))", pattern=REGISTRY_ID)
    new_installation: Flag = doc("§1.1 item 8")
    monitoring_months: int | None = doc("Months of monitoring data for a new installation (§1.1 item 8)",
                                            bounds=(1.0, 12.0))
    non_cbam_processes: list[str] = doc("Non-CBAM production processes at the site (§1.1 item 2(b))", factory=list)
    non_cbam_goods: list[NonCbamGood] = doc("§1.1 item 14", factory=list)
    zero_rated_fuels: ZeroRatedFuels = field(default_factory=ZeroRatedFuels)
    heat_counterparts: list[Counterpart] = doc("Installations heat comes from or goes to (§1.1 2(h))",
                                               factory=list)
    waste_gas_counterparts: list[Counterpart] = doc("Installations waste gas comes from or goes to (§1.1 item 5)",
                                                    factory=list)
    electricity_sources: list[ElectricitySource] = doc("§1.1 items 3, 9-12, 32, 33", factory=list)
    electricity_total_mwh: Num = doc("Electricity used by the installation (§1.1 item 9)",
                                         bounds=NON_NEGATIVE)
    on_site_electricity: OnSiteElectricity = field(default_factory=OnSiteElectricity)
    co2: Co2Capture = field(default_factory=Co2Capture)
    data_gaps: Txt = doc("Data gaps and estimates used (§1.1 item 16(e))")
    goods: list[DefinitiveGood] = field(default_factory=list)
    precursors: list[DefinitivePrecursor] = field(default_factory=list)
    electricity_addenda: list[ElectricityAddendum] = field(default_factory=list)
