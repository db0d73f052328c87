"""Results of the recomputation. Every number keeps the steps that produced it, so a report can show its working.

`None` means "cannot be computed"; `missing` says why (an input not provided, an incomplete source stream...).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Step:
    """One calculation: what was computed, by which formula, from which inputs (model paths or names)."""

    quantity: str
    formula: str
    inputs: dict[str, float | str | None]
    value: float | None


@dataclass
class StreamResult:
    row: int
    name: str | None
    method: str | None
    status: str  # ok, incomplete, inconsistent-units, unknown-method
    fossil: float | None
    biomass: float | None
    energy_fossil: float | None
    energy_bio: float | None
    missing: list[str] = field(default_factory=list)


@dataclass
class PfcResult:
    row: int
    method: str | None
    status: str
    cf4: float | None
    c2f6: float | None
    co2e: float | None
    missing: list[str] = field(default_factory=list)


@dataclass
class MeasurementResult:
    row: int
    name: str | None
    gas: str | None
    status: str
    co2e: float | None
    biomass: float | None
    missing: list[str] = field(default_factory=list)


@dataclass
class InstallationTotals:
    """The installation's GHG balance as C_Emissions&Energy computes it (manual entries override)."""

    co2: float
    biomass: float
    n2o: float
    pfc: float
    direct: float
    indirect: float | None
    total: float | None
    calculation_based: float
    measurement_based: float
    other: float
    incomplete: list[str] = field(default_factory=list)  # streams left out for lack of an input: a lower bound


@dataclass
class PrecursorUse:
    id: str
    kind: str  # process or purchased
    amount: float
    per_unit: float | None


@dataclass
class ProcessResult:
    id: str
    name: str | None
    category: str | None
    activity_level: float | None
    direct_emissions: float | None
    heat_emissions: float | None
    waste_gas_emissions: float | None
    electricity_export_emissions: float | None
    attributed_direct: float | None
    attributed_indirect: float | None
    se_direct: float | None
    se_indirect: float | None
    electricity_intensity: float | None
    see_direct: float | None = None
    see_indirect: float | None = None
    embedded_electricity: float | None = None
    precursors: list[PrecursorUse] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class PurchasedResult:
    id: str
    name: str | None
    category: str | None
    amount: float | None
    see_direct: float | None
    see_indirect: float | None
    specific_electricity: float | None
    steps: list[Step] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class ProductResult:
    row: int
    cn_code: str | None
    name: str | None
    process: str | None  # process id
    see_direct: float | None
    see_indirect: float | None
    see_total: float | None
    embedded_electricity: float | None
    electricity_ef: float | None
    missing: list[str] = field(default_factory=list)


@dataclass
class Recomputation:
    streams: list[StreamResult]
    pfc: list[PfcResult]
    measurements: list[MeasurementResult]
    totals: InstallationTotals
    processes: list[ProcessResult]
    purchased: list[PurchasedResult]
    products: list[ProductResult]
    solver_note: str | None = None
