"""Reader for the Commission's "Communication template for installations" (every version with a layout).

The reader only reads: it converts cells into the canonical model, remembers each value's cell, records what it
could not read as notes, and keeps the workbook's own results apart under `declared`. It never calculates.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef, FieldSpec, Layout, TableSpec, known_layouts
from cbam_exchange.model.submission import Submission
from cbam_exchange.readers.cell_types import CONVERTERS, EPOCH_1904, to_date
from cbam_exchange.readers.xlsx_cells import NonFinite, WorkbookCells

_VERSION_SHEET = "0_Versions"
_INDEX = re.compile(r"\[(\d+)\]")


def detect_version(cells: WorkbookCells, layout: Layout) -> str | None:
    """The template version: the last non-empty cell of the version column."""
    found = None
    for ref in layout.version_cells.cells():
        raw = cells.raw(ref)
        if raw is not None:
            found = f"{raw:g}" if isinstance(raw, float) else str(raw).strip()
    return found


def _set(data: dict, path: str, value: Any) -> None:
    """Set `value` at a dotted path with [i] list indices, creating containers on the way."""
    tokens: list[str | int] = []
    for part in path.split("."):
        name = _INDEX.split(part)
        tokens.append(name[0])
        tokens.extend(int(x) for x in name[1::2])
    node: Any = data
    for tok, nxt in zip(tokens, tokens[1:]):
        if isinstance(tok, int):
            while len(node) <= tok:
                node.append({} if not isinstance(nxt, int) else [])
            node = node[tok]
        else:
            node = node.setdefault(tok, [] if isinstance(nxt, int) else {})
    last = tokens[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


class _Reading:
    """State of one read: the data dict, its sources and notes."""

    def __init__(self, cells: WorkbookCells, layout: Layout, name: str) -> None:
        self.cells = cells
        self.layout = layout
        self.name = name
        self.sources: dict[str, dict] = {}
        self.notes: list[dict] = []
        self.messages: dict[str, str] = {}

    def note(self, code: str, path: str, ref: CellRef, message: str, found: Any = None) -> None:
        self.notes.append({"code": code, "path": path, "sheet": ref.sheet, "cell": ref.cell, "message": message,
                           "found": None if found is None else str(found)})

    def convert(self, raw: Any, typ: str) -> tuple[Any, str | None]:
        """The model's value of a cached value; dates in the workbook's own date system."""
        if isinstance(raw, NonFinite):
            return None, f"the number '{raw.text}' is not finite (Excel cannot hold it)"
        if typ == "date" and self.cells.date1904:
            return to_date(raw, EPOCH_1904)
        return CONVERTERS[typ](raw)

    def input_value(self, ref: CellRef, typ: str, path: str) -> tuple[Any, bool]:
        """(value, cell is used) for an input cell; records source and notes."""
        if self.cells.is_blank(ref):
            return None, False
        raw = self.cells.raw(ref)
        formula = self.cells.formula(ref)
        if raw is None and formula is None:
            return None, False
        source = {"sheet": ref.sheet, "cell": ref.cell}
        if formula is not None:
            source["formula"] = formula[0]
            if raw is None and not formula[1]:
                self.note("READ-FORMULA", path, ref,
                          f"input cell holds the formula {formula[0]} and no calculated value; it could not be "
                          "evaluated by the reader", found=formula[0])
                self.sources[path] = source
                return None, True
        value, problem = self.convert(raw, typ)
        if problem:
            code = "READ-TEXT-AS-VALUE" if value is not None else "READ-TYPE"
            self.note(code, path, ref, problem, found=raw.text if isinstance(raw, NonFinite) else raw)
        self.sources[path] = source
        return value, True

    def declared_value(self, ref: CellRef, typ: str, path: str) -> Any:
        raw = self.cells.raw(ref)
        if raw is None:
            return None
        if typ == "number" and isinstance(raw, str):
            # the template's own messages (#N/A, n.a., Incomplete!) are not input errors: keep them as messages
            self.messages[path] = raw
            self.sources[path] = {"sheet": ref.sheet, "cell": ref.cell}
            return None
        value, problem = self.convert(raw, typ)
        if isinstance(raw, NonFinite):
            self.note("READ-TYPE", path, ref, problem or "", found=raw.text)
        if value is not None:
            self.sources[path] = {"sheet": ref.sheet, "cell": ref.cell}
        return value


def _route_names(reading: _Reading) -> dict[str, list[str]]:
    spec = reading.layout.lookups.get("routes")
    if not spec:
        return {}
    keys = [reading.cells.raw(r) for r in spec["keys"].cells()]
    rows = spec["matrix"].rows()
    return {k: [reading.cells.raw(c) for c in row] for k, row in zip(keys, rows) if isinstance(k, str)}


def _read_field_item(reading: _Reading, table: TableSpec, spec: FieldSpec, n: int, item: dict, prefix: str,
                     routes: dict[str, list[str]]) -> bool:
    """Read one field of table item n into `item`; True where any of its cells held something."""
    declared = table.path.startswith("declared.")
    cells = spec.cells_for(n)
    if declared:
        path = f"{prefix}.{spec.path}"
        value = reading.declared_value(cells[0], spec.type, path)
        if value is not None:
            _set(item, spec.path, value)
        return value is not None or path in reading.messages
    if not spec.across and not spec.down:
        value, used = reading.input_value(cells[0], spec.type, f"{prefix}.{spec.path}")
        if used:
            _set(item, spec.path, value)
        return used
    if spec.across:
        values = []
        any_used = False
        for k, ref in enumerate(cells):
            value, used = reading.input_value(ref, spec.type, f"{prefix}.{spec.path}[{k}]")
            values.append(value)
            any_used |= used
        while values and values[-1] is None:
            values.pop()
        if values:
            item[spec.path] = values
        return any_used
    entries = []
    for k, ref in enumerate(cells, start=1):
        path = f"{prefix}.{spec.path}[{len(entries)}]"
        value, used = reading.input_value(ref, spec.type, path + ".amount")
        if not used:
            continue
        if spec.item == "route":
            entry: dict[str, Any] = {"route_index": k, "amount": value}
            category = item.get(table.route_category or "")
            names = routes.get(category) if isinstance(category, str) else None
            if names and k <= len(names) and names[k - 1] not in (None, "n.a."):
                entry["route"] = names[k - 1]
        elif spec.item == "process":
            entry = {"process": f"P{k}", "amount": value}
        elif spec.item == "other_process":
            entry = {"process": f"P{k if k < n else k + 1}", "amount": value}
        else:
            raise ValueError(f"layout {reading.layout.source}: unknown item kind {spec.item!r}")
        entries.append(entry)
    if entries:
        item[spec.path] = entries
    return bool(entries)


def _read_table(reading: _Reading, table: TableSpec, data: dict, routes: dict[str, list[str]]) -> None:
    items: list[dict] = []
    # route names depend on the category, so fields are read in layout order (category first)
    for n in range(1, table.count + 1):
        prefix = f"{table.path}[{len(items)}]"
        item: dict[str, Any] = {table.id_field: table.item_id(n)}
        sources_before, messages_before = len(reading.sources), len(reading.messages)
        notes_before = len(reading.notes)
        used = False
        for spec in table.fields:
            used |= _read_field_item(reading, table, spec, n, item, prefix, routes)
        if used:
            items.append(item)
        else:  # an empty row leaves no trace (dicts keep insertion order: drop what this row added)
            for key in list(reading.sources)[sources_before:]:
                del reading.sources[key]
            for key in list(reading.messages)[messages_before:]:
                del reading.messages[key]
            del reading.notes[notes_before:]
    if items:
        _set(data, table.path, items)


def _missing_sheets(cells: WorkbookCells, name: str, missing: list[str], what: str) -> None:
    known = {s for layout in known_layouts().values() for s in layout.required_sheets + layout.other_sheets}
    others = [s for s in cells.sheet_names if s not in known]
    hint = (f"; the workbook has another sheet {', '.join(repr(s) for s in others[:4])}: was it renamed?"
            if others else "")
    raise UnreadableInput(name, f"required sheet(s) missing from {what}",
                          found=", ".join(missing) + " absent" + hint,
                          expected="every sheet of the official template under its own name")


def check_structure(cells: WorkbookCells, name: str) -> Layout:
    """The layout of this workbook, or UnreadableInput naming what differs from every known layout."""
    layouts = known_layouts()
    any_layout = next(iter(layouts.values()))
    if not cells.has_sheet(_VERSION_SHEET):
        missing = [s for s in any_layout.required_sheets if not cells.has_sheet(s)]
        if len(missing) * 2 < len(any_layout.required_sheets):  # most sheets there: one renamed or deleted
            _missing_sheets(cells, name, [_VERSION_SHEET] + missing, "a template")
        raise UnreadableInput(
            name, "not a CBAM communication template: sheets are missing",
            found=f"sheets {', '.join(cells.sheet_names[:8])}{'…' if len(cells.sheet_names) > 8 else ''}",
            expected=f"the template's sheets, including {', '.join(missing[:6])}")
    version = detect_version(cells, any_layout)
    if version not in layouts:
        raise UnreadableInput(
            name, "unsupported template version", location=f"{_VERSION_SHEET}!{any_layout.version_cells.first.cell}:"
            f"{any_layout.version_cells.last.cell}", found=repr(version),
            expected=f"one of {', '.join(sorted(layouts))}")
    layout = layouts[version]
    missing = [s for s in layout.required_sheets if not cells.has_sheet(s)]
    if missing:
        _missing_sheets(cells, name, missing, f"a version {version} template")
    for anchor in layout.anchors:
        text = cells.raw(anchor.ref)
        if text is None and cells.has_formula(anchor.ref):
            continue  # label formula never calculated: nothing to compare
        if not isinstance(text, str) or text.strip() != anchor.text.strip():
            raise UnreadableInput(
                name, f"the workbook says it is template version {version} but its layout differs",
                location=str(anchor.ref), found=repr(text), expected=repr(anchor.text))
    return layout


def open_template_cells(path: Path) -> WorkbookCells:
    """Open `path` reading every sheet any known layout needs, only the cells it needs; labels and code lists of a
    workbook never calculated are read through the template's language switch."""
    cells = WorkbookCells(path, cells_needed())
    cells.resolver = _translated
    return cells


