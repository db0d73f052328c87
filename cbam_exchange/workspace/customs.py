"""Reading a customs export as a declarant's broker sends it: CSV in UTF-8 (with or without BOM), Windows-1252 or
Latin-1, separated by ',' ';' or tabs, numbers with a decimal point or a decimal comma, or an .xlsx export; the
declarant's own column names through header aliases or a mapping file; the unit of net mass from a unit column
(kg, t, MWh or the customs codes KGM, TNE, MWH), from the column header (net_mass_kg) or from the mapping file,
never guessed. A reader: it finds the columns and decodes text, the declaration values the lines.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput

REQUIRED = ("date", "cn_code", "country", "net_mass")
OPTIONAL = ("unit", "installation")
# A header, folded (lower case, runs of other characters as one '_'), -> the field it holds. The declarant's own
# names go in a mapping file instead.
ALIASES = {
    "date": "date", "import_date": "date", "date_of_import": "date", "acceptance_date": "date",
    "declaration_date": "date", "release_date": "date", "customs_date": "date", "datum": "date",
    "cn_code": "cn_code", "cn": "cn_code", "cn8": "cn_code", "commodity_code": "cn_code", "taric_code": "cn_code",
    "taric": "cn_code", "goods_code": "cn_code", "tariff_code": "cn_code", "warennummer": "cn_code",
    "country": "country", "country_of_origin": "country", "origin": "country", "origin_country": "country",
    "country_origin": "country", "ursprungsland": "country", "pays_d_origine": "country",
    "net_mass": "net_mass", "net_weight": "net_mass", "net_mass_quantity": "net_mass", "eigenmasse": "net_mass",
    "masse_nette": "net_mass", "quantity_net_mass": "net_mass",
    "unit": "unit", "mass_unit": "unit", "unit_of_mass": "unit", "net_mass_unit": "unit", "unit_code": "unit",
    "einheit": "unit",
    "installation": "installation", "installation_id": "installation", "installation_name": "installation",
    "producer_installation": "installation",
}
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<unit>kg|kgm|kgs|t|tne|tonnes?|tons?|mwh)$")
_FOLD = re.compile(r"[^0-9a-z]+")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def fold(header: str) -> str:
    return _FOLD.sub("_", header.strip().casefold()).strip("_")


def detect_encoding(path: Path) -> str:
    """UTF-16 or UTF-8 by their byte-order mark; UTF-8 if every byte decodes as UTF-8; else Windows-1252 (what
    Excel saves), or Latin-1 where a byte is one Windows-1252 leaves undefined."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        undefined = False
        try:
            while chunk := fh.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        while chunk := fh.read(1 << 22):
            if any(b in chunk for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")):
                undefined = True
                break
    return "latin-1" if undefined else "cp1252"


@dataclass
class Mapping:
    """The declarant's mapping file: their column names, and the unit or decimal mark where the file lacks them."""

    columns: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    decimal: str | None = None


def read_mapping(path: Path | None) -> Mapping:
    if path is None:
        return Mapping()
    from cbam_exchange.readers.mapping_file import read_mapping_file

    data = read_mapping_file(path, "customs column mapping")
    columns = data.get("columns") or {}
    unknown = [k for k in columns if k not in REQUIRED + OPTIONAL]
    if not isinstance(columns, dict) or unknown:
        raise UnreadableInput(str(path), "unknown field in 'columns'", found=", ".join(map(str, unknown)) or "not a "
                              "mapping", expected=", ".join(REQUIRED + OPTIONAL))
    decimal = data.get("decimal")
    if decimal not in (None, ".", ","):
        raise UnreadableInput(str(path), "'decimal' must be '.' or ','", found=repr(decimal))
    return Mapping({k: str(v) for k, v in columns.items()}, str(data["unit"]) if data.get("unit") else None,
                   decimal)


@dataclass
class CustomsFile:
    """The columns found and how the file's numbers and units read."""

    path: Path
    header: list[str]
    index: dict[str, int]
    extra_cols: list[str]
    header_unit: str | None  # unit stated by the net-mass column's header or the mapping file
    decimal: str | None  # ',' or '.'; None while no number in the file has told
    encoding: str
    rows: Iterator[tuple[int, list[str]]]
    close: Any = None
    position: Any = None  # bytes read so far (for a progress bar), where the file is text
    line: Any = None  # the physical line the reader has reached, where the file is text


def field_too_long(path: Path, line: int | str) -> UnreadableInput:
    """csv refuses a field over its limit (a quote never closed, or not a customs export): said as input, not a bug."""
    return UnreadableInput(str(path), "a field is too long for a customs line", location=f"line {line}",
                           found=f"more than {csv.field_size_limit():,} characters in one field (a quote never "
                                 "closed, or not a customs export)",
                           expected="one import line per row, as the customs system exports it")


def header_unit(header: list[str], index: dict[str, int]) -> str | None:
    """The unit the net-mass column's own header states (net_mass_kg -> kg), if any."""
    if "net_mass" not in index:
        return None
    m = _UNIT_SUFFIX.match(fold(header[index["net_mass"]]))
    return m["unit"] if m and ALIASES.get(m["base"]) == "net_mass" else None


def _columns(path: Path, header: list[str], mapping: Mapping, where: str = "line 1"
             ) -> tuple[dict[str, int], str | None, list[str]]:
    index: dict[str, int] = {}
    unit = mapping.unit
    by_name = {h.strip(): k for k, h in enumerate(header)}
    for name, given in mapping.columns.items():
        if given.strip() not in by_name:
            raise UnreadableInput(str(path), f"the mapping names a column that is not in the file ({name})",
                                  location=where, found=given, expected=", ".join(header))
        index[name] = by_name[given.strip()]
    for k, h in enumerate(header):
        key = fold(h)
        name = ALIASES.get(key)
        if name is None and (m := _UNIT_SUFFIX.match(key)) and ALIASES.get(m["base"]) == "net_mass":
            name = "net_mass"
            if "net_mass" not in index:
                unit = unit or m["unit"]
        if name and name not in index and k not in index.values():
            index[name] = k
    for name, k in index.items():  # a second column of the same name would be ignored without a word
        twins = [j + 1 for j, h in enumerate(header) if fold(h) == fold(header[k])]
        if len(twins) > 1:
            raise UnreadableInput(str(path), f"the header names the {name} column twice", location=where,
                                  found=f"{header[k]!r} in columns {', '.join(map(str, twins))}",
                                  expected="each column named once (rename or delete the other, or name the one to "
                                           "use in a --mapping file)")
    stated = header_unit(header, index)
    if stated and mapping.unit and unit_size(stated) != unit_size(mapping.unit):
        raise UnreadableInput(str(path), "the unit of net mass is stated twice, differently", location=where,
                              found=f"column {header[index['net_mass']]!r} says {stated}; the mapping file says "
                                    f"{mapping.unit!r}", expected="one unit: rename the column or correct the mapping")
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise UnreadableInput(str(path), f"customs lines lack required columns ({', '.join(missing)})",
                              location=where, found=", ".join(header) or "no header",
                              expected=", ".join(REQUIRED) + " (or their aliases, or a --mapping file naming "
                                                             "your columns)")
    if "unit" not in index and unit is None:
        raise UnreadableInput(str(path), "the unit of net mass is not stated", location=where,
                              found=f"column {header[index['net_mass']]!r} and no unit column",
                              expected="a unit column (kg, t, KGM, TNE, MWh), a header such as net_mass_kg, or "
                                       "'unit' in the mapping file")
    extra = [h for k, h in enumerate(header) if k not in index.values()]
    return index, unit, extra


def open_customs(path: Path, mapping: Mapping | None = None) -> CustomsFile:
    mapping = mapping or Mapping()
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _open_xlsx(path, mapping)
        encoding = detect_encoding(path)
        fh = path.open(newline="", encoding=encoding)
    except OSError as exc:
        raise UnreadableInput(str(path), f"cannot be read ({exc.strerror})") from None
    first = fh.readline()
    delimiter = max((";", ",", "\t"), key=first.count)
    fh.seek(0)
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        index, unit, extra = _columns(path, header, mapping)
        rows: Iterator[tuple[int, list[str]]] = enumerate(reader, start=2)
        decimal = mapping.decimal
        if decimal is None:  # the first lines' masses tell the decimal mark (a ',' file quotes "1,5")
            ahead = list(itertools.islice(rows, 10_000))
            decimal = _decimal_mark([r[index["net_mass"]] for _, r in ahead if len(r) > index["net_mass"]])
            if decimal is None and delimiter == ",":
                decimal = "."  # nothing decisive ("1,234" only): a ',' file most likely writes decimal points
            rows = itertools.chain(ahead, rows)
    except csv.Error:
        fh.close()
        raise field_too_long(path, reader.line_num) from None
    except UnreadableInput:
        fh.close()
        raise
    return CustomsFile(path, header, index, extra, unit, decimal, encoding, rows, fh.close, fh.buffer.tell,
                       lambda: reader.line_num)


def _decimal_mark(masses: list[str]) -> str | None:
    """',' if a mass has a decimal comma, '.' if one has a decimal point that cannot be a thousands separator."""
    for text in masses:
        t = text.strip()
        if "," in t and not _COMMA_THOUSANDS.match(t):
            return ","
        if "." in t and not _DOT_THOUSANDS.match(t):
            return "."
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _open_xlsx(path: Path, mapping: Mapping) -> CustomsFile:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableInput(str(path), "not a readable .xlsx workbook", found=type(exc).__name__) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell_text(v).strip() for v in next(rows, ())]
    try:  # only the first sheet is read: name it, for a workbook whose lines are on another
        index, unit, extra = _columns(path, header, mapping, f"sheet {sheet.title!r}, line 1")
    except UnreadableInput:
        book.close()
        raise
    texts = ((n, [_cell_text(v) for v in row]) for n, row in enumerate(rows, start=2))
    return CustomsFile(path, header, index, extra, unit, mapping.decimal or ".", "xlsx", texts, book.close)


