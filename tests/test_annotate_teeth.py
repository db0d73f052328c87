"""The annotated copy (writers/annotate.py) with teeth, on a small workbook written here: each finding's comment
sits at its own cell with the text a user reads, the highlight takes the colour of the worst severity in the cell,
styles are added without disturbing the existing ones, and the package stays consistent (relationships, content
types, the legacy-drawing element in its schema position). The expected XML facts are read back with lxml and
openpyxl, never compared with bytes the writer produced."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.writers.annotate import annotate_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS = f'xmlns="{MAIN}"'
REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RED, YELLOW, BLUE = "FFFFC7CE", "FFFFEB9C", "FFDDEBF7"  # Excel's "Bad", "Neutral" and a light-blue note fill
STYLES = (f'<styleSheet {NS}><fonts count="1"><font><sz val="11"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
          '</fill></fills><borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="10" fontId="0" fillId="1" borderId="0" xfId="0" applyFill="0"><alignment wrapText="1"/>'
          "</xf></cellXfs></styleSheet>")
TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
         'spreadsheetml.sheet.main+xml"/>'
         + "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/vnd.openxmlformats-'
                   f'officedocument.spreadsheetml.worksheet+xml"/>' for k in (1, 2, 3))
         + '<Override PartName="/xl/tables/table1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
         'spreadsheetml.table+xml"/>'
         + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
         'spreadsheetml.styles+xml"/></Types>')


def _rel(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{DOC_REL}/{kind}" Target="{target}"/>'


def _source(path: Path, types: str = TYPES, own_comments: bool = True, existing_comments1: bool = True) -> Path:
    """Sheets A (cells with styles 0-2 and none, a table part after sheetData), B (its own comments: highlight
    only) and C (no relationships part, no r namespace)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{DOC_REL}/'
                                  'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {NS} {REL}><sheets><sheet name="A" sheetId="1" r:id="rId1"/>'
                                      '<sheet name="B" sheetId="2" r:id="rId2"/><sheet name="C" sheetId="3" '
                                      'r:id="rId3"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">'
                   + _rel("rId1", "worksheet", "worksheets/sheet1.xml")
                   + _rel("rId2", "worksheet", "worksheets/sheet2.xml")
                   + _rel("rId3", "worksheet", "worksheets/sheet3.xml")
                   + _rel("rId4", "styles", "styles.xml") + "</Relationships>")
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/sheet1.xml",
                   f'<worksheet {NS} {REL}><sheetData><row r="2"><c r="B2" s="1"><v>1</v></c><c r="C2"><v>2</v></c>'
                   '<c r="D2" s="2" t="str"><v>x</v></c><c r="E2" s="1"/><c r="B20" s="1"><v>9</v></c></row>'
                   '<row r="12"><c r="AB12" s="1"><v>3</v></c></row></sheetData>'
                   '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                   '<tableParts count="1"><tablePart r:id="rId9"/></tableParts></worksheet>')
        z.writestr("xl/tables/table1.xml", f'<table {NS} id="1" name="T" displayName="T" ref="B2:C3"><tableColumns '
                                           'count="2"><tableColumn id="1" name="a"/><tableColumn id="2" name="b"/>'
                                           "</tableColumns></table>")
        z.writestr("xl/worksheets/_rels/sheet1.xml.rels", f'<Relationships xmlns="{PKG}">'
                   + _rel("rId9", "table", "../tables/table1.xml") + "</Relationships>")
        legacy = '<legacyDrawing r:id="rId1"/>' if own_comments else ""
        z.writestr("xl/worksheets/sheet2.xml", f'<worksheet {NS} {REL}><sheetData><row r="1"><c r="A1" s="2"><v>5'
                                               f"</v></c></row></sheetData>{legacy}</worksheet>")
        z.writestr("xl/worksheets/sheet3.xml", f'<worksheet {NS}><sheetData><row r="3"><c r="C3" s="7"><v>5</v></c>'
                                               "</row></sheetData></worksheet>")
        if existing_comments1:
            z.writestr("xl/comments1.xml", f"<comments {NS}/>")  # another part's name: never overwritten
    return path


def _f(rule: str, severity: Severity, sheet: str | None, cell: str | None, message: str = "m",
       expected: str | None = None, remedy: str = "fix") -> Finding:
    return Finding(rule, severity, message, "installation.name", sheet, cell, "x", expected, remedy, "ref")


