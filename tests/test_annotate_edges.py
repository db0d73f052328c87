"""The annotated copy (writers/annotate.py) on workbooks that differ from the plain one of test_annotate_teeth, each
found by a surviving mutant: pretty-printed styles, a conditional format's rule with its own <extLst> (Excel's data
bars, as on the Commission template's Summary_Processes), a long <worksheet> start tag, a style index one past the
list, part names already taken, and the package's text-free XML. Facts are read back with lxml, never compared with
bytes the writer produced."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cbam_exchange.checks.findings import Severity
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.writers.annotate import annotate_workbook
from tests.test_annotate_teeth import (BLUE, DOC_REL, FINDINGS, MAIN, NS, RED, REL, STYLES, YELLOW, _f, _fill_of,
                                       _source, _xml)

X14 = 'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"'
V, O, XL = "{urn:schemas-microsoft-com:vml}", "{urn:schemas-microsoft-com:office:office}", \
    "{urn:schemas-microsoft-com:office:excel}"


def _variant(tmp_path: Path, members: dict[str, str] | None = None) -> Path:
    """The workbook of test_annotate_teeth with some members replaced or added."""
    plain = _source(tmp_path / "plain.xlsx")
    path = tmp_path / "in.xlsx"
    new = dict(members or {})
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as z:
        for name in zin.namelist():
            z.writestr(name, new.pop(name, None) or zin.read(name))
        for name, text in new.items():
            z.writestr(name, text)
    return path


def _annotated(tmp_path: Path, members: dict[str, str] | None = None) -> zipfile.ZipFile:
    out = tmp_path / "out.xlsx"
    annotate_workbook(_variant(tmp_path, members), FINDINGS, out)
    return zipfile.ZipFile(out)


def _children(element: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in element]


def test_pretty_printed_styles_are_highlighted_like_compact_ones(tmp_path: Path) -> None:
    with _annotated(tmp_path, {"xl/styles.xml": STYLES.replace("><", ">\n  <")}) as z:
        a = "xl/worksheets/sheet1.xml"
        assert _fill_of(z, a, "B2")[0] == RED and _fill_of(z, a, "C2")[0] == BLUE
        colour, d2 = _fill_of(z, a, "D2")
        assert colour == YELLOW and d2.get("numFmtId") == "10"
        assert d2.find(f"{{{MAIN}}}alignment").get("wrapText") == "1"
        styles = _xml(z, "xl/styles.xml")
        assert styles.find(f"{{{MAIN}}}fills").get("count") == "5"  # 2 + red, yellow, blue
        assert styles.find(f"{{{MAIN}}}cellXfs").get("count") == "10"  # 3 + 7 (style, colour) pairs


def test_the_written_parts_hold_no_stray_text_between_elements(tmp_path: Path) -> None:
    with _annotated(tmp_path) as z:
        rels = _xml(z, "xl/worksheets/_rels/sheet1.xml.rels")
        targets = {r.get("Type").rsplit("/", 1)[1]: "xl/" + r.get("Target").removeprefix("../") for r in rels}
        for part in ("xl/styles.xml", targets["comments"], targets["vmlDrawing"], "xl/worksheets/sheet1.xml"):
            root = _xml(z, part)
            assert not (root.text or "").strip() and all(not (e.tail or "").strip() for e in root.iter()), part
        assert all(not (e.text or "").strip() for e in _xml(z, "xl/styles.xml").iter())


def test_note_shapes_are_numbered_from_1025_in_drawing_block_1(tmp_path: Path) -> None:
    # Excel's VML: idmap data="1" gives the block 1024-2047, whose first number is the drawing's own
    with _annotated(tmp_path) as z:
        rels = _xml(z, "xl/worksheets/_rels/sheet1.xml.rels")
        vml = _xml(z, "xl/" + next(r.get("Target") for r in rels if r.get("Type").endswith("vmlDrawing"))[3:])
        assert vml.find(f"{O}shapelayout/{O}idmap").get("data") == "1"
        assert vml.find(f"{V}shapetype").get("path") == "m,l,21600r21600,l21600,xe"
        shapes = vml.findall(f"{V}shape")
        assert [s.get("id") for s in shapes] == [f"_x0000_s{n}" for n in range(1025, 1030)]
        assert [re.search(r"z-index:(\d+)", s.get("style")).group(1) for s in shapes] == ["1", "2", "3", "4", "5"]


def test_a_style_index_one_past_the_list_gets_the_default_style(tmp_path: Path) -> None:
    sheet = f'<worksheet {NS}><sheetData><row r="3"><c r="C3" s="3"><v>5</v></c></row></sheetData></worksheet>'
    with _annotated(tmp_path, {"xl/worksheets/sheet3.xml": sheet}) as z:
        colour, xf = _fill_of(z, "xl/worksheets/sheet3.xml", "C3")
        assert colour == RED and (xf.get("numFmtId"), xf.get("borderId"), xf.get("applyFill")) == ("0", "0", "1")


def test_a_finding_on_a_missing_sheet_does_not_stop_the_others(tmp_path: Path) -> None:
    findings = [_f("ID-004", Severity.ERROR, "Missing sheet", "A1"), _f("PH-001", Severity.WARNING, "A", "B2")]
    out = tmp_path / "out.xlsx"
    assert annotate_workbook(_variant(tmp_path), findings, out) == 1
    with zipfile.ZipFile(out) as z:
        assert _fill_of(z, "xl/worksheets/sheet1.xml", "B2")[0] == YELLOW


def test_new_parts_take_the_first_free_numbers_past_every_taken_one(tmp_path: Path) -> None:
    taken = f"<comments {NS}><authors/><commentList/></comments>"
    with _annotated(tmp_path, {"xl/comments3.xml": taken}) as z:  # comments1 is taken too
        names = z.namelist()
        assert len(names) == len(set(names))
        assert {n for n in names if n.startswith("xl/comments")} == {f"xl/comments{k}.xml" for k in (1, 2, 3, 4)}
        assert z.read("xl/comments3.xml") == taken.encode()
        assert {n for n in names if n.startswith("xl/drawings/")} == {"xl/drawings/vmlDrawing2.vml",
                                                                      "xl/drawings/vmlDrawing4.vml"}


def test_a_long_worksheet_tag_with_the_r_namespace_late_keeps_one_declaration(tmp_path: Path) -> None:
    spaces = " ".join(f'xmlns:n{k}="urn:example:{k:04d}"' for k in range(100))  # 2,800 bytes before xmlns:r
    sheet = (f'<worksheet {NS} {spaces} {REL}><sheetData><row r="3"><c r="C3"><v>5</v></c></row></sheetData>'
             "</worksheet>")
    with _annotated(tmp_path, {"xl/worksheets/sheet3.xml": sheet}) as z:
        root = _xml(z, "xl/worksheets/sheet3.xml")  # a duplicate xmlns:r would not parse
        assert _children(root) == ["sheetData", "legacyDrawing"]
        assert root.nsmap["r"] == DOC_REL and root.nsmap["n99"] == "urn:example:0099"


def _data_bar_sheet(own_ext: bool) -> str:
    """A data bar as Excel writes it: the rule's <extLst> points at the x14 rule in the worksheet's <extLst>."""
    rule = (f'<cfRule type="dataBar" priority="1"><dataBar><cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/>'
            f'</dataBar><extLst><ext uri="{{B025F937-C7B1-47D3-B67F-A62EFF666E3E}}" {X14}><x14:id>'
            "{00000000-0000-0000-0000-000000000001}</x14:id></ext></extLst></cfRule>")
    ext = (f'<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" {X14}><x14:conditionalFormattings/></ext>'
           "</extLst>") if own_ext else ""
    return (f'<worksheet {NS}><sheetData><row r="3"><c r="C3"><v>5</v></c></row></sheetData><conditionalFormatting '
            f'sqref="C3">{rule}</conditionalFormatting><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            f'header="0.3" footer="0.3"/>{ext}</worksheet>')


@pytest.mark.parametrize("own_ext", [True, False])
def test_the_drawing_goes_among_the_worksheets_children_not_into_a_data_bar_rule(tmp_path: Path,
                                                                                  own_ext: bool) -> None:
    with _annotated(tmp_path, {"xl/worksheets/sheet3.xml": _data_bar_sheet(own_ext)}) as z:
        root = _xml(z, "xl/worksheets/sheet3.xml")
        assert _children(root) == ["sheetData", "conditionalFormatting", "pageMargins", "legacyDrawing",
                                   *(["extLst"] if own_ext else [])]
        rule = root.find(f"{{{MAIN}}}conditionalFormatting/{{{MAIN}}}cfRule")
        assert _children(rule) == ["dataBar", "extLst"]
        rels = {r.get("Id"): r.get("Type") for r in _xml(z, "xl/worksheets/_rels/sheet3.xml.rels")}
        assert rels[root.find(f"{{{MAIN}}}legacyDrawing").get(f"{{{DOC_REL}}}id")].endswith("/vmlDrawing")


def test_styles_without_fills_are_refused_by_name(tmp_path: Path) -> None:
    styles = re.sub(r"<fills .*</fills>", "", STYLES)
    out, source = tmp_path / "out.xlsx", _variant(tmp_path, {"xl/styles.xml": styles})
    with pytest.raises(UnreadableInput) as refused:
        annotate_workbook(source, FINDINGS, out)
    assert str(refused.value) == (f"{source} [xl/styles.xml]: the workbook's styles have no fills or cell formats to "
                                  'highlight with; expected: <fills count="..."> and <cellXfs count="...">')
    assert not out.exists()
