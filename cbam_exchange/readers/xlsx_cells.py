"""Fast cell access to an .xlsx file: cached values through python-calamine, formulas from the sheet XML.

openpyxl needs seconds to load a filled template; calamine reads the cached values of the sheets we need in about a
tenth of a second. Calamine does not expose formulas, so the formula text of each cell (needed to notice an input
cell holding a formula, and to tell an uncalculated workbook from an empty result) is taken from the sheet XML with
one regular-expression pass per sheet.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from pathlib import Path
from typing import Any

import python_calamine

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHEET_REL = re.compile(rb'<Relationship\b[^>]*?>')
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?/>')
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*?>\s*<f\b([^>]*?)(?:/>|>([^<]*)</f>)\s*(?:<v>([^<]*)</v>)?')
_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): html.unescape(v.decode()) for k, v in _ATTR.findall(tag)}


def sniff_xlsx(path: Path) -> None:
    """Raise UnreadableInput with a precise reason where `path` is not a readable .xlsx package."""
    name = str(path)
    if not path.exists():
        raise UnreadableInput(name, "file not found")
    if path.is_dir():
        raise UnreadableInput(name, "is a folder, not a file")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise UnreadableInput(
            name, "the file is password-protected (encrypted) or a legacy .xls workbook",
            found="an OLE compound document", expected="an unencrypted .xlsx workbook (remove the password in Excel)")
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise UnreadableInput(name, "the workbook is truncated or damaged and cannot be opened",
                                  found="a zip package without its central directory",
                                  expected="a complete .xlsx file (download or copy it again)")
        raise UnreadableInput(name, "not an .xlsx workbook (not a zip package)",
                              found=f"first bytes {head[:4]!r}", expected="an .xlsx file or a cbam-exchange .json")


class WorkbookCells:
    """Read-only access to cached values and formulas of selected sheets."""

    def __init__(self, path: Path, sheets: dict[str, int]) -> None:
        """`sheets` maps each sheet to read to the last row needed (reading stops there)."""
        self.path = path
        sniff_xlsx(path)
        try:
            self._zip = zipfile.ZipFile(path)
            self.sheet_parts = self._sheet_parts()
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        except UnreadableInput:
            raise
        except Exception as exc:  # zip, XML or calamine failure: the file is damaged
            raise UnreadableInput(str(path), f"the workbook cannot be opened ({type(exc).__name__}: {exc})") from None
        self.sheet_names: list[str] = list(book.sheet_names)
        self._values: dict[str, list[list[Any]]] = {}
        self._formulas: dict[str, dict[bytes, tuple[bytes, bytes, bool]]] = {}
        for sheet, last_row in sheets.items():
            if sheet not in self.sheet_names:
                continue
            try:
                self._values[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=last_row)
            except Exception as exc:
                raise UnreadableInput(str(path), f"sheet cannot be read ({type(exc).__name__}: {exc})",
                                      location=sheet) from None
        book.close()

    def _sheet_parts(self) -> dict[str, str]:
        wb = self._zip.read("xl/workbook.xml")
        rels = self._zip.read("xl/_rels/workbook.xml.rels")
        targets = {}
        for tag in _SHEET_REL.findall(rels):
            a = _attrs(tag)
            target = a.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[a.get("Id")] = target
        parts = {}
        for tag in _SHEET_ENTRY.findall(wb):
            a = _attrs(tag)
            rid = next((v for k, v in a.items() if k == "id"), None)
            if rid in targets:
                parts[a["name"]] = targets[rid]
        return parts

    def _formula_map(self, sheet: str) -> dict[bytes, tuple[bytes, bytes, bool]]:
        """cell -> (raw formula text, raw f attributes, has a cached value); parsed once per sheet, decoded lazily."""
        if sheet not in self._formulas:
            part = self.sheet_parts.get(sheet)
            xml = self._zip.read(part) if part else b""
            self._formulas[sheet] = {cell: (text, fattrs, bool(cached))
                                     for cell, fattrs, text, cached in _FORMULA_CELL.findall(xml)}
        return self._formulas[sheet]

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.sheet_names

    def raw(self, ref: CellRef) -> Any:
        """The cached value, or None where the cell is empty."""
        rows = self._values.get(ref.sheet)
        if rows is None or ref.row > len(rows):
            return None
        row = rows[ref.row - 1]
        if ref.col > len(row):
            return None
        value = row[ref.col - 1]
        if value == "" or value is None:
            return None
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date()
        return value

    def formula(self, ref: CellRef) -> tuple[str, bool] | None:
        """(formula, has cached value) where the cell holds a formula."""
        found = self._formula_map(ref.sheet).get(ref.cell.encode())
        if found is None:
            return None
        text, fattrs, cached = found
        formula = html.unescape(text.decode()) if text else ("(shared formula)" if b"shared" in fattrs else "")
        return ("=" + formula if formula and not formula.startswith("(") else formula or "(formula)"), cached

    def close(self) -> None:
        self._zip.close()


def is_error_text(value: Any) -> bool:
    return isinstance(value, str) and (value.strip() in _ERRORS or value.startswith("#"))