def _translated(cells: WorkbookCells, ref: CellRef) -> CellRef | None:
    translations = next((t for t in (lay.translations for lay in known_layouts().values()) if t), None)
    return translations.source(ref, cells.raw(translations.language_index)) if translations else None


@cache
def cells_needed() -> dict[str, dict[int, frozenset[int]]]:
    """Sheet -> row -> columns that any known layout reads."""
    cells: dict[str, dict[int, set[int]]] = {}
    for layout in known_layouts().values():
        for sheet, rows in layout.sheet_cells().items():
            for row, cols in rows.items():
                cells.setdefault(sheet, {}).setdefault(row, set()).update(cols)
    return {sheet: {row: frozenset(cols) for row, cols in rows.items()} for sheet, rows in cells.items()}


def read_ec_template(path: Path) -> Submission:
    name = str(path)
    cells = open_template_cells(path)
    try:
        layout = check_structure(cells, name)
        reading = _Reading(cells, layout, name)
        data: dict[str, Any] = {"source": {"format": "ec-template", "template_version": layout.version,
                                           "file_name": path.name}}
        for spec in layout.fields:
            if spec.path.startswith("declared."):
                continue
            value, used = reading.input_value(spec.ref, spec.type, spec.path)
            if used and value is not None:
                _set(data, spec.path, value)
        routes = _route_names(reading)
        for table in layout.tables:
            if not table.path.startswith("declared."):
                _read_table(reading, table, data, routes)
        _read_derived(reading, data)
        if not reading.sources:
            raise UnreadableInput(name, "nothing filled in: the template is blank",
                                  expected="a template with the installation's data entered")
        macros = cells.macros
        if macros:
            reading.notes.append({"code": "READ-MACROS", "path": "source", "message":
                                  f"the workbook carries macros ({macros}); they were ignored and never run"})
        data["declared"] = _read_declared(reading, layout)
        _note_constants_in_result_cells(reading, layout, data["declared"])
        data["sources"] = reading.sources
        data["notes"] = reading.notes
        return Submission.from_dict(data)
    finally:
        cells.close()


