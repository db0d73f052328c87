"""Test-only edits of .xlsx files at the XML level: put cached values into formula cells (to stand in for a
calculated workbook), overwrite cells with constants, and delete a column (to turn a 2.1.1 workbook into the 2.1
layout). Written for fixtures; the product never edits a supplier's workbook."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from cbam_exchange.layouts import CellRef, col_to_index, index_to_col
from cbam_exchange.readers.xlsx_cells import WorkbookCells

_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(/>|>(.*?)</c>)', re.S)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"/>')


def _value_xml(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, (int, float)):
        return "", f"<v>{value!r}</v>"
    return ' t="str"', f"<v>{escape(str(value))}</v>"


def _set_cells(xml: bytes, cells: dict[str, Any], keep_formula: bool) -> bytes:
    wanted = dict(cells)

    def repl(m: re.Match[bytes]) -> bytes:
        ref = (m.group(1) + m.group(2)).decode()
        if ref not in wanted:
            return m.group(0)
        value = wanted.pop(ref)
        attrs = re.sub(rb'\s+t="[^"]*"', b"", m.group(3)).decode()
        inner = (m.group(5) or b"").decode()
        formula = re.search(r"<f\b[^>]*?(?:/>|>[^<]*</f>)", inner) if keep_formula else None
        if value is None:
            return f'<c r="{ref}"{attrs}>{formula.group(0) if formula else ""}</c>'.encode()
        typ, v = _value_xml(value)
        return f'<c r="{ref}"{attrs}{typ}>{formula.group(0) if formula else ""}{v}</c>'.encode()

    xml = _CELL.sub(repl, xml)
    if wanted:
        raise KeyError(f"cells not present in the sheet: {sorted(wanted)}")
    return xml


def _delete_column(xml: bytes, col: int) -> bytes:
    def cell(m: re.Match[bytes]) -> bytes:
        c = col_to_index(m.group(1).decode())
        if c == col:
            return b""
        if c < col:
            return m.group(0)
        return m.group(0).replace(b'r="' + m.group(1), b'r="' + index_to_col(c - 1).encode(), 1)

    def merge(m: re.Match[bytes]) -> bytes:
        a, b = col_to_index(m.group(1).decode()), col_to_index(m.group(3).decode())
        if a == b == col:
            return b""
        a = a - 1 if a > col else a
        b = b - 1 if b >= col else b
        return (f'<mergeCell ref="{index_to_col(a)}{m.group(2).decode()}:'
                f'{index_to_col(b)}{m.group(4).decode()}"/>').encode()

    xml = _CELL.sub(cell, xml)
    xml = _MERGE.sub(merge, xml)
    # conditional formats and validations only colour or restrict cells; drop them rather than re-address them
    xml = re.sub(rb"<conditionalFormatting\b.*?</conditionalFormatting>", b"", xml, flags=re.S)
    xml = re.sub(rb"<dataValidations\b.*?</dataValidations>", b"", xml, flags=re.S)
    return re.sub(rb"<extLst>.*?</extLst>", b"", xml, flags=re.S)


def edit_workbook(src: Path, dst: Path, *, cached: dict[str, Any] | None = None,
                  constants: dict[str, Any] | None = None, delete_column: tuple[str, str] | None = None,
                  remove_sheet: str | None = None) -> Path:
    """Copy `src` to `dst` with edits. `cached` sets the cached value of cells and keeps their formulas;
    `constants` replaces cells by constants (None empties them); keys are 'Sheet!A1'."""
    cells = WorkbookCells(src, {})
    parts = cells.sheet_parts
    cells.close()
    per_part: dict[str, list[tuple[dict[str, Any], bool]]] = {}
    for mapping, keep in ((cached or {}, True), (constants or {}, False)):
        by_sheet: dict[str, dict[str, Any]] = {}
        for key, value in mapping.items():
            ref = CellRef.parse(key)
            by_sheet.setdefault(ref.sheet, {})[ref.cell] = value
        for sheet, values in by_sheet.items():
            per_part.setdefault(parts[sheet], []).append((values, keep))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if delete_column and info.filename == parts[delete_column[0]]:
                data = _delete_column(data, col_to_index(delete_column[1]))
            for values, keep in per_part.get(info.filename, []):
                data = _set_cells(data, values, keep)
            if remove_sheet and info.filename == "xl/workbook.xml":
                data = re.sub(rb'<sheet name="' + re.escape(remove_sheet.replace("&", "&amp;").encode())
                              + rb'"[^>]*/>', b"", data)
            zout.writestr(info, data)
    return dst


def put_formula(src: Path, dst: Path, sheet: str, cell: str, formula: str, cached: float | None) -> None:
    """Replace one cell by a formula (XML text, already escaped) with an optional cached value."""
    wc = WorkbookCells(src, {})
    part = wc.sheet_parts[sheet]
    wc.close()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                value = f"<v>{cached!r}</v>" if cached is not None else ""
                data = re.sub(rb'<c r="' + cell.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)',
                              lambda m: f'<c r="{cell}"{m.group(1).decode()}><f>{formula}</f>{value}</c>'.encode(),
                              data, count=1, flags=re.S)
            zout.writestr(info, data)
