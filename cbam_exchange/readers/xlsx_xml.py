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


def _refuse_doctype(tree: etree._ElementTree, file: str, part: str) -> None:
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnreadableInput(file, "the part carries a DOCTYPE, which an .xlsx package may not contain "
                              "(ECMA-376 Part 2); it was refused unread", location=part,
                              found=(info.doctype or "<!DOCTYPE …>")[:80], expected="XML without a DOCTYPE")


def _syntax_error(file: str, part: str, exc: Exception) -> UnreadableInput:
    message = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
    return UnreadableInput(file, "a part of the workbook is not well-formed XML; the file is damaged", location=part,
                           found=message, expected="well-formed XML (open and save the file again in Excel)")


def parse(data: bytes, file: str, part: str) -> etree._Element:
    """The root element of a whole part (small parts: workbook, relationships, shared strings, row slices)."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(file, part, exc) from None
    _refuse_doctype(root.getroottree(), file, part)
    return root


def iter_children(data: bytes, file: str, part: str, parent: str, child: str) -> Iterator[etree._Element]:
    """Stream the `child` elements of SpreadsheetML `parent` elements, clearing each after use (bounded memory).

    The DOCTYPE check runs at the root's start event, before any content is read.
    """
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    parents, children = tags(parent), tags(child)
    depth_in_parent = 0
    first = True
    try:
        for event, element in events:
            if first:
                _refuse_doctype(element.getroottree(), file, part)
                first = False
            if event == "start":
                if element.tag in parents:
                    depth_in_parent += 1
                continue
            if element.tag in parents:
                depth_in_parent -= 1
                element.clear()
            elif depth_in_parent and element.tag in children and element.getparent().tag in parents:
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(file, part, exc) from None
