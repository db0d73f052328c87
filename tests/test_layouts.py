"""The declared layouts against the Commission's blank itself: every input cell they name is an unlocked cell of the
blank, every unlocked cell is either read or knowingly left out, and 2.1 differs from 2.1.1 only by the column that
2.1.1 inserted in Summary_Communication."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from cbam_exchange.layouts import CellRef, col_to_index, index_to_col, known_layouts
from cbam_exchange.readers.xlsx_cells import WorkbookCells

# unlocked cells of the blank the reader deliberately does not read, with the reason
NOT_READ = {
    "F_Tools": "CHP tool (J21:L21, J26:K26, J41:K41 and the second copy): a helper to derive heat and electricity "
               "emission factors, whose results the supplier copies into D_Processes, where they are read",
    "Translations": "the language selector A3 chooses the label language; it carries no data",
}


def _unlocked_cells(blank: Path) -> dict[str, set[str]]:
    """Sheet -> unlocked cells, read from the blank's own XML (independently of the toolkit's writer)."""
    cells = WorkbookCells(blank, {})
    parts = cells.sheet_parts
    cells.close()
    out: dict[str, set[str]] = {}
    with zipfile.ZipFile(blank) as z:
        styles = z.read("xl/styles.xml")
        xfs = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
        unlocked = {i for i, xf in enumerate(re.findall(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", xfs, re.S))
                    if b'locked="0"' in xf}
        for sheet, part in parts.items():
            xml = z.read(part)
            merged_tails = set()
            for a, b in re.findall(rb'<mergeCell ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"/>', xml):
                first, last = CellRef.parse(f"x!{a.decode()}"), CellRef.parse(f"x!{b.decode()}")
                for r in range(first.row, last.row + 1):
                    for c in range(first.col, last.col + 1):
                        if (r, c) != (first.row, first.col):
                            merged_tails.add(f"{index_to_col(c)}{r}")
            found = {ref.decode() for ref, s in re.findall(rb'<c r="([A-Z]+[0-9]+)"[^>]*?\bs="(\d+)"', xml)
                     if int(s) in unlocked}
            found -= merged_tails
            if found:
                out[sheet] = found
    return out


def _layout_input_cells(version: str) -> dict[str, set[str]]:
    layout = known_layouts()[version]
    out: dict[str, set[str]] = {}
    for spec in layout.fields:
        if not spec.path.startswith("declared."):
            out.setdefault(spec.ref.sheet, set()).add(spec.ref.cell)
    for table in layout.tables:
        if table.path.startswith("declared."):
            continue
        for n in range(1, table.count + 1):
            for spec in table.fields:
                for ref in spec.cells_for(n):
                    out.setdefault(ref.sheet, set()).add(ref.cell)
    return out


@pytest.fixture(scope="module")
def unlocked(blank: Path) -> dict[str, set[str]]:
    return _unlocked_cells(blank)


def test_every_layout_input_cell_is_an_unlocked_cell_of_the_blank(unlocked: dict[str, set[str]]) -> None:
    for sheet, cells in _layout_input_cells("2.1.1").items():
        locked = sorted(cells - unlocked.get(sheet, set()), key=lambda c: CellRef.parse(f"x!{c}"))
        assert not locked, f"{sheet}: layout reads locked (non-input) cells {locked[:10]}"


def test_every_unlocked_cell_of_the_blank_is_read_or_knowingly_left_out(unlocked: dict[str, set[str]]) -> None:
    read = _layout_input_cells("2.1.1")
    for sheet, cells in unlocked.items():
        if sheet in NOT_READ:
            continue
        missing = sorted(cells - read.get(sheet, set()), key=lambda c: CellRef.parse(f"x!{c}"))
        assert not missing, f"{sheet}: input cells no layout field reads: {missing[:12]}"
    assert set(NOT_READ) <= set(unlocked), "NOT_READ names a sheet without input cells"


def test_version_2_1_differs_only_by_the_column_inserted_in_summary_communication() -> None:
    new, old = known_layouts()["2.1.1"], known_layouts()["2.1"]
    new_refs = {f.path: f.ref for f in new.fields} | {f"{t.path}.{f.path}": f.ref for t in new.tables
                                                        for f in t.fields}
    old_refs = {f.path: f.ref for f in old.fields} | {f"{t.path}.{f.path}": f.ref for t in old.tables
                                                        for f in t.fields}
    assert set(new_refs) - set(old_refs) == {"declared.products.electricity_ef"}
    for path, ref in old_refs.items():
        expected = new_refs[path]
        if expected.sheet == "Summary_Communication" and expected.col >= col_to_index("Q"):
            expected = expected.offset(cols=-1)
        assert ref == expected, path
    # spelled out from the published map of the two versions (LAYOUT.md): totals AI15:AI17 -> AH15:AH17
    assert str(new_refs["declared.totals.direct"]) == "Summary_Communication!AI15"
    assert str(old_refs["declared.totals.direct"]) == "Summary_Communication!AH15"
    assert str(old_refs["declared.totals.total"]) == "Summary_Communication!AH17"
