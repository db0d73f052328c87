"""Fill a copy of the blank official template from the canonical model.

Only unlocked input cells are written (checked against the blank's cell protection), values use the template's own
list strings, and the blank itself is never modified. The sheet XML is patched in place rather than round-tripped
through openpyxl, so every formula, validation, format and extension of the Commission's file survives unchanged.
Cached results of formulas are removed and the workbook is flagged for full recalculation on load: a filled copy
must never carry results that do not follow from its inputs.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from cbam_exchange.layouts import CellRef, FieldSpec, Layout, TableSpec
from cbam_exchange.model.submission import Submission
from cbam_exchange.readers.ec_template import check_structure, open_template_cells
from cbam_exchange.readers.xlsx_cells import WorkbookCells
from cbam_exchange.writers.atomic import atomic_output

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CELL_XF = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
_FORMULA_CACHE = re.compile(rb"(<f\b[^>]*?(?:/>|>[^<]*</f>))\s*<v\b[^>]*?(?:/>|>[^<]*</v>)")  # also <v xml:space=...>
_FORMULA_TYPE = re.compile(rb'(<c r="[A-Z]+[0-9]+"[^>]*?) t="[a-z]+"([^>]*)><f\b')
_TYPE_ATTR = re.compile(r'\s+t="[^"]*"')
_CALC_PR = re.compile(rb"<calcPr\b[^>]*/>")


class WriteError(Exception):
    """The model cannot be written into this template (a value has no cell, or a cell is locked)."""


class TemplateNotBlank(WriteError):
    """The workbook given as the blank already holds input values: writing into it would mix two installations."""


def _filled_inputs(cells: WorkbookCells, layout: Layout) -> list[tuple[CellRef, Any]]:
    """Input cells (outside the declared results) that already hold a value; the official blank has none."""
    refs = [spec.ref for spec in layout.fields if not spec.path.startswith("declared.")]
    for table in layout.tables:
        if not table.path.startswith("declared."):
            refs += [ref for n in range(1, table.count + 1) for spec in table.fields for ref in spec.cells_for(n)]
    return [(ref, value) for ref in refs if (value := cells.raw(ref)) not in (None, "")]


def _unlocked_styles(styles_xml: bytes) -> set[int]:
    block = _CELL_XF.search(styles_xml)
    if not block:
        return set()
    return {i for i, xf in enumerate(_XF.findall(block.group(1))) if b'locked="0"' in xf}


def _getter(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _item_number(table: TableSpec, item: Any) -> int:
    wanted = getattr(item, table.id_field)
    for n in range(1, table.count + 1):
        if table.item_id(n) == wanted:
            return n
    raise WriteError(f"{table.path}: {table.id_field} {wanted!r} has no place in the template "
                     f"(it holds {table.count} rows)")


class _Assignments:
    def __init__(self, official_lists: dict[str, str]) -> None:
        self.cells: dict[CellRef, Any] = {}
        self.official = official_lists

    def put(self, ref: CellRef, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str):
            value = self.official.get(value.strip().casefold(), value)
        self.cells[ref] = value


def _assign_field(out: _Assignments, table: TableSpec, spec: FieldSpec, n: int, item: Any) -> None:
    cells = spec.cells_for(n)
    value = _getter(item, spec.path)
    if spec.across:
        for ref, v in zip(cells, value or []):
            out.put(ref, v)
    elif spec.down:
        for entry in value or []:
            if spec.item == "route":
                k = entry.route_index
            else:
                k = int(entry.process.lstrip("P"))
                if spec.item == "other_process":
                    if k == n:
                        raise WriteError(f"{table.path} {n}: a process cannot consume its own output ({entry})")
                    k = k if k < n else k - 1
            if not 1 <= k <= len(cells):
                raise WriteError(f"{table.path} {n}.{spec.path}: position {k} outside 1..{len(cells)}")
            out.put(cells[k - 1], entry.amount)
    else:
        out.put(cells[0], value)


def assignments_for(submission: Submission, layout: Layout, official_lists: dict[str, str]) -> dict[CellRef, Any]:
    """Every input cell the model fills, with its value."""
    out = _Assignments(official_lists)
    for spec in layout.fields:
        if not spec.path.startswith("declared."):
            out.put(spec.ref, _getter(submission, spec.path))
    for table in layout.tables:
        if table.path.startswith("declared."):
            continue
        for item in _getter(submission, table.path) or []:
            n = _item_number(table, item)
            for spec in table.fields:
                _assign_field(out, table, spec, n, item)
    return out.cells


def _xml_value(value: Any) -> tuple[str, str]:
    """(type attribute, inner XML) of a cell holding `value`."""
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, (int, float)):
        return "", f"<v>{value!r}</v>"
    if isinstance(value, dt.date):
        return "", f"<v>{(value - _EXCEL_EPOCH).days}</v>"
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return ' t="inlineStr"', f"<is><t{space}>{text}</t></is>"


_CELL_TEXT_MAX = 32_767  # characters in one cell, Excel's limit (and the reader's)
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _check_text(ref: CellRef, text: str) -> None:
    """Refuse text no workbook can carry: the file written would be refused by Excel and by the reader."""
    if len(text) > _CELL_TEXT_MAX:
        raise WriteError(f"{ref}: the text has {len(text):,} characters; a cell holds at most {_CELL_TEXT_MAX:,}")
    bad = _NOT_XML.search(text)
    if bad:
        raise WriteError(f"{ref}: the text holds the control character U+{ord(bad.group()):04X}, which a workbook "
                         "cannot carry; remove it")


def _patch_sheet(xml: bytes, values: dict[CellRef, Any], unlocked: set[int], drop_results: bool) -> bytes:
    if values:
        wanted = {ref.cell: (ref, value) for ref, value in values.items()}
        seen: set[str] = set()
        names = b"|".join(re.escape(c.encode()) for c in sorted(wanted, key=len, reverse=True))
        pattern = re.compile(rb'<c r="(' + names + rb')"([^>]*?)(?:/>|>.*?</c>)', re.S)

        def replace(m: re.Match[bytes]) -> bytes:
            ref, value = wanted[m.group(1).decode()]
            attrs = m.group(2).decode()
            style = re.search(r'\bs="(\d+)"', attrs)
            if not style or int(style.group(1)) not in unlocked:
                raise WriteError(f"{ref}: the cell is locked in the template; only input cells may be written")
            seen.add(ref.cell)
            if isinstance(value, str):
                _check_text(ref, value)
            typ, inner = _xml_value(value)
            attrs = _TYPE_ATTR.sub("", attrs)
            return f'<c r="{ref.cell}"{attrs}{typ}>{inner}</c>'.encode()

        xml = pattern.sub(replace, xml)
        missing = sorted(set(wanted) - seen)
        if missing:
            ref = wanted[missing[0]][0]
            raise WriteError(f"{ref}: the cell is absent from the blank template (not an input cell)")
    if not drop_results:
        return xml
    xml = _FORMULA_TYPE.sub(rb"\1\2><f", xml)
    return _FORMULA_CACHE.sub(rb"\1", xml)


def _official_lists(cells: WorkbookCells, layout: Layout) -> dict[str, str]:
    """Casefolded value -> the template's exact list string (e.g. 'calcined clays' -> 'Calcined clays ')."""
    lists: dict[str, str] = {}
    for cell_range in layout.list_ranges:
        for ref in cell_range.cells():
            raw = cells.raw(ref)
            if isinstance(raw, str) and raw.strip() and raw != "n.a.":
                lists.setdefault(raw.strip().casefold(), raw)
    return lists


