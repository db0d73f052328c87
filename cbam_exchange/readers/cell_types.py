"""Turn a cached cell value into the model's type, or say why it cannot be.

Each converter returns `(value, problem)`: `problem` is None when the cell held what the layout expects, otherwise a
short text naming what was found; the value is then None (not provided), never a guessed 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DMS = re.compile(r"^\s*(?P<d>-?\d+(?:\.\d+)?)\s*°\s*(?:(?P<m>\d+(?:\.\d+)?)\s*['′]\s*)?"
                  r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:\"|″|'')\s*)?(?P<h>[NSEWnsew])?\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # the 1900 date system (serial 1 = 1900-01-01, with Lotus's 29 February 1900)
EPOCH_1904 = dt.date(1904, 1, 1)  # the 1904 date system (<workbookPr date1904="1"/>, older Mac Excel): serial 0

Converted = tuple[Any, str | None]


def to_text(raw: Any) -> Converted:
    if raw is None:
        return None, None
    if isinstance(raw, str):
        return (raw if raw.strip() else None), None
    if isinstance(raw, bool):
        return ("TRUE" if raw else "FALSE"), None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw.isoformat(), None
    return str(raw), None


def to_code(raw: Any) -> Converted:
    value, problem = to_text(raw)
    return (value.strip() if isinstance(value, str) else value), problem


def to_number(raw: Any) -> Converted:
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, f"a logical value ({raw}) where a number is expected"
    if isinstance(raw, (int, float)):
        return float(raw), None
    if isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "")
        if _PLAIN_NUMBER.match(text):
            if not math.isfinite(float(text)):
                return None, f"text '{raw}' is not a finite number"
            return float(text), f"the number '{raw}' is stored as text"
        return None, f"text '{raw}' where a number is expected"
    return None, f"a {type(raw).__name__} where a number is expected"


def to_date(raw: Any, epoch: dt.date = _EXCEL_EPOCH) -> Converted:
    """A date from a serial number in the workbook's date system (`epoch`), a date cell, or text."""
    if raw is None:
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw >= (0 if epoch == EPOCH_1904 else 1):
        try:
            return epoch + dt.timedelta(days=int(raw)), None
        except OverflowError:  # beyond 9999-12-31
            pass
    if isinstance(raw, str):
        text = raw.strip()
        for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d"):
            try:
                return dt.datetime.strptime(text, fmt).date(), f"the date '{raw}' is stored as text"
            except ValueError:
                continue
    return None, f"'{raw}' where a date is expected"


def to_bool(raw: Any) -> Converted:
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw), None
    if isinstance(raw, str) and raw.strip().upper() in ("TRUE", "WAHR", "YES", "FALSE", "FALSCH", "NO"):
        return raw.strip().upper() in ("TRUE", "WAHR", "YES"), None
    return None, f"'{raw}' where TRUE or FALSE is expected"


def to_coordinate(raw: Any) -> Converted:
    """Decimal degrees from a number or from text such as '16.69°', '16,69', '48°12'30\"N'."""
    if raw is None:
        return None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw), None
    if not isinstance(raw, str):
        return None, f"a {type(raw).__name__} where a coordinate is expected"
    text = raw.strip().replace("\u00a0", " ")
    plain = text.rstrip("°").strip()
    if _DECIMAL_COMMA.match(plain):
        plain = plain.replace(",", ".")
    if _PLAIN_NUMBER.match(plain):
        return float(plain), None
    m = _DMS.match(text)
    if m:
        value = abs(float(m["d"])) + float(m["m"] or 0) / 60 + float(m["s"] or 0) / 3600
        negative = m["d"].startswith("-") or (m["h"] or "").upper() in ("S", "W")
        return (-value if negative else value), None
    return None, f"'{raw}' is not a coordinate in degrees"


CONVERTERS: dict[str, Callable[[Any], Converted]] = {
    "text": to_text, "code": to_code, "number": to_number, "date": to_date, "bool": to_bool,
    "coordinate": to_coordinate,
}
