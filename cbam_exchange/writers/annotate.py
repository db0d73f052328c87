"""An annotated copy of the supplier's workbook: every finding as a cell comment and a coloured highlight.

The sheet XML is patched (comments part, VML drawing, relationships, one extra fill and cell style per style used)
instead of round-tripping through openpyxl, which would drop the template's extensions; the supplier's file is
never modified. Comment text is supplier-independent (rule, message, remedy), escaped as XML.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import CellRef
from cbam_exchange.readers.xlsx_cells import WorkbookCells
from cbam_exchange.writers.atomic import atomic_output

_COLOURS = {Severity.ERROR: "FFFFC7CE", Severity.WARNING: "FFFFEB9C", Severity.INFO: "FFDDEBF7"}
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_REL_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
# the children of <worksheet> that the schema puts after <legacyDrawing>
_AFTER_LEGACY = {b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls", b"webPublishItems",
                 b"tableParts", b"extLst"}
_TAG = re.compile(rb"""<(/?)([\w:.-]+)(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_R_NS = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _comment_text(findings: list[Finding]) -> str:
    parts = []
    for f in findings:
        line = f"[{f.rule} {f.severity.value}] {f.message}"
        if f.expected:
            line += f" Expected: {f.expected}."
        parts.append(f"{line} Fix: {f.remedy}")
    return "\n\n".join(parts)


def _comments_xml(cells: dict[str, list[Finding]]) -> bytes:
    items = "".join(f'<comment ref="{cell}" authorId="0"><text><t xml:space="preserve">'
                    f"{escape(_comment_text(found))}</t></text></comment>" for cell, found in cells.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{_NS_MAIN}"><authors>'
            f"<author>cbam-exchange</author></authors><commentList>{items}</commentList></comments>").encode()


def _vml_xml(cells: dict[str, list[Finding]]) -> bytes:
    shapes = []
    for k, cell in enumerate(cells, start=1):
        ref = CellRef.parse(f"x!{cell}")
        shapes.append(
            f'<v:shape id="_x0000_s{1024 + k}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
            f'margin-top:2pt;width:320pt;height:120pt;z-index:{k};visibility:hidden" fillcolor="#ffffe1" '
            f'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            f'<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
            f'</div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:AutoFill>False</x:AutoFill><x:Row>{ref.row - 1}</x:Row><x:Column>{ref.col - 1}</x:Column>"
            f"</x:ClientData></v:shape>")
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
            'data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
            f'o:connecttype="rect"/></v:shapetype>{"".join(shapes)}</xml>').encode()


class _Styles:
    """Adds one highlighted copy of each cell style that a finding's cell uses."""

    def __init__(self, xml: bytes, source: Path) -> None:
        self.xml = xml
        fills = re.search(rb"<fills count=\"(\d+)\">(.*?)</fills>", xml, re.S)
        xfs = re.search(rb"<cellXfs count=\"(\d+)\">(.*?)</cellXfs>", xml, re.S)
        if not fills or not xfs:
            raise UnreadableInput(str(source), "the workbook's styles have no fills or cell formats to highlight with",
                                  location="xl/styles.xml", expected='<fills count="..."> and <cellXfs count="...">')
        self.fill_count = int(fills.group(1))
        self.xf_list = re.findall(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", xfs.group(2), re.S)
        self.new_fills: list[bytes] = []
        self.new_xfs: list[bytes] = []
        self.fill_of: dict[str, int] = {}
        self.done: dict[tuple[int, str], int] = {}

    def highlighted(self, style: int, colour: str) -> int:
        if (style, colour) not in self.done:
            if colour not in self.fill_of:
                self.fill_of[colour] = self.fill_count + len(self.new_fills)
                self.new_fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="{colour}"/>'
                                      f'<bgColor indexed="64"/></patternFill></fill>'.encode())
            xf = self.xf_list[style] if style < len(self.xf_list) else b'<xf numFmtId="0" fontId="0" fillId="0" ' \
                                                                       b'borderId="0" xfId="0"/>'
            xf = re.sub(rb'fillId="\d+"', f'fillId="{self.fill_of[colour]}"'.encode(), xf, count=1)
            if b"applyFill" not in xf:
                xf = xf.replace(b"<xf ", b'<xf applyFill="1" ', 1)
            self.done[(style, colour)] = len(self.xf_list) + len(self.new_xfs)
            self.new_xfs.append(xf)
        return self.done[(style, colour)]

    def result(self) -> bytes:
        xml = self.xml
        if self.new_fills:
            xml = re.sub(rb"<fills count=\"\d+\">(.*?)</fills>",
                         lambda m: b'<fills count="%d">' % (self.fill_count + len(self.new_fills)) + m.group(1)
                         + b"".join(self.new_fills) + b"</fills>", xml, count=1, flags=re.S)
        if self.new_xfs:
            xml = re.sub(rb"<cellXfs count=\"\d+\">(.*?)</cellXfs>",
                         lambda m: b'<cellXfs count="%d">' % (len(self.xf_list) + len(self.new_xfs)) + m.group(1)
                         + b"".join(self.new_xfs) + b"</cellXfs>", xml, count=1, flags=re.S)
        return xml


