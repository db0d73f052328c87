"""Every serialization ECMA-376 allows reads as the same data: a workbook built from the blank (and, where present,
the Commission's own filled steel example, saved by Excel) is rewritten into each form by tests/xlsx_rewrite.py and
must give exactly the canonical JSON of the original. python-calamine, an independent reader, cross-checks values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import python_calamine

from cbam_exchange.layouts import CellRef
from cbam_exchange.readers import read_submission
from cbam_exchange.readers.ec_template import cells_needed, open_template_cells
from cbam_exchange.writers.json_exchange import submission_to_dict
from tests.conftest import SHARED
from tests.xlsx_edit import edit_workbook
from tests.xlsx_rewrite import FORMS, rewrite_workbook

COMMISSION_STEEL = (SHARED / "real-world" / "commission-examples"
                    / "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx")


def _canonical(path: Path) -> str:
    data = submission_to_dict(read_submission(path))
    data["source"].pop("file_name", None)
    return json.dumps(data, sort_keys=True, default=str)


def _parts_read(path: Path) -> set[str]:
    cells = open_template_cells(path)
    try:
        sheets = {cells.sheet_parts[s] for s in cells_needed() if s in cells.sheet_parts}
    finally:
        cells.close()
    return sheets | {"_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"}


@pytest.fixture(scope="module")
def originals(example_workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Commission's steel example (saved by Excel: shared formulas, cached numbers, texts and errors) where
    ../shared holds it; otherwise a written example with cached results of each kind put into formula cells.
    One workbook, as rewriting a whole template into each form takes seconds."""
    if COMMISSION_STEEL.exists():
        return {"commission-steel": COMMISSION_STEEL}
    folder = tmp_path_factory.mktemp("originals")
    return {"written": edit_workbook(example_workbooks["cement-clinker-two-cements"], folder / "written.xlsx", cached={
        "D_Processes!D11": "Production process 1:", "Summary_Products!I10": 0.7512, "Summary_Products!I11":
        "Incomplete!", "Summary_Communication!AI15": 1018422.0, "A_InstData!N83": "#N/A"})}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_allowed_serialization_reads_as_the_same_data(form: str, originals: dict[str, Path],
                                                            tmp_path: Path) -> None:
    for label, original in originals.items():
        rewritten = rewrite_workbook(original, tmp_path / f"{label}.xlsx", FORMS[form], _parts_read(original))
        assert rewritten.read_bytes() != original.read_bytes()
        expected = _canonical(original)
        assert json.loads(expected)["installation"], label  # the original itself reads to something
        assert _canonical(rewritten) == expected, f"{label} rewritten as {form} reads differently"


def test_values_agree_with_an_independent_reader(originals: dict[str, Path]) -> None:
    """Every cell of the rows the layout reads: our cached value equals python-calamine's."""
    for label, original in originals.items():
        book = python_calamine.CalamineWorkbook.from_path(str(original))
        cells = open_template_cells(original)
        compared = 0
        try:
            for sheet, rows in cells_needed().items():
                if sheet not in cells.sheet_parts:
                    continue
                grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                for row in sorted(rows):
                    if row > len(grid):
                        continue
                    for col, theirs in enumerate(grid[row - 1], start=1):
                        ours = cells.raw(CellRef(sheet, row, col))
                        if theirs == "" and ours is None:
                            continue
                        if isinstance(theirs, float) and isinstance(ours, float):
                            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300), (label, sheet, row, col)
                        elif isinstance(ours, bool) or isinstance(theirs, bool):
                            assert bool(ours) == bool(theirs), (label, sheet, row, col)
                        elif isinstance(theirs, (int, float)) and isinstance(ours, float):
                            assert ours == theirs, (label, sheet, row, col)
                        elif not isinstance(theirs, str):
                            continue  # dates and times: calamine converts by number format, we keep the serial
                        else:
                            assert ours == theirs, (label, sheet, row, col, ours, theirs)
                        compared += 1
        finally:
            cells.close()
        assert compared > 1000, label
