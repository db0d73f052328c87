"""Fast cell access to an .xlsx file: cached values and formulas of the sheets and rows a layout needs.

openpyxl needs seconds to load a filled template. This reader parses only the sheet XML it needs, and only down to
the last row it needs, with one regular-expression pass per sheet that yields both the cached value and the
formula of every cell (formulas are needed to notice an input cell holding one, a result cell overwritten by a
constant, and an uncalculated workbook). It reads a filled template in well under 0.2 s; a reader built on
python-calamine, tried first, took twice as long, because calamine parses whole sheets and exposes no formulas, so
the XML had to be scanned a second time (see benchmarks/read_template.py).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHEET_REL = re.compile(rb'<Relationship\b[^>]*?>')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?/>')
# attributes up to "/>" or ">", then the content up to "</c>", written without lazy quantifiers (2x faster)
_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"([^>/]*(?:/(?!>)[^>/]*)*)(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')
_ROW = re.compile(rb'<row r="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_FORMULA = re.compile(rb'<f\b([^>]*?)(?:/>|>([^<]*)</f>)')
_VALUE = re.compile(rb'<v>([^<]*)</v>')
_TEXT = re.compile(rb'<t\b[^>]*>([^<]*)</t>')
_SHARED_ITEM = re.compile(rb'<si>(.*?)</si>', re.S)
_PHONETIC = re.compile(rb'<rPh\b.*?</rPh>', re.S)
MAX_PART_BYTES = 128 * 1024 * 1024  # an uncompressed sheet larger than this is not a template (zip bomb guard)


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode().split(":")[-1]: html.unescape(v.decode()) for k, v in _ATTR.findall(tag)}


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text
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


def _rows_only(xml: bytes, wanted: Collection[int]) -> bytes:
    """The XML of the wanted rows only, joined: the cell pattern then scans a fraction of a large sheet."""
    starts = [(int(m.group(1)), m.start()) for m in _ROW.finditer(xml)]
    if not starts:
        return xml
    ends = [pos for _, pos in starts[1:]] + [xml.find(b"</sheetData>", starts[-1][1])]
    return b"".join(xml[pos:end] for (row, pos), end in zip(starts, ends) if row in wanted)


class WorkbookCells:
    """Read-only access to cached values and formulas of selected sheets."""

    def __init__(self, path: Path, sheets: Mapping[str, Collection[int]]) -> None:
        """`sheets` maps each sheet to read to the rows needed; other rows are never parsed."""
        self.path = path
        sniff_xlsx(path)
        try:
            self._zip = zipfile.ZipFile(path)
            self.sheet_parts = self._sheet_parts()
        except UnreadableInput:
            raise
        except Exception as exc:  # zip or XML failure: the file is damaged
            raise UnreadableInput(str(path), f"the workbook cannot be opened ({type(exc).__name__}: {exc})") from None
        self.sheet_names = list(self.sheet_parts)
        self._wanted = {s: r for s, r in sheets.items() if s in self.sheet_parts}
        self._cells: dict[str, dict[bytes, tuple[bytes, bytes]]] = {}
        self._shared: list[str] | None = None
        self._decoded: dict[tuple[str, int, int], tuple[bytes, bytes | None, bytes | None, bytes] | None] = {}

    def _read_part(self, part: str) -> bytes:
        try:
            info = self._zip.getinfo(part)
            if info.file_size > MAX_PART_BYTES:
                raise UnreadableInput(str(self.path), "a part of the workbook is implausibly large",
                                      location=part, found=f"{info.file_size} bytes uncompressed",
                                      expected=f"at most {MAX_PART_BYTES} bytes")
            return self._zip.read(part)
        except UnreadableInput:
            raise
        except Exception as exc:
            raise UnreadableInput(str(self.path), f"the workbook cannot be read ({type(exc).__name__}: {exc})",
                                  location=part) from None

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
            if a.get("id") in targets:
                parts[a["name"]] = targets[a["id"]]
        return parts

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            try:
                xml = self._read_part("xl/sharedStrings.xml")
            except UnreadableInput:
                if "xl/sharedStrings.xml" in self._zip.namelist():
                    raise
                xml = b""
            self._shared = [_text(b"".join(_TEXT.findall(_PHONETIC.sub(b"", item))))
                            for item in _SHARED_ITEM.findall(xml)]
        return self._shared

    def _sheet(self, sheet: str) -> dict[bytes, tuple[bytes, bytes]]:
        """cell reference -> (attributes, inner XML), indexed on first use and decoded per cell on demand."""
        if sheet not in self._cells:
            cells: dict[bytes, tuple[bytes, bytes]] = {}
            part = self.sheet_parts.get(sheet)
            if part is not None:
                xml = self._read_part(part)
                wanted = self._wanted.get(sheet)
                if wanted:
                    xml = _rows_only(xml, wanted)
                cells = {ref: (attrs, inner) for ref, attrs, inner in _CELL.findall(xml)}
            self._cells[sheet] = cells
        return self._cells[sheet]

    def _cell(self, ref: CellRef) -> tuple[bytes, bytes | None, bytes | None, bytes] | None:
        """(type, cached value, formula text, formula attributes) of one cell (decoded once)."""
        key = (ref.sheet, ref.row, ref.col)
        if key in self._decoded:
            return self._decoded[key]
        self._decoded[key] = cell = self._decode(ref)
        return cell

    def _decode(self, ref: CellRef) -> tuple[bytes, bytes | None, bytes | None, bytes] | None:
        found = self._sheet(ref.sheet).get(ref.cell.encode())
        if found is None or not found[1]:
            return None  # absent, or a styled empty cell (most input cells): no value, no formula
        attrs, inner = found
        typ = _TYPE.search(attrs)
        value = formula = None
        fattrs = b""
        if inner:
            f = _FORMULA.search(inner)
            if f:
                fattrs, formula = f.group(1), f.group(2) or b""
            v = _VALUE.search(inner)
            if v:
                value = v.group(1)
            elif b"<is>" in inner:
                value = b"".join(_TEXT.findall(inner))
        return (typ.group(1) if typ else b"n"), value, formula, fattrs

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.sheet_parts

    def raw(self, ref: CellRef) -> Any:
        """The cached value (str, float, bool, or an error text such as '#N/A'), or None where the cell is empty."""
        cell = self._cell(ref)
        if cell is None or cell[1] is None or cell[1] == b"":
            return None
        typ, value = cell[0], cell[1]
        if typ == b"n":
            return float(value)
        if typ == b"s":
            return self._shared_strings()[int(value)]
        if typ == b"b":
            return value.strip() == b"1"
        text = _text(value)
        return text if text != "" else None

    def formula(self, ref: CellRef) -> tuple[str, bool] | None:
        """(formula, has cached value) where the cell holds a formula."""
        cell = self._cell(ref)
        if cell is None or cell[2] is None:
            return None
        _, value, text, fattrs = cell
        if text:
            formula = "=" + _text(text)
        else:
            formula = "(shared formula)" if b"shared" in fattrs else "(formula)"
        return formula, bool(value)

    def close(self) -> None:
        self._zip.close()