FINDINGS = [
    _f("PH-001", Severity.WARNING, "A", "B2", "warning first"),
    _f("ID-003", Severity.ERROR, "A", "B2", "then <an> error & more", expected="2 < 3"),
    _f("PR-003", Severity.INFO, "A", "C2", "info only", remedy="look"),
    _f("PH-002", Severity.WARNING, "A", "D2", "w"),
    _f("PH-004", Severity.INFO, "A", "E2"),
    _f("PH-005", Severity.INFO, "A", "D2"),
    _f("PH-006", Severity.WARNING, "A", "AB12"),
    _f("ID-001", Severity.ERROR, "B", "A1"),
    _f("ID-002", Severity.ERROR, "C", "C3"),
    _f("ID-004", Severity.ERROR, "Missing sheet", "A1"),
    _f("ID-005", Severity.ERROR, None, None),
    _f("ID-009", Severity.ERROR, "A", None),
]


@pytest.fixture()
def annotated(tmp_path: Path) -> tuple[Path, Path, int]:
    source = _source(tmp_path / "in.xlsx")
    before = source.read_bytes()
    out = tmp_path / "out.xlsx"
    count = annotate_workbook(source, FINDINGS, out)
    assert source.read_bytes() == before  # the supplier's file is never modified
    return source, out, count


