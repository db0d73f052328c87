"""Test-only rewriters: re-serialize a workbook's XML parts in the other forms ECMA-376 allows (prefixes, quoting,
attribute order, whitespace, rows and cells without `r`, full end tags, CDATA, character references, xml:space,
rich text, inline strings, an extra empty shared string, UTF-16, Strict namespaces, absolute relationship targets),
so that a reader can be shown to read each form as the same data. lxml parses and serializes; the forms lxml does
not write itself are made by editing its output's tags (where '<' and '>' occur only as tag delimiters)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import unescape

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"


_TEXT = re.compile(r"(<(v|t|f)\b[^<>]*[^/<>]>)([^<]+)(</\2>)")


def _tostring(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def _declared(text: str, encoding: str = "UTF-8") -> str:
    return f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n' + text


def prefixed(root: etree._Element) -> str:
    """Every element of the part's default namespace written with the prefix 'x:'."""
    text = _tostring(root)
    if text.count('xmlns="') != 1:
        return text
    return re.sub(r"<(/?)(?![\w.-]+:)([\w.-]+)", r"<\1x:\2", text).replace('xmlns="', 'xmlns:x="', 1)


def _quotes_only_in_tags(text: str) -> str:
    """Text content with '"' written as &quot; (lxml writes it literally), so that '="' occurs only in tags."""
    return re.sub(r'>([^<]*"[^<]*)<', lambda m: ">" + m.group(1).replace('"', "&quot;") + "<", text)


def single_quotes_reversed(root: etree._Element) -> str:
    for element in root.iter(etree.Element):
        items = list(element.attrib.items())
        element.attrib.clear()
        for key, value in reversed(items):
            element.set(key, value)
    text = _quotes_only_in_tags(_tostring(root))
    text = re.sub(r'="([^"]*\'[^"]*)"', lambda m: '="' + m.group(1).replace("'", "&apos;") + '"', text)
    return re.sub(r'="([^"]*)"', r"='\1'", text)


def spaced(root: etree._Element) -> str:
    """Newlines and tabs inside every tag: after the name, around '=', and before '>' or '/>'."""
    text = _quotes_only_in_tags(_tostring(root))
    text = re.sub(r'\s([\w:.-]+)="', r'\n\t\1 =\t"', text)
    return re.sub(r"(/?)>", r"\n\1>", text)  # lxml writes '>' in text and attributes as &gt;


def full_end_tags(root: etree._Element) -> str:
    for element in root.iter(etree.Element):
        if len(element) == 0 and element.text is None:
            element.text = ""
    return _tostring(root)


def cdata(root: etree._Element) -> str:
    for element in root.iter(*(f"{{{ns}}}{n}" for ns in (MAIN,) for n in ("v", "t", "f"))):
        if element.text and "]]>" not in element.text and "\r" not in element.text:
            element.text = etree.CDATA(element.text)
    return _tostring(root)


def character_references(root: etree._Element) -> str:
    def edit(m: re.Match[str]) -> str:
        value = unescape(m.group(3), {"&#13;": "\r"})
        return m.group(1) + "".join(f"&#{ord(ch)};" for ch in value) + m.group(4)
    return _TEXT.sub(edit, _tostring(root))


def xml_space_preserve(root: etree._Element) -> str:
    for element in root.iter(f"{{{MAIN}}}v", f"{{{MAIN}}}t"):
        element.set(f"{{{XML_NS}}}space", "preserve")
    return _tostring(root)


def _q(local: str) -> str:
    return f"{{{MAIN}}}{local}"


def drop_refs(root: etree._Element) -> None:
    """Rows and cells without `r`: gaps are filled with empty rows and cells, so every position is implicit."""
    data = root.find(_q("sheetData"))
    if data is None:
        return
    previous = 0
    for row in list(data):
        number = int(row.get("r"))
        for k in range(previous + 1, number):
            row.addprevious(etree.Element(_q("row")))
        previous = number
        del row.attrib["r"]
        col = 0
        for c in list(row):
            m = re.fullmatch(r"([A-Z]+)\d+", c.get("r"))
            target = 0
            for ch in m.group(1):
                target = target * 26 + ord(ch) - 64
            for _ in range(col + 1, target):
                c.addprevious(etree.Element(_q("c")))
            col = target
            del c.attrib["r"]


