"""Numbers as a verifier reads them: parameters with their significant digits (a carbon content of 0.00023 stays
0.00023, never 0.0002), large amounts with thousands separators, SEE with five decimals (2546 Annex 2.4)."""

from __future__ import annotations

import math


def sig(value: float | None, digits: int = 6) -> str:
    """`value` with up to `digits` significant digits, no exponent, trailing zeros dropped; '—' for None."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= digits - 1:
        return f"{value:,.0f}"
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.2f} %" if signed else f"{value * 100:.2f} %"


def see(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.5f}" if signed else f"{value:.5f}"