def _xml(z: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(z.read(name))


def _fill_of(z: zipfile.ZipFile, sheet: str, cell: str) -> tuple[str | None, etree._Element]:
    """(fill colour, xf) of a cell, followed by hand through styles.xml."""
    c = _xml(z, sheet).find(f".//{{{MAIN}}}c[@r='{cell}']")
    styles = _xml(z, "xl/styles.xml")
    xf = styles.find(f"{{{MAIN}}}cellXfs")[int(c.get("s", "0"))]
    fill = styles.find(f"{{{MAIN}}}fills")[int(xf.get("fillId"))]
    fg = fill.find(f".//{{{MAIN}}}fgColor")
    return (fg.get("rgb") if fg is not None else None), xf


def test_each_annotated_cell_is_counted_once(annotated) -> None:
    assert annotated[2] == 7  # A: B2 C2 D2 E2 AB12; B: A1; C: C3 (no sheet, no cell, unknown sheet: skipped)


def test_the_highlight_is_the_colour_of_the_worst_severity(annotated) -> None:
    _, out, _ = annotated
    with zipfile.ZipFile(out) as z:
        a = "xl/worksheets/sheet1.xml"
        assert _fill_of(z, a, "B2")[0] == RED  # an error beside a warning
        assert _fill_of(z, a, "C2")[0] == BLUE
        assert _fill_of(z, a, "D2")[0] == YELLOW  # a warning beside an info
        assert _fill_of(z, a, "E2")[0] == BLUE
        assert _fill_of(z, a, "AB12")[0] == YELLOW
        assert _fill_of(z, a, "B20")[0] is None  # B2's neighbour keeps its style
        assert _fill_of(z, "xl/worksheets/sheet2.xml", "A1")[0] == RED
        assert _fill_of(z, "xl/worksheets/sheet3.xml", "C3")[0] == RED


def test_the_highlighted_style_keeps_everything_but_the_fill(annotated) -> None:
    source, out, _ = annotated
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(source) as zin:
        styles = _xml(z, "xl/styles.xml")
        old = _xml(zin, "xl/styles.xml")
        fills, xfs = styles.find(f"{{{MAIN}}}fills"), styles.find(f"{{{MAIN}}}cellXfs")
        # one fill per colour used, one style per (original style, colour) pair, counts declared
        assert len(fills) == 2 + 3 and fills.get("count") == "5"
        pairs = {(1, RED), (0, BLUE), (2, YELLOW), (1, BLUE), (1, YELLOW), (2, RED), (7, RED)}
        assert len(xfs) == 3 + len(pairs) and xfs.get("count") == str(3 + len(pairs))
        assert [etree.tostring(x) for x in xfs[:3]] == [etree.tostring(x) for x in old.find(f"{{{MAIN}}}cellXfs")]
        for fill in fills[2:]:
            pattern = fill.find(f"{{{MAIN}}}patternFill")
            assert pattern.get("patternType") == "solid"
            assert pattern.find(f"{{{MAIN}}}bgColor").get("indexed") == "64"
        assert sorted(f.find(f".//{{{MAIN}}}fgColor").get("rgb") for f in fills[2:]) == sorted([RED, YELLOW, BLUE])
        a = "xl/worksheets/sheet1.xml"
        _, b2 = _fill_of(z, a, "B2")
        assert (b2.get("numFmtId"), b2.get("applyNumberFormat"), b2.get("applyFill")) == ("4", "1", "1")
        _, d2 = _fill_of(z, a, "D2")
        assert d2.get("numFmtId") == "10" and d2.get("applyFill") == "0"  # an explicit attribute is left alone
        assert d2.find(f"{{{MAIN}}}alignment").get("wrapText") == "1"
        _, c2 = _fill_of(z, a, "C2")  # no style: the default style highlighted
        assert (c2.get("numFmtId"), c2.get("fontId"), c2.get("applyFill")) == ("0", "0", "1")
        _, c3 = _fill_of(z, "xl/worksheets/sheet3.xml", "C3")  # a style index beyond the list: a default style
        assert (c3.get("numFmtId"), c3.get("borderId"), c3.get("xfId"), c3.get("applyFill")) == ("0", "0", "0", "1")
        # the same (style, colour) shares one new style
        assert _xml(z, a).find(f".//{{{MAIN}}}c[@r='AB12']").get("s") != _xml(z, a).find(
            f".//{{{MAIN}}}c[@r='D2']").get("s")
        cells = {c.get("r"): c for c in _xml(z, a).iter(f"{{{MAIN}}}c")}
        assert cells["D2"].get("t") == "str" and cells["D2"].findtext(f"{{{MAIN}}}v") == "x"
        assert list(cells["B2"].attrib) == ["r", "s"] and cells["E2"].get("s") != "1"


def test_each_comment_sits_at_its_cell_with_rule_severity_message_expected_and_fix(annotated) -> None:
    _, out, _ = annotated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(out)
    a = book["A"]
    assert a["B2"].comment.text == ("[PH-001 warning] warning first Fix: fix\n\n"
                                    "[ID-003 error] then <an> error & more Expected: 2 < 3. Fix: fix")
    assert a["C2"].comment.text == "[PR-003 info] info only Fix: look"
    assert a["D2"].comment.text == "[PH-002 warning] w Fix: fix\n\n[PH-005 info] m Fix: fix"
    assert a["AB12"].comment.text == "[PH-006 warning] m Fix: fix"
    assert a["B20"].comment is None and a["B3"].comment is None and a["C1"].comment is None
    assert a["B2"].comment.author == "cbam-exchange"
    assert book["C"]["C3"].comment.text == "[ID-002 error] m Fix: fix"
    assert book["B"]["A1"].comment is None  # a sheet with comments of its own: highlighted only
    assert {c.coordinate for c in book["A"]._cells.values() if c.comment} == {"B2", "C2", "D2", "E2", "AB12"}


def test_the_note_shapes_anchor_at_the_cells_zero_based(annotated) -> None:
    _, out, _ = annotated
    with zipfile.ZipFile(out) as z:
        rels = _xml(z, "xl/worksheets/_rels/sheet1.xml.rels")
        targets = {r.get("Type").rsplit("/", 1)[1]: (r.get("Id"), r.get("Target")) for r in rels}
        assert targets["table"] == ("rId9", "../tables/table1.xml")  # kept
        comments_part = "xl/" + targets["comments"][1].removeprefix("../")
        vml_part = "xl/" + targets["vmlDrawing"][1].removeprefix("../")
        assert comments_part != "xl/comments1.xml"  # the existing part is not overwritten
        assert z.read("xl/comments1.xml") == f"<comments {NS}/>".encode()
        vml = _xml(z, vml_part)
        x = "{urn:schemas-microsoft-com:office:excel}"
        v = "{urn:schemas-microsoft-com:vml}"
        shapes = vml.findall(f"{v}shape")
        anchors = [(s.findtext(f".//{x}Row"), s.findtext(f".//{x}Column")) for s in shapes]
        assert anchors == [("1", "1"), ("1", "2"), ("1", "3"), ("1", "4"), ("11", "27")]  # B2 C2 D2 E2 AB12
        assert all(s.find(f"{x}ClientData").get("ObjectType") == "Note" for s in shapes)
        ids = [s.get("id") for s in shapes]
        assert len(set(ids)) == len(ids)
        shapetype = vml.find(f"{v}shapetype").get("id")
        assert all(s.get("type") == f"#{shapetype}" for s in shapes)
        assert all("visibility:hidden" in s.get("style") for s in shapes)
        comments = _xml(z, comments_part)
        assert [c.get("ref") for c in comments.iter(f"{{{MAIN}}}comment")] == ["B2", "C2", "D2", "E2", "AB12"]
        sheet = _xml(z, "xl/worksheets/sheet1.xml")
        children = [etree.QName(c).localname for c in sheet]
        # CT_Worksheet's order: legacyDrawing after pageMargins and before tableParts
        assert children == ["sheetData", "pageMargins", "legacyDrawing", "tableParts"]
        legacy = sheet.find(f"{{{MAIN}}}legacyDrawing")
        assert legacy.get(f"{{{DOC_REL}}}id") == targets["vmlDrawing"][0]


def test_a_sheet_without_relationships_or_r_namespace_gets_both(annotated) -> None:
    _, out, _ = annotated
    with zipfile.ZipFile(out) as z:
        rels = _xml(z, "xl/worksheets/_rels/sheet3.xml.rels")
        kinds = {r.get("Type").rsplit("/", 1)[1]: r for r in rels}
        assert set(kinds) == {"comments", "vmlDrawing"}
        sheet = _xml(z, "xl/worksheets/sheet3.xml")
        assert [etree.QName(c).localname for c in sheet] == ["sheetData", "legacyDrawing"]
        assert sheet.find(f"{{{MAIN}}}legacyDrawing").get(f"{{{DOC_REL}}}id") == kinds["vmlDrawing"].get("Id")
        a_rels = {r.get("Target") for r in _xml(z, "xl/worksheets/_rels/sheet1.xml.rels")}
        c_targets = {r.get("Target") for r in rels}
        assert not (a_rels & c_targets)  # each sheet its own comments and drawing parts
        for target in c_targets:
            assert "xl/" + target.removeprefix("../") in z.namelist()
        assert "xl/worksheets/_rels/sheet2.xml.rels" not in z.namelist()


def test_content_types_declare_each_comments_part_and_vml_once(tmp_path: Path, annotated) -> None:
    _, out, _ = annotated
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    with zipfile.ZipFile(out) as z:
        types = _xml(z, "[Content_Types].xml")
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{ct}Override")
                     if "comments" in o.get("PartName")}
        comment_parts = {"/" + n for n in z.namelist() if re.fullmatch(r"xl/comments\d+\.xml", n)} - {
            "/xl/comments1.xml"}
        assert len(comment_parts) == 2 and set(overrides) == comment_parts
        assert set(overrides.values()) == {"application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"}
        vml = [d for d in types.iter(f"{ct}Default") if d.get("Extension") == "vml"]
        assert len(vml) == 1 and vml[0].get("ContentType") == "application/vnd.openxmlformats-officedocument." \
                                                             "vmlDrawing"
    with_vml = TYPES.replace("</Types>", '<Default Extension="vml" ContentType="application/vnd.openxmlformats-'
                                         'officedocument.vmlDrawing"/></Types>')
    source = _source(tmp_path / "vml.xlsx", types=with_vml, own_comments=False, existing_comments1=False)
    annotate_workbook(source, FINDINGS, tmp_path / "vml-out.xlsx")
    with zipfile.ZipFile(tmp_path / "vml-out.xlsx") as z:
        types = _xml(z, "[Content_Types].xml")
        assert len([d for d in types.iter(f"{ct}Default") if d.get("Extension") == "vml"]) == 1
        names = set(z.namelist())
        # three sheets with comments now, numbered from 1 without gaps
        assert {n for n in names if n.startswith("xl/comments")} == {f"xl/comments{k}.xml" for k in (1, 2, 3)}
        assert {n for n in names if n.startswith("xl/drawings/")} == {f"xl/drawings/vmlDrawing{k}.vml"
                                                                       for k in (1, 2, 3)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert openpyxl.load_workbook(tmp_path / "vml-out.xlsx")["B"]["A1"].comment.text == "[ID-001 error] m Fix: fix"


def test_every_other_member_is_copied_unchanged(annotated) -> None:
    source, out, _ = annotated
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out) as z:
        changed = {"xl/styles.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                   "xl/worksheets/sheet3.xml", "xl/worksheets/_rels/sheet1.xml.rels"}
        for name in zin.namelist():
            if name not in changed:
                assert z.read(name) == zin.read(name), name
        assert z.testzip() is None
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist() if i.filename not in zin.namelist())


def test_no_findings_with_cells_still_writes_a_readable_copy(tmp_path: Path) -> None:
    source = _source(tmp_path / "in.xlsx")
    assert annotate_workbook(source, [_f("ID-005", Severity.ERROR, None, None)], tmp_path / "o.xlsx") == 0
    with zipfile.ZipFile(tmp_path / "o.xlsx") as z, zipfile.ZipFile(source) as zin:
        assert z.read("xl/styles.xml") == zin.read("xl/styles.xml")
        assert z.read("xl/worksheets/sheet1.xml") == zin.read("xl/worksheets/sheet1.xml")
