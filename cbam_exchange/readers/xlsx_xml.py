"""Parsing one XML part of an .xlsx package safely, namespace-agnostic.

Every part goes through lxml with entity resolution, DTD loading and network access switched off, and a part that
carries a DOCTYPE is refused outright: ECMA-376 Part 2 (Open Packaging Conventions, M1.17) forbids DTDs in a
package, so a DOCTYPE is never legitimate and is the carrier of every XML attack (external entities, billion
laughs, quadratic blow-up). Elements are matched by local name within the SpreadsheetML namespaces (Transitional
and Strict), so prefixes (`<x:c>`) and the Strict namespaces read the same as Excel's own output.
"""

from __future__ import annotations

import io
from functools import cache
from collections.abc import Iterator

from lxml import etree

from cbam_exchange.errors import UnreadableInput

MAIN_NAMESPACES = frozenset({
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",  # Transitional (what Excel writes)
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict
    "",  # no namespace at all: written by careless scripts; read rather than refused
})


@cache
def tags(name: str) -> frozenset[str]:
    """Every tag SpreadsheetML's `name` can have once parsed (one per namespace)."""
    return frozenset(f"{{{ns}}}{name}" if ns else name for ns in MAIN_NAMESPACES)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def local(tag: object) -> str:
    """The local name of an element tag ('' for comments and the like)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]



def is_main(element: etree._Element, name: str) -> bool:
    """True where `element` is SpreadsheetML's `name` (any prefix, Transitional or Strict)."""
    return element.tag in tags(name)


def _doctype_error(file: str, part: str, found: str) -> UnreadableInput:
    return UnreadableInput(file, "the part carries a DOCTYPE, which an .xlsx package may not contain "
                           "(ECMA-376 Part 2); it was refused unread", location=part, found=found[:80],
                           expected="XML without a DOCTYPE")


def _prolog_declaration(data: bytes) -> str | None:
    """The `<!…` declaration before the root element, if any: decided before the parser sees the part, so that no
    DTD is ever processed (libxml2 would otherwise still read entity declarations)."""
    head = data[: 1 << 20]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif head[:2] in (b"<\0", b"\0<"):
        text = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore")
    else:
        text = head.decode("latin-1")  # UTF-8 and every ASCII-compatible encoding: markup is ASCII
    pos = 0
    while (pos := text.find("<", pos)) >= 0:
        if text.startswith("<?", pos) or text.startswith("<!--", pos):
            end = text.find("?>" if text[pos + 1] == "?" else "-->", pos)
            if end < 0:
                return None
            pos = end + 2
            continue
        return text[pos:pos + 80].split(">")[0] + ">" if text.startswith("<!", pos) else None
    return None


def _refuse_doctype(tree: etree._ElementTree, file: str, part: str) -> None:
    """The parser's own view, in case an encoding hid the declaration from the scan of the prolog."""
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise _doctype_error(file, part, info.doctype or "<!DOCTYPE …>")


def _refuse_doctype_before_parsing(data: bytes, file: str, part: str) -> None:
    found = _prolog_declaration(data)
    if found is not None:
        raise _doctype_error(file, part, found)


def _syntax_error(file: str, part: str, exc: Exception) -> UnreadableInput:
    message = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
    return UnreadableInput(file, "a part of the workbook is not well-formed XML; the file is damaged", location=part,
                           found=message, expected="well-formed XML (open and save the file again in Excel)")


def parse(data: bytes, file: str, part: str) -> etree._Element:
    """The root element of a whole part (small parts: workbook, relationships, shared strings, row slices)."""
    _refuse_doctype_before_parsing(data, file, part)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(file, part, exc) from None
    _refuse_doctype(root.getroottree(), file, part)
    return root


def iter_children(data: bytes, file: str, part: str, parent: str, child: str) -> Iterator[etree._Element]:
    """Stream the `child` elements of SpreadsheetML `parent` elements, each cleared once the caller moves on
    (bounded memory) unless the caller detached it to keep it. libxml2 filters the elements, so Python sees only
    the children asked for.

    A DOCTYPE is refused at the first child, before any content reaches the caller (nothing is resolved or loaded
    meanwhile: entities are off), and at the end for a part without such children.
    """
    _refuse_doctype_before_parsing(data, file, part)
    parents = tags(parent)
    events = etree.iterparse(io.BytesIO(data), events=("end",), tag=sorted(tags(child)), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    checked = False
    try:
        for _, element in events:
            if not checked:
                _refuse_doctype(element.getroottree(), file, part)
                checked = True
            holder = element.getparent()
            if holder is None or holder.tag not in parents:
                continue
            yield element
            if element.getparent() is holder:  # a caller that keeps an element detaches it first
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del holder[0]
        if not checked and events.root is not None:
            _refuse_doctype(events.root.getroottree(), file, part)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(file, part, exc) from None