def _lookup_value(data: dict, path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _read_derived(reading: _Reading, data: dict) -> None:
    for path, (lookup, key_path) in reading.layout.derived.items():
        key = _lookup_value(data, key_path)
        if key is None:
            continue
        spec = reading.layout.lookups[lookup]
        keys = [reading.cells.raw(r) for r in spec["keys"].cells()]
        values = [reading.cells.raw(r) for r in spec["values"].cells()]
        table = {k.strip(): v for k, v in zip(keys, values) if isinstance(k, str)}
        source = reading.sources.get(key_path)
        if key.strip() in table:
            _set(data, path, table[key.strip()])
            if source:
                reading.sources[path] = source
        elif source:
            ref = CellRef(source["sheet"], *_row_col(source["cell"]))
            reading.note("READ-LOOKUP", key_path, ref, f"'{key}' is not in the template's list", found=key)


def _row_col(cell: str) -> tuple[int, int]:
    ref = CellRef.parse(f"x!{cell}")
    return ref.row, ref.col


def _note_constants_in_result_cells(reading: _Reading, layout: Layout, declared: dict) -> None:
    """A result cell holding a constant instead of the template's formula (a pasted SEE, say)."""
    def check(ref: CellRef, path: str) -> None:
        raw = reading.cells.raw(ref)
        if raw is not None and not reading.cells.has_formula(ref):
            reading.note("READ-CONSTANT", path, ref, "a result cell holds a constant instead of its formula",
                         found=raw)

    for spec in layout.fields:
        if spec.path.startswith("declared."):
            check(spec.ref, spec.path)
    for table in layout.tables:
        if not table.path.startswith("declared."):
            continue
        items = declared.get(table.path.split(".", 1)[1], [])
        for n in range(1, table.count + 1):
            item_id = table.item_id(n)
            index = next((k for k, item in enumerate(items) if item.get(table.id_field) == item_id), n - 1)
            for spec in table.fields:
                check(spec.cells_for(n)[0], f"{table.path}[{index}].{spec.path}")


def _read_declared(reading: _Reading, layout: Layout) -> dict:
    if reading.cells.has_formula(layout.calculated_probe) and reading.cells.raw(layout.calculated_probe) is None:
        return {"available": False,
                "note": "the workbook carries no calculated values (it was saved by a program that does not "
                        "calculate, or never recalculated): the results it declares are absent"}
    declared: dict[str, Any] = {"available": True}
    for spec in layout.fields:
        if spec.path.startswith("declared."):
            value = reading.declared_value(spec.ref, spec.type, spec.path)
            if value is not None:
                _set({"declared": declared}, spec.path, value)
    for table in layout.tables:
        if table.path.startswith("declared."):
            _read_table(reading, table, {"declared": declared}, {})
    declared["messages"] = {p: m for p, m in reading.messages.items()}
    return declared