def parse_number(text: str, decimal: str | None) -> float:
    """A number as the file writes it. With decimal=None (a ';' file not yet told) a comma is a decimal comma and a
    dot followed by exactly three digits is ambiguous (ValueError)."""
    t = text.strip()
    if decimal == ",":
        if "." in t:
            if not _DOT_THOUSANDS.match(t):
                raise ValueError("a decimal point in a file with decimal commas")
            t = t.replace(".", "")
        return float(t.replace(",", "."))
    if "," in t:
        if decimal == "." and _COMMA_THOUSANDS.match(t):
            return float(t.replace(",", ""))
        if decimal is None and "." not in t:
            return float(t.replace(",", "."))
        raise ValueError("a comma in a number of a file with decimal points")
    if decimal is None and _DOT_THOUSANDS.match(t):
        raise ValueError("ambiguous: a thousands separator or a decimal point (state 'decimal' in the mapping file)")
    return float(t)


@cache
def units() -> dict[str, tuple[float, str]]:
    from cbam_exchange.reference.tables import _rows

    return {r["unit"]: (float(r["tonnes_per_unit"]), r["kind"]) for r in _rows("customs_units")}


def unit_size(text: str) -> tuple[float, str] | None:
    """(tonnes per unit, mass | energy) of a unit as written (case and a trailing dot ignored)."""
    return units().get(text.strip().rstrip(".").casefold())
