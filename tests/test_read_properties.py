"""Property tests (Hypothesis): any cell reference, finite number and string Excel can hold is read back exactly,
in every way the standard lets a writer store it; shared formulas move as openpyxl's independent translator says."""

from __future__ import annotations

import math
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.formula.translate import Translator

from cbam_exchange.layouts import CellRef, index_to_col
from cbam_exchange.readers.shared_formulas import shift_formula
from cbam_exchange.readers.xlsx_cells import NonFinite, WorkbookCells

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _book(sheet_xml: str, strings: list[str] | None = None) -> Path:
    """A minimal workbook (one sheet 'S') around the given sheet XML."""
    folder = Path(tempfile.mkdtemp(prefix="cbam-prop-"))
    path = folder / "book.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="r1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="S" '
                   'sheetId="1" r:id="r1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="r1" Type="{_REL}/worksheet" Target="worksheets/s.xml"/>'
                   f'<Relationship Id="r2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                   "</Relationships>")
        z.writestr("xl/worksheets/s.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
                   f"<sheetData>{sheet_xml}</sheetData></worksheet>")
        items = "".join(f'<si><t xml:space="preserve">{_xml_text(s)}</t></si>' for s in strings or [])
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}">{items}</sst>')
    return path


def _xml_text(text: str) -> str:
    return escape(text).replace("\r", "&#13;")


def _read(path: Path, ref: CellRef, rows: dict | None) -> tuple[object, WorkbookCells]:
    cells = WorkbookCells(path, {"S": rows} if rows is not None else {})
    return cells.raw(ref), cells


