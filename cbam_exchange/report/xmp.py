"""The draft's XMP metadata for PDF/A-3b, following the Factur-X / ZUGFeRD conventions for an embedded
machine-readable part: the usual Dublin Core, PDF and XMP basic properties, and a PDF/A extension schema declaring
our own namespace (document type, file name of the machine-readable entry point, contract version).

ISO 19005-3 requires every property outside the predefined schemas to be declared by an extension schema in the
same packet, and the document information dictionary to agree with the XMP; `info_dictionary` gives the entries
that must match."""

from __future__ import annotations

import datetime as dt

from lxml import etree

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "cbamx": "urn:cbam-exchange:pdfa:draft-evidence:1p0#",
}
DOCUMENT_TYPE = "CBAM VERIFICATION REPORT DRAFT"
_PROPERTIES = {
    "DocumentType": "Type of the document: CBAM VERIFICATION REPORT DRAFT",
    "DocumentFileName": "Name of the embedded manifest that lists and hashes the machine-readable evidence",
    "Version": "Version of the cbam-exchange draft-evidence contract",
}


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    prefix, local = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{local}")
    for key, value in attrs.items():
        p, name = key.split("_", 1)
        element.set(f"{{{NS[p]}}}{name}", value)
    if text is not None:
        element.text = text
    return element


def _description(rdf: etree._Element, *prefixes: str) -> etree._Element:
    element = etree.SubElement(rdf, f"{{{NS['rdf']}}}Description", nsmap={p: NS[p] for p in prefixes})
    element.set(f"{{{NS['rdf']}}}about", "")
    return element


def xmp_date(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def pdf_date(moment: dt.datetime) -> str:
    """The same moment as a PDF date string, D:YYYYMMDDHHmmSS+HH'mm'."""
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def xmp_packet(*, title: str, subject: str, keywords: str, creator_tool: str, producer: str,
               created: dt.datetime, file_name: str, version: str) -> bytes:
    """The complete XMP packet for the draft."""
    root = etree.Element(f"{{{NS['x']}}}xmpmeta", nsmap={"x": NS["x"]})
    rdf = etree.SubElement(root, f"{{{NS['rdf']}}}RDF", nsmap={"rdf": NS["rdf"]})

    ident = _description(rdf, "pdfaid")
    _el(ident, "pdfaid:part", "3")
    _el(ident, "pdfaid:conformance", "B")

    dc = _description(rdf, "dc")
    _el(dc, "dc:format", "application/pdf")
    for prop, value in (("dc:title", title), ("dc:description", subject)):
        alt = _el(_el(dc, prop), "rdf:Alt")
        li = _el(alt, "rdf:li", value)
        li.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
    _el(_el(_el(dc, "dc:creator"), "rdf:Seq"), "rdf:li", creator_tool)

    pdf = _description(rdf, "pdf")
    _el(pdf, "pdf:Keywords", keywords)
    _el(pdf, "pdf:Producer", producer)

    xmp = _description(rdf, "xmp")
    _el(xmp, "xmp:CreatorTool", creator_tool)
    for prop in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        _el(xmp, prop, xmp_date(created))

    ours = _description(rdf, "cbamx")
    _el(ours, "cbamx:DocumentType", DOCUMENT_TYPE)
    _el(ours, "cbamx:DocumentFileName", file_name)
    _el(ours, "cbamx:Version", version)

    extension = _description(rdf, "pdfaExtension", "pdfaSchema", "pdfaProperty")
    schema = _el(_el(_el(extension, "pdfaExtension:schemas"), "rdf:Bag"), "rdf:li", rdf_parseType="Resource")
    _el(schema, "pdfaSchema:schema", "cbam-exchange verification-report draft evidence")
    _el(schema, "pdfaSchema:namespaceURI", NS["cbamx"])
    _el(schema, "pdfaSchema:prefix", "cbamx")
    seq = _el(_el(schema, "pdfaSchema:property"), "rdf:Seq")
    for name, description in _PROPERTIES.items():
        prop = _el(seq, "rdf:li", rdf_parseType="Resource")
        _el(prop, "pdfaProperty:name", name)
        _el(prop, "pdfaProperty:valueType", "Text")
        _el(prop, "pdfaProperty:category", "external")
        _el(prop, "pdfaProperty:description", description)

    body = etree.tostring(root, encoding="utf-8")
    return (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + body
            + b'\n<?xpacket end="w"?>')


def info_dictionary(*, title: str, subject: str, keywords: str, creator_tool: str, producer: str,
                    created: dt.datetime) -> dict[str, str]:
    """The document information entries that must agree with the XMP packet."""
    return {"/Title": title, "/Subject": subject, "/Keywords": keywords, "/Author": creator_tool,
            "/Creator": creator_tool, "/Producer": producer, "/CreationDate": pdf_date(created),
            "/ModDate": pdf_date(created)}