def _with_legacy_drawing(xml: bytes) -> bytes:
    """The sheet with <legacyDrawing r:id="rIdCbam2"/> in its schema position, before the first direct child of
    <worksheet> that follows it (an <extLst> nested in a conditional format's rule, as Excel writes for data bars,
    is none), and the r namespace declared on <worksheet> if it is not already."""
    root = next(_TAG.finditer(xml))
    rows_end = xml.find(b"</sheetData>")  # the rows hold none of those children: not scanned, for speed
    depth = 0
    for m in _TAG.finditer(xml, max(root.end(), rows_end + len(b"</sheetData>"))):
        closing, name, empty = m.groups()
        if depth == 0 and (closing or name in _AFTER_LEGACY):
            break
        depth += -1 if closing else 0 if empty else 1
    out = xml[:m.start()] + b'<legacyDrawing r:id="rIdCbam2"/>' + xml[m.start():]
    if b"xmlns:r=" in root.group(0):
        return out
    return out[:root.start()] + root.group(0)[:-1] + b" " + _R_NS + b">" + out[root.end():]


def _worst(findings: list[Finding]) -> Severity:
    order = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    return min((f.severity for f in findings), key=order.index)


def annotate_workbook(source: Path, findings: Iterable[Finding], target: Path) -> int:
    """Write `target`, a copy of `source` with comments and highlights; returns how many cells were annotated."""
    by_sheet: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        if f.sheet and f.cell:
            by_sheet[f.sheet][f.cell].append(f)
    cells = WorkbookCells(source, {})
    parts = cells.sheet_parts
    cells.close()
    annotated = 0
    with zipfile.ZipFile(source) as zin:
        names = set(zin.namelist())
        styles = _Styles(zin.read("xl/styles.xml"), source)
        replaced: dict[str, bytes] = {}
        added: dict[str, bytes] = {}
        content_types = zin.read("[Content_Types].xml")
        serial = 1
        for sheet, found in by_sheet.items():
            part = parts.get(sheet)
            if part is None:
                continue
            xml = zin.read(part)
            for cell, items in found.items():
                colour = _COLOURS[_worst(items)]

                def restyle(m: re.Match[bytes]) -> bytes:
                    attrs = m.group(1)
                    style = re.search(rb'\bs="(\d+)"', attrs)
                    new = styles.highlighted(int(style.group(1)) if style else 0, colour)
                    attrs = re.sub(rb'\s+s="\d+"', b"", attrs)
                    return b'<c r="' + cell.encode() + b'"' + attrs + b' s="%d"' % new + m.group(2)

                xml = re.sub(rb'<c r="' + cell.encode() + rb'"([^>]*?)(/?>)', restyle, xml, count=1)
                annotated += 1
            rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if b"<legacyDrawing " in xml:
                replaced[part] = xml  # the sheet has comments of its own: highlight only
                continue
            while f"xl/comments{serial}.xml" in names or f"xl/drawings/vmlDrawing{serial}.vml" in names:
                serial += 1
            comments, vml = f"xl/comments{serial}.xml", f"xl/drawings/vmlDrawing{serial}.vml"
            names |= {comments, vml}
            added[comments], added[vml] = _comments_xml(found), _vml_xml(found)
            rels = zin.read(rels_name) if rels_name in zin.namelist() else (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                b'openxmlformats.org/package/2006/relationships"></Relationships>')
            rels = rels.replace(b"</Relationships>",
                                f'<Relationship Id="rIdCbam1" Type="{_REL_COMMENTS}" Target="../comments{serial}.xml"/>'
                                f'<Relationship Id="rIdCbam2" Type="{_REL_VML}" '
                                f'Target="../drawings/vmlDrawing{serial}.vml"/></Relationships>'.encode())
            if rels_name in zin.namelist():
                replaced[rels_name] = rels
            else:
                added[rels_name] = rels
            replaced[part] = _with_legacy_drawing(xml)
            content_types = content_types.replace(
                b"</Types>", f'<Override PartName="/{comments}" ContentType="application/vnd.openxmlformats-'
                             f'officedocument.spreadsheetml.comments+xml"/></Types>'.encode())
            serial += 1
        if b'Extension="vml"' not in content_types:
            content_types = content_types.replace(
                b"</Types>", b'<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.'
                             b'vmlDrawing"/></Types>')
        replaced["xl/styles.xml"] = styles.result()
        replaced["[Content_Types].xml"] = content_types
        with atomic_output(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, replaced.get(info.filename, zin.read(info.filename)))
            for name, data in added.items():
                zout.writestr(name, data)
    return annotated