def rich_strings(root: etree._Element) -> None:
    """Each shared string as two rich-text runs plus a phonetic run that is not part of the value."""
    for si in root.findall(_q("si")):
        t = si.find(_q("t"))
        if t is None:
            continue
        text = t.text or ""
        si.remove(t)
        for piece, bold in ((text[: len(text) // 2], False), (text[len(text) // 2:], True)):
            run = etree.SubElement(si, _q("r"))
            if bold:
                etree.SubElement(etree.SubElement(run, _q("rPr")), _q("b"))
            etree.SubElement(run, _q("t")).text = piece
        phonetic = etree.SubElement(si, _q("rPh"), sb="0", eb="1")
        etree.SubElement(phonetic, _q("t")).text = "PHONETIC"


def inline_strings(root: etree._Element, strings: list[str]) -> None:
    for c in root.iter(_q("c")):
        if c.get("t") == "s":
            v = c.find(_q("v"))
            c.set("t", "inlineStr")
            c.remove(v)
            etree.SubElement(etree.SubElement(c, _q("is")), _q("t")).text = strings[int(v.text)]


def shift_string_indices(root: etree._Element, by: int) -> None:
    for c in root.iter(_q("c")):
        if c.get("t") == "s":
            v = c.find(_q("v"))
            v.text = str(int(v.text) + by)


def shared_strings_of(zin: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zin.namelist():
        return []
    root = etree.fromstring(zin.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(_q("t"))) for si in root.findall(_q("si"))]


Rewrite = Callable[[str, bytes, list[str]], bytes]


def _xml_parts(name: str) -> bool:
    return name.endswith((".xml", ".rels")) and (name.startswith("xl/") or name.startswith("_rels/"))


def _whole(form: Callable[[etree._Element], str]) -> Rewrite:
    def rewrite(name: str, data: bytes, strings: list[str]) -> bytes:
        if not _xml_parts(name):
            return data
        return _declared(form(etree.fromstring(data))).encode("utf-8")
    return rewrite


def _sheet_edit(edit: Callable[[etree._Element, list[str]], None], sst: Callable[[etree._Element], None] | None = None
                ) -> Rewrite:
    def rewrite(name: str, data: bytes, strings: list[str]) -> bytes:
        if "worksheets/sheet" in name and name.endswith(".xml"):
            root = etree.fromstring(data)
            edit(root, strings)
            return _declared(_tostring(root)).encode("utf-8")
        if sst is not None and name == "xl/sharedStrings.xml":
            root = etree.fromstring(data)
            sst(root)
            return _declared(_tostring(root)).encode("utf-8")
        return data
    return rewrite


def _utf16(name: str, data: bytes, strings: list[str]) -> bytes:
    if not _xml_parts(name):
        return data
    return _declared(_tostring(etree.fromstring(data)), "UTF-16").encode("utf-16")  # with a byte-order mark


def _strict(name: str, data: bytes, strings: list[str]) -> bytes:
    return data.replace(MAIN.encode(), STRICT_MAIN.encode()).replace(REL.encode(), STRICT_REL.encode())


def _absolute_targets(name: str, data: bytes, strings: list[str]) -> bytes:
    if name == "xl/_rels/workbook.xml.rels":
        return re.sub(rb'Target="(?!/)([^"]+)"', rb'Target="/xl/\1"', data)
    return data


def _empty_first_string(root: etree._Element) -> None:
    root.insert(0, etree.Element(_q("si")))


FORMS: dict[str, Rewrite] = {
    "prefixed": _whole(prefixed),
    "single-quotes-reversed-attributes": _whole(single_quotes_reversed),
    "whitespace-inside-tags": _whole(spaced),
    "full-end-tags": _whole(full_end_tags),
    "cdata": _whole(cdata),
    "character-references": _whole(character_references),
    "xml-space-preserve": _whole(xml_space_preserve),
    "no-row-or-cell-references": _sheet_edit(lambda root, strings: drop_refs(root)),
    "rich-text-runs": _sheet_edit(lambda root, strings: None, rich_strings),
    "inline-strings": _sheet_edit(inline_strings),
    "empty-shared-string-first": _sheet_edit(lambda root, strings: shift_string_indices(root, 1),
                                             _empty_first_string),
    "utf-16": _utf16,
    "strict-namespaces": _strict,
    "absolute-relationship-targets": _absolute_targets,
}


def rewrite_workbook(src: Path, dst: Path, rewrite: Rewrite, parts: set[str] | None = None) -> Path:
    """Copy `src` to `dst`, passing every part named in `parts` (all where None) through `rewrite`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        strings = shared_strings_of(zin)
        for info in zin.infolist():
            data = zin.read(info.filename)
            if parts is None or info.filename in parts:
                data = rewrite(info.filename, data, strings)
            zout.writestr(info, data)
    return dst
