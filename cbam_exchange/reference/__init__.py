"""Regulatory figures packaged as versioned data, each with its legal reference and confirmation label."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Constant:
    value: float
    unit: str
    reference: str
    confirmation: str


@dataclass(frozen=True)
class CalculationConstants:
    version: str
    carbon_to_co2: Constant
    gwp_n2o: Constant
    gwp_cf4: Constant
    gwp_c2f6: Constant
    ef_natural_gas: Constant
    waste_gas_export_correction: Constant


@cache
def calculation_constants(path: Path | None = None) -> CalculationConstants:
    """The constants table shipped with the toolkit, or a newer one a user points to."""
    with (path or _HERE / "calculation_constants.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    version = raw.pop("version")
    return CalculationConstants(version=version, **{k: Constant(**v) for k, v in raw.items()})


@cache
def plausibility(path: Path | None = None) -> dict:
    """Plausibility bands, floors, ratios and bounding boxes (plausibility.toml); not legal figures."""
    with (path or _HERE / "plausibility.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def free_allocation_figures(path: Path | None = None) -> dict:
    """CSCF, production-year bands and the template-route to benchmark-route map (free_allocation.toml)."""
    with (path or _HERE / "free_allocation.toml").open("rb") as fh:
        return tomllib.load(fh)
