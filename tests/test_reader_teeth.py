"""The cell reader (readers/xlsx_cells.py, readers/xlsx_sheet.py) with teeth, on small workbooks written here: the
text of shared and inline strings (rich-text runs joined, phonetic guides left out), empty cached strings, every
cached value type as Excel reads it, formulas with and without a cached value, and the per-string limits."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef
from cbam_exchange.readers import xlsx_cells
from cbam_exchange.readers.xlsx_cells import NonFinite, WorkbookCells
from cbam_exchange.readers.xlsx_package import Limits

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
EXCEL_MAX = 32_767  # characters in one cell (Excel's specification and limits)


def _workbook(path: Path, rows: str, shared: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", f'<workbook {NS} {REL}><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                                      "</sheets></workbook>")
        strings = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/sharedStrings" Target="sharedStrings.xml"/>') if shared is not None else ""
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet1.xml"/>{strings}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>")
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f"<sst {NS}>{shared}</sst>")
    return path


def _cells(tmp_path: Path, cells: str, shared: str | None = None) -> WorkbookCells:
    return WorkbookCells(_workbook(tmp_path / "w.xlsx", f'<row r="1">{cells}</row>', shared), {"S": [1]})


def _raw(cells: WorkbookCells, cell: str) -> object:
    return cells.raw(CellRef.parse(f"S!{cell}"))


def test_shared_strings_join_runs_and_leave_out_phonetic_guides(tmp_path: Path) -> None:
    shared = ('<si><r><rPr><b/></rPr><t>東</t></r><r><t xml:space="preserve">京 </t></r>'
              '<rPh sb="0" eb="1"><t>トウ</t></rPh><rPh sb="1" eb="2"><t>キョウ</t></rPh><phoneticPr fontId="1"/></si>'
              '<si><t>plain</t><rPh sb="0" eb="1"><t>ぷ</t></rPh></si>'
              '<si><t/></si><si><r><t/></r><r><t>b</t></r></si>')
    cells = _cells(tmp_path, "".join(f'<c r="{c}" t="s"><v>{k}</v></c>' for k, c in enumerate(("A1", "B1", "C1", "D1"))), shared)
    try:
        assert [_raw(cells, f"{c}1") for c in "ABCD"] == ["東京 ", "plain", "", "b"]
    finally:
        cells.close()


def test_inline_strings_are_read_like_shared_ones(tmp_path: Path) -> None:
    cells = _cells(tmp_path, '<c r="A1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r>'
                             '<rPh sb="0" eb="1"><t>イ</t></rPh></is></c>'
                             '<c r="B1" t="inlineStr"><is><t>x</t></is></c>')
    try:
        assert _raw(cells, "A1") == "inline" and _raw(cells, "B1") == "x"
    finally:
        cells.close()


def test_an_empty_cached_string_is_no_value_and_its_formula_has_no_cached_result(tmp_path: Path) -> None:
    cells = _cells(tmp_path, '<c r="A1" t="str"><f>IF(B1="","","x")</f><v></v></c>'
                             '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
                             '<c r="C1" t="str"><v/></c><c r="D1"><f>1+1</f><v>2</v></c>'
                             '<c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F1"><f></f><v>3</v></c>')
    try:
        assert _raw(cells, "A1") is None and _raw(cells, "C1") is None
        assert cells.formula(CellRef.parse("S!A1")) == ('=IF(B1="","","x")', False)
        assert cells.formula(CellRef.parse("S!B1")) == ('="a"&"b"', True)
        assert cells.formula(CellRef.parse("S!D1")) == ("=1+1", True) and _raw(cells, "D1") == 2.0
        assert _raw(cells, "E1") == "#DIV/0!" and cells.formula(CellRef.parse("S!E1")) == ("=1/0", True)
        assert cells.formula(CellRef.parse("S!F1")) == ("(formula)", True)  # a formula element without text
        assert cells.formula(CellRef.parse("S!C1")) is None and cells.formula(CellRef.parse("S!Z1")) is None
        assert cells.has_formula(CellRef.parse("S!A1")) and not cells.has_formula(CellRef.parse("S!C1"))
        assert not cells.has_formula(CellRef.parse("S!Z1"))
    finally:
        cells.close()


def test_each_cached_type_reads_as_excel_shows_it(tmp_path: Path) -> None:
    cells = _cells(tmp_path, '<c r="A1"><v> 2.5 </v></c><c r="B1"><v>0</v></c><c r="C1" t="n"><v>1e309</v></c>'
                             '<c r="D1" t="b"><v>1</v></c><c r="E1" t="b"><v>0</v></c><c r="F1" t="b"><v> TRUE </v>'
                             '</c><c r="G1" t="d"><v>2026-03-31T12:30:00Z</v></c><c r="H1" t="d"><v>soon</v></c>'
                             '<c r="I1" t="str"><v>text</v></c><c r="J1" t="e"><v>#N/A</v></c>'
                             '<c r="K1"><v>  </v></c><c r="L1" t="b"><v>false</v></c>')
    try:
        assert _raw(cells, "A1") == 2.5 and _raw(cells, "B1") == 0.0 and _raw(cells, "B1") is not None
        big = _raw(cells, "C1")
        assert isinstance(big, NonFinite) and big.text == "1e309"
        assert isinstance(_raw(cells, "A1"), float) and not isinstance(_raw(cells, "A1"), NonFinite)
        assert [_raw(cells, c) for c in ("D1", "E1", "F1", "L1")] == [True, False, True, False]
        assert _raw(cells, "G1") == dt.datetime(2026, 3, 31, 12, 30)
        assert _raw(cells, "H1") == "soon"  # not a date: the text as cached
        assert _raw(cells, "I1") == "text" and _raw(cells, "J1") == "#N/A"
        assert _raw(cells, "K1") is None  # blanks in a number cell are no number
        assert _raw(cells, "Z1") is None
    finally:
        cells.close()


def test_an_undecodable_cached_value_names_the_cell(tmp_path: Path) -> None:
    cells = _cells(tmp_path, '<c r="A1"><v>12,5</v></c><c r="B1" t="s"><v>7</v></c><c r="C1" t="s"><v>x</v></c>',
                   "<si><t>only</t></si>")
    try:
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "A1")
        assert caught.value.describe() == (f"{tmp_path / 'w.xlsx'} [S!A1]: a cell's value cannot be decoded; the file "
                                           "is damaged; found: the number '12,5'; expected: a number")
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "B1")
        assert caught.value.describe().endswith("[S!B1]: a cell's value cannot be decoded; the file is damaged; "
                                                "found: shared string index '7' of 1; expected: an index into the "
                                                "shared strings")
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "C1")
        assert "shared string index 'x' of 1" in caught.value.describe()
    finally:
        cells.close()


def test_a_workbook_without_shared_strings_has_none(tmp_path: Path) -> None:
    cells = _cells(tmp_path, '<c r="A1" t="s"><v>0</v></c>')
    try:
        with pytest.raises(UnreadableInput, match="shared string index '0' of 0"):
            _raw(cells, "A1")
    finally:
        cells.close()


def test_a_string_longer_than_excel_allows_is_refused_at_its_place(tmp_path: Path) -> None:
    ok, long = "a" * EXCEL_MAX, "b" * (EXCEL_MAX + 1)
    cells = _cells(tmp_path, '<c r="A1" t="s"><v>0</v></c>', f"<si><t>{ok}</t></si><si><t>{long}</t></si>")
    try:
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "A1")
        assert caught.value.describe() == (f"{tmp_path / 'w.xlsx'} [xl/sharedStrings.xml item 1]: a shared string is "
                                           "longer than Excel allows; found: 32,768 characters; expected: at most "
                                           "32,767 (limit per string)")
    finally:
        cells.close()
    cells = _cells(tmp_path, f'<c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>{ok}</t></is></c>',
                   f"<si><t>{ok}</t></si>")
    try:
        assert _raw(cells, "A1") == ok and _raw(cells, "B1") == ok
    finally:
        cells.close()
    cells = _cells(tmp_path, f'<c r="B1" t="inlineStr"><is><t>{long}</t></is></c>')
    try:
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "B1")
        assert caught.value.describe() == (f"{tmp_path / 'w.xlsx'} [xl/worksheets/sheet1.xml B1]: a cell holds a "
                                           "longer text than Excel allows; found: 32,768 characters; expected: at "
                                           "most 32,767 (limit per string)")
    finally:
        cells.close()


def test_more_shared_strings_than_accepted_are_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_cells, "LIMITS", Limits(strings=2))
    cells = _cells(tmp_path, '<c r="A1" t="s"><v>1</v></c>', "<si><t>a</t></si><si><t>b</t></si>")
    try:
        assert _raw(cells, "A1") == "b"  # at the limit
    finally:
        cells.close()
    cells = _cells(tmp_path, '<c r="A1" t="s"><v>0</v></c>', "<si><t>a</t></si><si><t>b</t></si><si><t>c</t></si>")
    try:
        with pytest.raises(UnreadableInput) as caught:
            _raw(cells, "A1")
        assert caught.value.describe() == (f"{tmp_path / 'w.xlsx'} [xl/sharedStrings.xml]: the workbook holds more "
                                           "shared strings than the reader accepts; expected: at most 2")
    finally:
        cells.close()


def test_a_large_shared_string_table_is_read_the_same(tmp_path: Path) -> None:
    words = [f"word {k} " + "x" * 60 for k in range(120_000)]  # > 8 MB: the streamed path
    shared = "".join(f"<si><t>{w}</t></si>" for w in words[:-1]) + f"<si><r><t>{words[-1]}</t></r><rPh><t>p</t>" \
                                                                      "</rPh></si>"
    cells = _cells(tmp_path, '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>119999</v></c>', shared)
    try:
        assert _raw(cells, "A1") == words[0] and _raw(cells, "B1") == words[-1]
    finally:
        cells.close()
