"""Per-country figures from the packaged tables: map boxes (is a coordinate in the declared country?), the
Commission's default electricity factors, and the ECB's annual exchange rates (carbon prices paid abroad in EUR).

Apart from `tables` (default values, benchmarks, prices) because only single checks ask for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cbam_exchange.reference.tables import _rows


@cache
def _country_boxes() -> dict[str, list[tuple[float, float, float, float]]]:
    out: dict[str, list[tuple[float, float, float, float]]] = {}
    for r in _rows("country_boxes"):
        out.setdefault(r["iso2"], []).append((float(r["south"]), float(r["north"]), float(r["west"]),
                                              float(r["east"])))
    return out


def country_boxes(iso2: str | None) -> list[tuple[float, float, float, float]]:
    """(south, north, west, east) of each map subunit of a country; empty for a code the dataset lacks."""
    return _country_boxes().get((iso2 or "").strip().upper(), [])


@dataclass(frozen=True)
class FxRate:
    currency: str
    year: int
    units_per_eur: float
    note: str | None


@cache
def _fx() -> dict[tuple[str, int], float]:
    return {(r["currency"], int(r["year"])): float(r["units_per_eur"]) for r in _rows("fx_rates")}


def fx_rate(currency: str | None, year: int) -> FxRate | None:
    """The ECB annual average rate of `currency` for `year` (EUR is 1); for a year not in the table, the nearest
    one, and say so; None for a currency the ECB does not publish."""
    code = (currency or "").strip().upper()
    if code == "EUR":
        return FxRate("EUR", year, 1.0, None)
    years = sorted(y for c, y in _fx() if c == code)
    if not years:
        return None
    used = year if year in years else min(years, key=lambda y: abs(y - year))
    note = None if used == year else f"no ECB annual average for {year}: {used} used"
    return FxRate(code, used, _fx()[(code, used)], note)


@dataclass(frozen=True)
class GridFactor:
    iso2: str
    tco2_per_mwh: float
    legal_reference: str
    confirmation: str


def grid_factor(iso2: str | None) -> GridFactor | None:
    """The Commission's default electricity factor of a country, where the (PARTIAL) table has the country's own
    line; None where it has not (the table cannot tell whether 'Other countries' applies)."""
    code = (iso2 or "").strip().upper()
    for r in _rows("grid_factors"):
        if code and r["iso2"] == code:
            return GridFactor(code, float(r["emission_factor_tco2e_per_mwh"]), r["legal_basis"], r["confirmation"])
    return None
