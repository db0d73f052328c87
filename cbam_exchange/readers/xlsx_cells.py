"""Cell access to an .xlsx file: cached values and formulas of the sheets and rows a layout needs.

openpyxl needs seconds to load a filled template. This reader parses, with lxml and safely (xlsx_xml), only the
sheets it is asked for and, where a sheet proves it can be sliced exactly, only the rows needed (xlsx_sheet); the
workbook, its relationships and the shared strings are parsed whole. Values are decoded as Excel reads them:
shared strings by index (rich-text runs joined, phonetic runs left out), inline strings, booleans, errors, ISO
dates, and shared formulas resolved from their master (see benchmarks/read_template.py for the speed).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef
from cbam_exchange.readers.shared_formulas import shift_formula
from cbam_exchange.readers.xlsx_package import LIMITS, Package
from cbam_exchange.readers.xlsx_sheet import Cell, SheetRows, text_of, column_index
from cbam_exchange.readers.xlsx_xml import is_main, iter_children, local, parse, tags

_R_ID = "id"
_PLAIN_REFERENCE = re.compile(r"=(?:(?:'(?P<quoted>(?:[^']|'')+)'|(?P<sheet>[A-Za-z_][\w.]*))!)?"
                              r"\$?(?P<col>[A-Z]{1,3})\$?(?P<row>[0-9]+)")
_MAX_REFERENCE_CHAIN = 8  # r:id, in the Transitional or the Strict relationships namespace


class NonFinite(float):
    """A `<v>` holding a number Excel cannot store (1e309, NaN, INF): kept apart so that readers can say so."""

    def __new__(cls, text: str) -> NonFinite:
        value = super().__new__(cls, float(text))
        value.text = text
        return value

    text: str


class WorkbookCells:
    """Read-only access to cached values and formulas of selected sheets."""

    def __init__(self, path: Path, sheets: Mapping[str, Collection[int]]) -> None:
        """`sheets` maps each sheet to read to the rows needed; other sheets are read whole when asked for."""
        self.path = path
        self._package = Package(path)
        try:
            self._read_workbook()
        except Exception:
            self._package.close()
            raise
        self.sheet_names = list(self.sheet_parts)
        self._wanted = {s: r for s, r in sheets.items() if s in self.sheet_parts}
        self._sheets: dict[str, SheetRows] = {}
        self._shared: list[str] | None = None
        self._following: set[CellRef] = set()  # references being followed (a cycle reads as empty)
        # where a formula is not a plain reference, the cell it shows (for a layout that knows its formulas)
        self.resolver: Callable[[WorkbookCells, CellRef], CellRef | None] | None = None

    @property
    def macros(self) -> str | None:
        """The part holding macros, where there are any; they are never run."""
        return self._package.macros()

    def _read_workbook(self) -> None:
        name, part = str(self.path), self._package.workbook_part
        root = parse(self._package.read(part), name, part)
        rels = self._package.relationships(part)
        self.shared_strings_part = next((t for k, t in rels.values() if k == "sharedStrings"), None)
        self.date1904 = False
        self.sheet_parts: dict[str, str] = {}
        self.defined_names: dict[str, str] = {}  # workbook-wide names -> their formula text
        for element in root.iter():
            if is_main(element, "workbookPr"):
                self.date1904 = element.get("date1904", "0").strip().lower() in ("1", "true")
            elif is_main(element, "definedName") and element.get("localSheetId") is None and element.text:
                self.defined_names[element.get("name", "")] = element.text.strip()
            elif is_main(element, "sheet"):
                rid = next((v for k, v in element.attrib.items() if local(k) == _R_ID and k.startswith("{")), None)
                kind, target = rels.get(rid or "", ("", ""))
                if kind == "worksheet" and element.get("name") is not None:
                    self.sheet_parts[element.get("name")] = target

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            part = self.shared_strings_part
            self._shared = []
            if part is not None and self._package.has(part):
                name = str(self.path)
                data = self._package.read(part)
                # a table of ordinary size is parsed whole (faster); a large one streamed (bounded memory)
                items = (parse(data, name, part).iterchildren(*tags("si")) if len(data) < 8 * 1024 * 1024
                         else iter_children(data, name, part, "sst", "si"))
                for item in items:
                    text = text_of(item)
                    if len(text) > LIMITS.string_chars:
                        raise UnreadableInput(name, "a shared string is longer than Excel allows",
                                              location=f"{part} item {len(self._shared)}",
                                              found=f"{len(text):,} characters",
                                              expected=f"at most {LIMITS.string_chars:,} (limit per string)")
                    self._shared.append(text)
                    if len(self._shared) > LIMITS.strings:
                        raise UnreadableInput(name, "the workbook holds more shared strings than the reader accepts",
                                              location=part, expected=f"at most {LIMITS.strings:,}")
        return self._shared

    def _rows(self, sheet: str) -> SheetRows | None:
        if sheet not in self._sheets:
            part = self.sheet_parts.get(sheet)
            if part is None:
                return None
            self._sheets[sheet] = SheetRows(self._package.read(part), str(self.path), part, self._wanted.get(sheet))
        return self._sheets[sheet]

    def _cell(self, ref: CellRef) -> Cell | None:
        rows = self._sheets.get(ref.sheet) or self._rows(ref.sheet)
        return None if rows is None else rows.cell(ref.cell, ref.row)

    def is_blank(self, ref: CellRef) -> bool:
        """True where the cell is absent or holds neither a value nor a formula: most input cells of a template
        (one look-up instead of raw() and formula())."""
        cell = self._cell(ref)
        return cell is None or (cell.value is None and cell.formula is None)

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.sheet_parts

    def raw(self, ref: CellRef) -> Any:
        """The cached value (str, float, bool, datetime, or an error text such as '#N/A'), or None where empty.

        A number Excel cannot store comes back as NonFinite (a float subclass) so that the caller can say so.
        A cell whose formula is a plain reference to another cell (`=Translations!$B$1444`, how the template fills
        its labels and code lists in the chosen language) and that was never calculated reads as that cell does:
        what Excel would show once calculated, found without calculating anything."""
        cell = self._cell(ref)
        if cell is None:
            return None
        if cell.value is None or (cell.value == "" and cell.type == "n"):  # never calculated (scripts write <v/>)
            target = self._referenced(ref) if cell.formula is not None else None
            if target is None or ref in self._following or len(self._following) >= _MAX_REFERENCE_CHAIN:
                return None
            self._following.add(ref)
            try:
                return self.raw(target)
            finally:
                self._following.discard(ref)
        typ, value = cell.type, cell.value
        if typ == "n":
            text = value.strip()
            if text == "":
                return None
            try:
                number = float(text)
            except ValueError:
                raise self._damaged(ref, f"the number {text[:30]!r}", "a number") from None
            return number if math.isfinite(number) else NonFinite(text)
        if typ == "s":
            strings = self._shared_strings()
            try:
                return strings[int(value)]
            except (ValueError, IndexError):
                raise self._damaged(ref, f"shared string index {value[:20]!r} of {len(strings)}",
                                    "an index into the shared strings") from None
        if typ == "b":
            return value.strip().lower() in ("1", "true")
        if typ == "d":
            try:
                return dt.datetime.fromisoformat(value.strip().rstrip("Z"))
            except ValueError:
                return value
        return value if value != "" else None

    def _referenced(self, ref: CellRef) -> CellRef | None:
        formula = self.formula(ref)
        if formula and formula[0][1:] in self.defined_names:  # =CONST_AllProdRoutes: a name for one cell
            formula = ("=" + self.defined_names[formula[0][1:]], False)
        m = _PLAIN_REFERENCE.fullmatch(formula[0]) if formula else None
        if m is None:
            return self.resolver(self, ref) if self.resolver is not None else None
        sheet = m["quoted"].replace("''", "'") if m["quoted"] else m["sheet"] or ref.sheet
        return CellRef(sheet, int(m["row"]), column_index(m["col"]))

    def _damaged(self, ref: CellRef, found: str, expected: str) -> UnreadableInput:
        return UnreadableInput(str(self.path), "a cell's value cannot be decoded; the file is damaged",
                               location=str(ref), found=found, expected=expected)

    def has_formula(self, ref: CellRef) -> bool:
        cell = self._cell(ref)
        return cell is not None and cell.formula is not None

    def formula(self, ref: CellRef) -> tuple[str, bool] | None:
        """(formula, has cached value) where the cell holds a formula."""
        cell = self._cell(ref)
        if cell is None or cell.formula is None:
            return None
        text = cell.formula
        if not text and cell.shared_index is not None:
            rows = self._rows(ref.sheet)
            master = rows.master(cell.shared_index) if rows is not None else None
            if master is not None:
                text = shift_formula(master[2], ref.row - master[0], ref.col - master[1])
        formula = "=" + text if text else "(formula)"
        return formula, bool(cell.value)

    def close(self) -> None:
        self._package.close()