def write_ec_template(submission: Submission, blank: Path, output: Path) -> Layout:
    """Write `submission` into a copy of `blank` at `output`; returns the layout used."""
    cells = open_template_cells(blank)
    try:
        layout = check_structure(cells, str(blank))
        filled = _filled_inputs(cells, layout)
        if filled:
            ref, value = filled[0]
            raise TemplateNotBlank(f"{len(filled)} input cell(s) already hold values (first {ref}: {value!r}); "
                                   "writing into a filled workbook would mix two installations")
        official = _official_lists(cells, layout)
        if submission.installation.country is None and submission.installation.country_code:
            names = {cells.raw(v): cells.raw(k) for k, v in zip(layout.lookups["country_code"]["keys"].cells(),
                                                               layout.lookups["country_code"]["values"].cells())}
            submission = copy.deepcopy(submission)
            submission.installation.country = names.get(submission.installation.country_code)
        parts = cells.sheet_parts
    finally:
        cells.close()
    values = assignments_for(submission, layout, official)
    by_sheet: dict[str, dict[CellRef, Any]] = defaultdict(dict)
    for ref, value in values.items():
        by_sheet[ref.sheet][ref] = value
    with zipfile.ZipFile(blank) as zin:
        unlocked = _unlocked_styles(zin.read("xl/styles.xml"))
        sheet_of_part = {part: name for name, part in parts.items()}
        with atomic_output(output) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename in sheet_of_part:
                    sheet = sheet_of_part[info.filename]
                    data = _patch_sheet(data, by_sheet.get(sheet, {}), unlocked, sheet in layout.result_sheets)
                elif info.filename == "xl/workbook.xml":
                    data = _CALC_PR.sub(b'<calcPr calcId="191029" fullCalcOnLoad="1"/>', data, count=1)
                zout.writestr(info, data)
    return layout