rows_ = st.integers(min_value=1, max_value=1_048_576)
cols_ = st.integers(min_value=1, max_value=16_384)
# characters XML 1.0 can carry (no other control characters, no surrogates)
xml_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(
    chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\ufffe\uffff")


@SETTINGS
@given(row=rows_, col=cols_, implicit=st.booleans(), announced=st.sampled_from(["row", "cell", "none", "whole"]))
def test_any_cell_reference_is_found(row: int, col: int, implicit: bool, announced: str) -> None:
    """Written with `r`, or found by position (no `r` on the cell: it follows the previous one)."""
    ref = CellRef("S", row, col)
    if implicit and col > 1:
        before = f'<c r="{index_to_col(col - 1)}{row}"><v>1</v></c>'
        xml = f'<row r="{row}">{before}<c><v>42.5</v></c></row>'
    else:
        xml = f'<row r="{row}"><c r="{index_to_col(col)}{row}"><v>42.5</v></c></row>'
    rows = {"row": {row: {1}}, "cell": {row: {col}}, "none": {row + 1: {col}}, "whole": None}[announced]
    value, cells = _read(_book(xml), ref, rows)
    cells.close()
    assert value == 42.5


@SETTINGS
@given(number=st.floats(allow_nan=False, allow_infinity=False), form=st.sampled_from(["repr", "e", "padded"]))
def test_any_finite_number_reads_exactly(number: float, form: str) -> None:
    text = {"repr": repr(number), "e": f"{number:.17e}", "padded": f" {number!r} "}[form]
    value, cells = _read(_book(f'<row r="1"><c r="A1"><v>{text}</v></c></row>'), CellRef("S", 1, 1), {1: {1}})
    cells.close()
    assert value == number and not isinstance(value, NonFinite)


@SETTINGS
@given(text=st.sampled_from(["1e309", "-1e309", "NaN", "nan", "INF", "-inf", "Infinity"]))
def test_non_finite_numbers_are_kept_apart(text: str) -> None:
    value, cells = _read(_book(f'<row r="1"><c r="A1"><v>{text}</v></c></row>'), CellRef("S", 1, 1), {1: {1}})
    cells.close()
    assert isinstance(value, NonFinite) and not math.isfinite(value) and value.text == text


@SETTINGS
@given(text=st.text(alphabet=xml_chars, min_size=1, max_size=200),
       how=st.sampled_from(["shared", "inline", "str", "cdata"]))
def test_any_string_reads_exactly(text: str, how: str) -> None:
    if how == "shared":
        xml, strings = '<c r="A1" t="s"><v>1</v></c>', ["before", text]
    elif how == "inline":
        xml, strings = f'<c r="A1" t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>', []
    elif how == "str":
        xml, strings = f'<c r="A1" t="str"><f>"x"</f><v xml:space="preserve">{_xml_text(text)}</v></c>', []
    else:
        if "]]>" in text or "\r" in text:
            return
        xml, strings = f'<c r="A1" t="str"><v><![CDATA[{text}]]></v></c>', []
    path = _book(f'<row r="1">{xml}</row>', strings)
    value, cells = _read(path, CellRef("S", 1, 1), {1: {1}})
    cells.close()
    assert value == text


# one cell of row 7: its column, how its reference is written, its value
row_cells = st.lists(st.tuples(st.integers(1, 8), st.sampled_from(["this", "this", "this", "other", "none"]),
                               st.integers(0, 999)), min_size=1, max_size=12)


@settings(SETTINGS, max_examples=200)
@given(cells=row_cells, wanted=st.frozensets(st.integers(1, 8), min_size=1, max_size=4),
       every=st.sampled_from([None, "this", "other"]))
def test_reading_some_columns_of_a_row_finds_what_reading_the_whole_sheet_finds(cells: list, wanted: frozenset,
                                                                                 every: str | None) -> None:
    """The reader slices the wanted cells out of a row when the row proves it can (every cell numbered, in this
    row, once): columns out of order, repeated, numbered for another row or not numbered at all must still read
    as a whole-sheet parse reads them, and a regular row as written; so must a row after the last one announced,
    which the sliced reading does not look at until asked."""
    written = {"this": ' r="{}7"', "other": ' r="{}8"', "none": ""}
    cells = [(col, every or how, value) for col, how, value in cells]  # or every cell written the same way
    xml = "".join(f"<c{written[how].format(index_to_col(col))}><v>{value}</v></c>" for col, how, value in cells)
    path = _book(f'<row r="6"><c r="A6"><v>-1</v></c></row><row r="7">{xml}</row>'
                 '<row r="8"><c r="A8"><v>-2</v></c></row>')
    sliced = WorkbookCells(path, {"S": {7: wanted, 8: frozenset({1})}})
    whole = WorkbookCells(path, {})
    before = WorkbookCells(path, {"S": {6: frozenset({1})}})
    regular = all(how == "this" for _, how, _ in cells) and len({col for col, _, _ in cells}) == len(cells)
    try:
        for col in sorted(wanted) + list(range(1, 10)):  # the wanted ones first, then any other of the row
            ref = CellRef("S", 7, col)
            got = sliced.raw(ref)
            assert got == whole.raw(ref) == before.raw(ref), (col, xml)
            if regular:
                assert got == next((float(v) for c, _, v in cells if c == col), None), (col, xml)
        assert sliced.raw(CellRef("S", 8, 1)) == whole.raw(CellRef("S", 8, 1)) == before.raw(CellRef("S", 8, 1)) == -2
        assert before.raw(CellRef("S", 6, 1)) == -1
    finally:
        for cells_read in (sliced, whole, before):
            cells_read.close()


refs = st.tuples(st.booleans(), st.integers(1, 200), st.booleans(), st.integers(1, 500))


@SETTINGS
@given(parts=st.lists(refs, min_size=1, max_size=4), down=st.integers(0, 50), right=st.integers(0, 20))
def test_shared_formulas_move_as_openpyxl_translates_them(parts: list, down: int, right: int) -> None:
    text = "+".join(f"{'$' if ca else ''}{index_to_col(c)}{'$' if ra else ''}{r}" for ca, c, ra, r in parts)
    formula = "=SUM(" + text + ',"A1")*Sheet2!' + text.split("+")[0]
    origin = "B2"
    target = f"{index_to_col(2 + right)}{2 + down}"
    expected = Translator(formula, origin=origin).translate_formula(target)
    assert "=" + shift_formula(formula[1:], down, right) == expected
