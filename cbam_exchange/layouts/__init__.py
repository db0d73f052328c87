"""Layouts of the Commission's template: which model path lives in which cell, per template version.

A layout is data (a TOML file beside this module). A version that differs from another by moved columns is declared
with `extends` and `[[shift]]`, so a new template version is a new file, not a new code path.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_REF = re.compile(r"^(?P<sheet>[^!]+)!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def col_to_index(col: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in col:
        n = n * 26 + (ord(ch) - 64)
    return n


@cache
def index_to_col(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True, order=True)
class CellRef:
    sheet: str
    row: int
    col: int

    @classmethod
    def parse(cls, text: str) -> CellRef:
        m = _REF.match(text)
        if not m:
            raise ValueError(f"not a cell reference: {text!r}")
        return cls(m["sheet"], int(m["row"]), col_to_index(m["col"]))

    @cached_property
    def cell(self) -> str:
        return f"{index_to_col(self.col)}{self.row}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"

    def offset(self, rows: int = 0, cols: int = 0) -> CellRef:
        return CellRef(self.sheet, self.row + rows, self.col + cols)


@dataclass(frozen=True)
class CellRange:
    first: CellRef
    last: CellRef

    @classmethod
    def parse(cls, text: str) -> CellRange:
        sheet, span = text.split("!", 1)
        a, b = span.split(":")
        return cls(CellRef.parse(f"{sheet}!{a}"), CellRef.parse(f"{sheet}!{b}"))

    def cells(self) -> tuple[CellRef, ...]:
        """Row by row; made once per process (every workbook read asks for the same ranges)."""
        return tuple(ref for row in self.rows() for ref in row)

    def rows(self) -> tuple[tuple[CellRef, ...], ...]:
        return self._rows

    @cached_property
    def _rows(self) -> tuple[tuple[CellRef, ...], ...]:
        return tuple(tuple(CellRef(self.first.sheet, r, c) for c in range(self.first.col, self.last.col + 1))
                     for r in range(self.first.row, self.last.row + 1))


@dataclass(frozen=True)
class FieldSpec:
    """One model field: `path` relative to its table item (or absolute outside tables)."""

    path: str
    ref: CellRef
    type: str = "text"
    step: int = 0
    across: int = 0
    down: int = 0
    item: str | None = None

    def cells_for(self, n: int) -> tuple[CellRef, ...]:
        """The cells of this field in the n-th (1-based) table item; made once per process, since every workbook
        read asks for the same ones (and each CellRef keeps its cell name once computed)."""
        cells = self._cells.get(n)
        if cells is None:
            base = self.ref.offset(rows=self.step * (n - 1))
            if self.across:
                cells = tuple(base.offset(cols=k) for k in range(self.across))
            elif self.down:
                cells = tuple(base.offset(rows=k) for k in range(self.down))
            else:
                cells = (base,)
            self._cells[n] = cells
        return cells

    @cached_property
    def _cells(self) -> dict[int, tuple[CellRef, ...]]:
        return {}


@dataclass(frozen=True)
class TableSpec:
    path: str
    count: int
    id: str | list[str]
    id_field: str
    fields: tuple[FieldSpec, ...]
    route_category: str | None = None

    def item_id(self, n: int) -> str | int:
        if isinstance(self.id, list):
            return self.id[n - 1]
        if self.id == "{row}":
            return self.fields[0].cells_for(n)[0].row
        if self.id == "{n}":
            return n
        return self.id.format(n=n)


@dataclass(frozen=True)
class Anchor:
    ref: CellRef
    text: str


@dataclass(frozen=True)
class Translations:
    """The template's language switch: column `shown` of `sheet` shows each row in the language whose index is in
    `language_index` (counted from `first` + 2, as the template's INDEX(...,$A$3-2)), else column `first`."""

    sheet: str
    shown: int
    language_index: CellRef
    first: int
    last: int

    def source(self, ref: CellRef, index: object) -> CellRef | None:
        """The cell that `ref` (a cell of the shown column) displays, given the language index found."""
        if ref.sheet != self.sheet or ref.col != self.shown:
            return None
        offset = int(index) - 2 if isinstance(index, float) and index.is_integer() else 0
        col = self.first + offset - 1 if 1 <= offset <= self.last - self.first + 1 else self.first
        return CellRef(self.sheet, ref.row, col)


def _translations(raw: dict | None) -> Translations | None:
    if not raw:
        return None
    sheet, shown = raw["shown"].split("!")
    first, last = raw["languages"].split("!")[1].split(":")
    return Translations(sheet, col_to_index(shown), CellRef.parse(raw["language_index"]), col_to_index(first),
                        col_to_index(last))


@dataclass(frozen=True)
class Layout:
    version: str
    released: str
    version_cells: CellRange
    calculated_probe: CellRef
    required_sheets: tuple[str, ...]
    other_sheets: tuple[str, ...]
    result_sheets: tuple[str, ...]
    list_ranges: tuple[CellRange, ...]
    computed_rows: dict[CellRef, tuple[str, int | None]]
    anchors: tuple[Anchor, ...]
    lookups: dict[str, dict[str, CellRange]]
    fields: tuple[FieldSpec, ...]
    derived: dict[str, tuple[str, str]]
    tables: tuple[TableSpec, ...]
    computed: dict[CellRef, str] = field(default_factory=dict)
    translations: Translations | None = None
    source: str = field(default="", compare=False)

    def computed_cell(self, ref: CellRef) -> tuple[str, int | None] | None:
        """(result path, row index or None) where the template computes `ref` and the toolkit recomputes it."""
        return self._computed_index().get(ref)

    def _computed_index(self) -> dict[CellRef, tuple[str, int | None]]:
        return {ref: (path, None) for ref, path in self.computed.items()} | self.computed_rows

    def sheet_cells(self) -> dict[str, dict[int, set[int]]]:
        """Each sheet the layout touches, with the rows and, per row, the columns it reads (the reader parses
        only those). Computed from numbers, not CellRefs: every command that reads a workbook starts here."""
        cells: dict[str, dict[int, set[int]]] = {}

        def add(sheet: str, row: int, col: int) -> None:
            cells.setdefault(sheet, {}).setdefault(row, set()).add(col)

        refs = [f.ref for f in self.fields] + [a.ref for a in self.anchors] + [self.calculated_probe]
        ranges = [self.version_cells, *self.list_ranges, *(r for lk in self.lookups.values() for r in lk.values())]
        for ref in refs:
            add(ref.sheet, ref.row, ref.col)
        for rng in ranges:
            for row in range(rng.first.row, rng.last.row + 1):
                cols = cells.setdefault(rng.first.sheet, {}).setdefault(row, set())
                cols.update(range(rng.first.col, rng.last.col + 1))
        for table in self.tables:
            for f in table.fields:
                sheet_rows = cells.setdefault(f.ref.sheet, {})
                for n in range(table.count):
                    row = f.ref.row + f.step * n
                    if f.across:
                        sheet_rows.setdefault(row, set()).update(range(f.ref.col, f.ref.col + f.across))
                    else:
                        for k in range(max(f.down, 1)):
                            sheet_rows.setdefault(row + k, set()).add(f.ref.col)
        return cells


def _field(path: str, spec: dict) -> FieldSpec:
    return FieldSpec(path=path, ref=CellRef.parse(spec["cell"]), type=spec.get("type", "text"),
                     step=spec.get("step", 0), across=spec.get("across", 0), down=spec.get("down", 0),
                     item=spec.get("item"))


def _computed_rows(raw: dict) -> dict[CellRef, tuple[str, int | None]]:
    out: dict[CellRef, tuple[str, int | None]] = {}
    for cell, spec in raw.items():
        first = CellRef.parse(cell)
        for k in range(spec["count"]):
            out[first.offset(rows=k)] = (f"{spec['results']}.{spec['field']}", first.row + k)
    return out


def _shifted(ref: CellRef, shifts: list[dict]) -> CellRef:
    for s in shifts:
        if ref.sheet == s["sheet"] and ref.col >= col_to_index(s["from_column"]):
            ref = ref.offset(cols=s["delta"])
    return ref


def _from_raw(raw: dict, parent: Layout | None, source: str) -> Layout:
    tpl = raw["template"]
    if parent is None:
        fields = tuple(_field(p, s) for p, s in raw.get("fields", {}).items())
        tables = tuple(
            TableSpec(path=t["path"], count=t["count"], id=t["id"], id_field=t.get("id_field", "id"),
                      route_category=t.get("route_category"),
                      fields=tuple(_field(p, s) for p, s in t["fields"].items()))
            for t in raw.get("table", []))
        anchors = tuple(Anchor(CellRef.parse(a["cell"]), a["text"]) for a in raw.get("anchor", []))
        return Layout(
            version=tpl["version"], released=tpl["released"],
            version_cells=CellRange.parse(tpl["version_cells"]),
            calculated_probe=CellRef.parse(tpl["calculated_probe"]),
            required_sheets=tuple(tpl["required_sheets"]), other_sheets=tuple(tpl.get("other_sheets", ())),
            result_sheets=tuple(tpl["result_sheets"]),
            list_ranges=tuple(CellRange.parse(r) for r in tpl["list_ranges"]), anchors=anchors,
            lookups={k: {kk: CellRange.parse(vv) for kk, vv in v.items()} for k, v in raw.get("lookup", {}).items()},
            fields=fields, derived={k: tuple(v) for k, v in raw.get("derived", {}).items()}, tables=tables,
            computed={CellRef.parse(k): v for k, v in raw.get("computed", {}).items()},
            computed_rows=_computed_rows(raw.get("computed_rows", {})),
            translations=_translations(raw.get("translations")), source=source)
    shifts = raw.get("shift", [])
    drop = raw.get("drop", {})
    dropped = set(drop.get("fields", []))
    fields = tuple(replace(f, ref=_shifted(f.ref, shifts)) for f in parent.fields if f.path not in dropped)
    tables = tuple(
        replace(t, fields=tuple(replace(f, ref=_shifted(f.ref, shifts)) for f in t.fields
                                if f"{t.path}.{f.path}" not in dropped))
        for t in parent.tables)
    kept = [Anchor(_shifted(a.ref, shifts), a.text) for a in parent.anchors if str(a.ref) not in drop.get("anchors", [])]
    kept += [Anchor(CellRef.parse(a["cell"]), a["text"]) for a in raw.get("anchor", [])]
    return replace(parent, version=tpl["version"], released=tpl["released"], fields=fields, tables=tables,
                   anchors=tuple(kept), source=source)


@cache
def known_layouts() -> dict[str, Layout]:
    """Every layout shipped with the toolkit, by template version."""
    raws = {}
    for path in sorted(_HERE.glob("ec-template-*.toml")):
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        raws[raw["template"]["version"]] = (raw, path.name)
    built: dict[str, Layout] = {}

    def build(version: str) -> Layout:
        if version not in built:
            raw, name = raws[version]
            parent_version = raw["template"].get("extends")
            parent = build(parent_version) if parent_version else None
            built[version] = _from_raw(raw, parent, name)
        return built[version]

    for version in raws:
        build(version)
    return built


def expected_cell(submission: object, path: str) -> CellRef | None:
    """The cell where the template keeps the value at `path` (also when it is empty), for a workbook source."""
    from cbam_exchange.model.paths import get_path, tokens

    layout = known_layouts().get(getattr(getattr(submission, "source", None), "template_version", None) or "")
    if layout is None:
        return None
    for spec in layout.fields:
        if spec.path == path:
            return spec.ref
    toks = tokens(path)
    for table in layout.tables:
        head = tokens(table.path)
        if toks[:len(head)] != head or len(toks) <= len(head) + 1 or not isinstance(toks[len(head)], int):
            continue
        item = get_path(submission, f"{table.path}[{toks[len(head)]}]")
        if item is None:
            return None
        n = next((n for n in range(1, table.count + 1) if table.item_id(n) == getattr(item, table.id_field)), None)
        rest = toks[len(head) + 1:]
        for spec in table.fields:
            field_toks = tokens(spec.path)
            if rest[:len(field_toks)] != field_toks or n is None:
                continue
            cells = spec.cells_for(n)
            extra = rest[len(field_toks):]
            if not extra:
                return cells[0]
            if spec.across and isinstance(extra[0], int) and extra[0] < len(cells):
                return cells[extra[0]]
            if spec.down and isinstance(extra[0], int):
                entry = get_path(item, f"{spec.path}[{extra[0]}]")
                k = getattr(entry, "route_index", None)
                if k is None and entry is not None:
                    m = int(entry.process.lstrip("P"))
                    k = m if spec.item != "other_process" or m < n else m - 1
                return cells[k - 1] if k and 1 <= k <= len(cells) else None
    return None
