"""Number and text formatting shared by the text renderers; 'not provided' never prints as 0."""

from __future__ import annotations

NOT_PROVIDED = "—"


def num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return NOT_PROVIDED
    return f"{value:,.{digits}f}"


def see(value: float | None) -> str:
    """SEE values in tCO2e/t with five decimals, as verifiers compare them."""
    return num(value, 5)


def text(value: object) -> str:
    return NOT_PROVIDED if value is None or value == "" else str(value)


# spreadsheet programs execute cells that start with these characters; supplier text must not
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
