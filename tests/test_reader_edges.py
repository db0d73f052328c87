"""The cell reader's edges (readers/xlsx_cells.py, readers/xlsx_sheet.py), each found by a surviving mutant: plain
references followed in cells never calculated (and not in an empty cached string, a cycle or a chain past the
limit), shared formulas shifted to their cell, damaged values quoted to a fixed length, and damaged shared strings
named by part on both the whole and the streamed path. Small workbooks written here; values hand-made."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef
from cbam_exchange.readers.xlsx_cells import _MAX_REFERENCE_CHAIN, WorkbookCells
from cbam_exchange.readers.xlsx_sheet import Cell, decode_cell
from tests.test_reader_teeth import NS, _raw, _workbook

COLUMNS = "ABCDEFGHIJKL"


def _book(tmp_path: Path, rows: dict[int, str], shared: str | None = None) -> WorkbookCells:
    xml = "".join(f'<row r="{n}">{cells}</row>' for n, cells in rows.items())
    return WorkbookCells(_workbook(tmp_path / "w.xlsx", xml, shared), {"S": sorted(rows)})


def test_a_plain_reference_never_calculated_reads_the_cell_it_names(tmp_path: Path) -> None:
    cells = _book(tmp_path, {1: '<c r="A1"><f>B1</f></c><c r="B1"><v>7</v></c><c r="C1"><f>D1</f><v/></c>'
                                '<c r="D1"><v>8</v></c><c r="E1" t="str"><f>B1</f><v></v></c>'
                                '<c r="F1"><f>SUM(B1)</f></c><c r="G1" s="1"/>'})
    try:
        assert _raw(cells, "A1") == 7.0 and _raw(cells, "A1") == 7.0  # read twice: the same
        assert _raw(cells, "C1") == 8.0  # <v/> in a number cell: never calculated
        assert _raw(cells, "E1") is None  # an empty cached string is a calculated empty text
        assert _raw(cells, "F1") is None and _raw(cells, "G1") is None
    finally:
        cells.close()


def test_a_cycle_of_references_reads_as_empty(tmp_path: Path) -> None:
    cells = _book(tmp_path, {1: '<c r="A1"><f>B1</f></c><c r="B1"><f>A1</f></c>'})
    try:
        assert _raw(cells, "A1") is None and _raw(cells, "B1") is None
    finally:
        cells.close()


@pytest.mark.parametrize("links, value", [(_MAX_REFERENCE_CHAIN, 42.0), (_MAX_REFERENCE_CHAIN + 1, None)])
def test_a_chain_of_references_is_followed_up_to_its_limit(tmp_path: Path, links: int, value: float | None) -> None:
    chain = "".join(f'<c r="{COLUMNS[k]}1"><f>{COLUMNS[k + 1]}1</f></c>' for k in range(links))
    cells = _book(tmp_path, {1: chain + f'<c r="{COLUMNS[links]}1"><v>42</v></c>'})
    try:
        assert _raw(cells, "A1") == value
    finally:
        cells.close()


def test_the_resolver_is_asked_only_about_formulas(tmp_path: Path) -> None:
    cells = _book(tmp_path, {1: '<c r="A1" s="1"/><c r="B1"><v>5</v></c><c r="C1"><f>CHOOSE(1,B1)</f></c>'})
    cells.resolver = lambda book, ref: CellRef("S", 1, 2)  # every question answered with B1
    try:
        assert _raw(cells, "A1") is None and _raw(cells, "C1") == 5.0
    finally:
        cells.close()


def test_a_shared_formula_is_shifted_from_its_master_to_the_cell(tmp_path: Path) -> None:
    cells = _book(tmp_path, {1: '<c r="B1"><f t="shared" ref="B1:D2" si="0">E1*2</f><v>2</v></c>',
                             2: '<c r="C2"><f t="shared" si="0"/><v>4</v></c><c r="D2"><f t="shared" si="0">Z9</f>'
                                '</c><c r="E2"><f t="array" ref="E2:E3">A1:A2*2</f><v>4</v></c>'})
    try:
        ref = CellRef.parse
        assert cells.formula(ref("S!C2")) == ("=F2*2", True)  # one row down, one column right
        assert cells.formula(ref("S!B1")) == ("=E1*2", True) and cells.formula(ref("S!E2")) == ("=A1:A2*2", True)
        assert cells.formula(ref("S!D2")) == ("=Z9", False)  # a cell's own text is kept
    finally:
        cells.close()


def test_decoding_keeps_the_shared_index_and_the_type_of_an_empty_cell() -> None:
    c = etree.fromstring(f'<c {NS} r="B2"><f t="shared" si="3"/><v>4</v></c>')
    assert decode_cell(c, "f.xlsx", "p").shared_index == "3"
    array = etree.fromstring(f'<c {NS} r="C2"><f t="array" ref="C2:C3" si="3">A1</f></c>')
    assert decode_cell(array, "f.xlsx", "p").shared_index is None
    assert decode_cell(etree.fromstring(f'<c {NS} r="A1" s="2" t="s"/>'), "f.xlsx", "p") == Cell("s", None, None)
    assert decode_cell(etree.fromstring(f'<c {NS} r="A1" s="2"/>'), "f.xlsx", "p") == Cell("n", None, None)


def test_a_too_long_text_in_a_cell_without_reference_names_the_part() -> None:
    c = etree.fromstring(f'<c {NS}><is><t>{"x" * 32_768}</t></is></c>')
    with pytest.raises(UnreadableInput) as caught:
        decode_cell(c, "f.xlsx", "xl/worksheets/sheet1.xml")
    assert caught.value.describe() == ("f.xlsx [xl/worksheets/sheet1.xml]: a cell holds a longer text than Excel "
                                       "allows; found: 32,768 characters; expected: at most 32,767 (limit per "
                                       "string)")


def test_damaged_values_are_quoted_to_a_fixed_length(tmp_path: Path) -> None:
    number, index = "1234567890" * 3 + "x" * 10, "9" * 25
    cells = _book(tmp_path, {1: f'<c r="A1"><v>{number}</v></c><c r="B1" t="s"><v>{index}</v></c>'
                                '<c r="C1" t="d"><v>2026-01-01X</v></c>'}, "<si><t>only</t></si>")
    try:
        with pytest.raises(UnreadableInput, match=r"found: the number '(1234567890){3}'; expected"):
            _raw(cells, "A1")
        with pytest.raises(UnreadableInput, match=r"found: shared string index '9{20}' of 1; expected"):
            _raw(cells, "B1")
        assert _raw(cells, "C1") == "2026-01-01X"  # not a date: the text as cached
        assert _raw(cells, "C1") != dt.datetime(2026, 1, 1)
    finally:
        cells.close()


@pytest.mark.parametrize("items", [1, 300])  # 300 x 30,000 characters: past 8 MB, the streamed path
def test_damaged_shared_strings_are_named_by_part(tmp_path: Path, items: int) -> None:
    shared = f"<si><t>{'s' * 30_000}</t></si>" * items + "<si><t>broken</si>"
    cells = _book(tmp_path, {1: '<c r="A1" t="s"><v>0</v></c>'}, shared)
    try:
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "A1")
        assert caught.value.describe().startswith(f"{tmp_path / 'w.xlsx'} [xl/sharedStrings.xml]: a part of the "
                                                  "workbook is not well-formed XML; the file is damaged")
    finally:
        cells.close()
