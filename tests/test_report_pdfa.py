"""PDF/A-3b and the Factur-X conventions, checked from the file alone (pikepdf for the structure, lxml for the XMP).

No independent PDF/A validator installs from PyPI, Debian or npm here (veraPDF, the reference validator, is a Java
program distributed outside these registries), so these tests state the rules of ISO 19005-3 that a draft can break
through what this toolkit writes, and check each one. What they do not check is listed in the README (colour spaces
of every content stream against the output intent, font programs against their width tables, transparency)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from tests.conftest import ROOT

pytest.importorskip("weasyprint")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Schemas predefined by XMP and ISO 19005 that need no extension schema (ISO 19005-3, 6.6.2.3.1)
PREDEFINED = {"http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/pdf/1.3/",
              "http://ns.adobe.com/xap/1.0/mm/", "http://www.aiim.org/pdfa/ns/id/",
              "http://www.aiim.org/pdfa/ns/extension/", "http://www.aiim.org/pdfa/ns/schema#",
              "http://www.aiim.org/pdfa/ns/property#", "http://ns.adobe.com/xap/1.0/rights/",
              "http://ns.adobe.com/xap/1.0/sType/ResourceRef#"}
RELATIONSHIPS = {"/Source", "/Data", "/Alternative", "/Supplement", "/EncryptedPayload", "/FormData", "/Schema",
                 "/Unspecified"}


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cbam_exchange.report.pdf import write_draft

    target = tmp_path_factory.mktemp("pdfa") / "draft.pdf"
    write_draft(ROOT / "examples/cement-clinker-two-cements.json", target)
    return target


@pytest.fixture(scope="module")
def signed(draft: Path) -> Path:
    """The draft signed with a self-signed certificate made now."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from cbam_exchange.report.signature import sign

    now = dt.datetime.now(dt.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PDF/A Test Signer")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    key_path, cert_path = draft.with_name("k.pem"), draft.with_name("c.pem")
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    target = draft.with_name("signed.pdf")
    target.write_bytes(sign(draft.read_bytes(), key_path, cert_path))
    return target


def _xmp(pdf: pikepdf.Pdf) -> etree._Element:
    stream = pdf.Root.Metadata
    assert "/Filter" not in stream, "the metadata stream must not be filtered (6.6.2.1)"
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(stream.read_bytes(), parser)


def _value(xmp: etree._Element, ns: str, local: str) -> str | None:
    """A simple property (element or attribute form), or the first item of an Alt/Seq/Bag."""
    for element in xmp.iter(f"{{{ns}}}{local}"):
        items = element.findall(f".//{{{RDF}}}li")
        return (items[0].text if items else element.text) or ""
    for description in xmp.iter(f"{{{RDF}}}Description"):
        if f"{{{ns}}}{local}" in description.attrib:
            return description.attrib[f"{{{ns}}}{local}"]
    return None


def _field(element: etree._Element, ns: str, local: str) -> str | None:
    """A field of an rdf:li of parseType Resource, written as a child element or as an attribute of a Description."""
    found = element.findtext(f"{{{ns}}}{local}")
    if found is not None:
        return found
    for description in element.iter(f"{{{RDF}}}Description"):
        if f"{{{ns}}}{local}" in description.attrib:
            return description.attrib[f"{{{ns}}}{local}"]
    return None


def _pdf_date(value: str) -> dt.datetime:
    match = re.fullmatch(r"D:(\d{14})(?:Z(?:00'00'?)?|([+-])(\d\d)'(\d\d)'?)", value)
    assert match, value
    moment = dt.datetime.strptime(match[1], "%Y%m%d%H%M%S")
    offset = dt.timedelta(hours=int(match[3] or 0), minutes=int(match[4] or 0)) * (-1 if match[2] == "-" else 1)
    return moment.replace(tzinfo=dt.timezone(offset))


def test_file_structure(draft: Path) -> None:
    data = draft.read_bytes()
    assert re.match(rb"%PDF-1\.[4-7]\r?\n%[\x80-\xff]{4}", data), "header and binary comment (6.1.2)"
    with pikepdf.open(draft) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf reads every object and stream
        assert "/Encrypt" not in pdf.trailer and "/ID" in pdf.trailer  # 6.1.3
        assert "/JavaScript" not in (pdf.Root.get("/Names") or {}) and "/AA" not in pdf.Root
        intents = [i for i in pdf.Root.OutputIntents if i.S == "/GTS_PDFA1"]
        assert intents and "/DestOutputProfile" in intents[0]  # 6.2.3
        assert pdf.Root.PageMode == "/UseAttachments"  # Factur-X convention: the attachments panel opens


@pytest.mark.parametrize("which", ["draft", "signed"])
def test_xmp_identifies_pdfa3b_and_declares_every_extension_property(which: str,
                                                                      request: pytest.FixtureRequest) -> None:
    with pikepdf.open(request.getfixturevalue(which)) as pdf:
        xmp = _xmp(pdf)
    assert _value(xmp, "http://www.aiim.org/pdfa/ns/id/", "part") == "3"
    assert _value(xmp, "http://www.aiim.org/pdfa/ns/id/", "conformance") == "B"
    declared: dict[str, set[str]] = {}
    for schema in xmp.iter("{http://www.aiim.org/pdfa/ns/extension/}schemas"):
        for li in schema.findall(f"{{{RDF}}}Bag/{{{RDF}}}li"):
            uri = _field(li, "http://www.aiim.org/pdfa/ns/schema#", "namespaceURI")
            names = {_field(p, "http://www.aiim.org/pdfa/ns/property#", "name")
                     for p in li.iter(f"{{{RDF}}}li") if p is not li}
            declared.setdefault(uri, set()).update(n for n in names if n)
    used: dict[str, set[str]] = {}
    for description in xmp.iter(f"{{{RDF}}}Description"):
        for tag in [prop.tag for prop in description] + list(description.attrib):
            ns, local = tag[1:].split("}")
            if ns not in PREDEFINED and ns != RDF:
                used.setdefault(ns, set()).add(local)
    assert used, "the draft's own properties are in the XMP"
    for ns, names in used.items():
        assert names <= declared.get(ns, set()), f"{ns}: {names - declared.get(ns, set())} not declared (6.6.2.3)"
    ours = next(iter(used))
    assert _value(xmp, ours, "DocumentType") == "CBAM VERIFICATION REPORT DRAFT"
    assert _value(xmp, ours, "DocumentFileName") == "manifest.json"
    assert _value(xmp, ours, "Version")


@pytest.mark.parametrize("which", ["draft", "signed"])
def test_document_information_agrees_with_the_xmp(which: str, request: pytest.FixtureRequest) -> None:
    with pikepdf.open(request.getfixturevalue(which)) as pdf:
        xmp, info = _xmp(pdf), {k: str(v) for k, v in pdf.docinfo.items()}
    dc, xap, pdfns = "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/pdf/1.3/"
    assert info["/Title"] == _value(xmp, dc, "title") and "Verification-report draft" in info["/Title"]
    assert info["/Subject"] == _value(xmp, dc, "description")
    assert info["/Author"] == _value(xmp, dc, "creator")
    assert info["/Keywords"] == _value(xmp, pdfns, "Keywords") and "CBAM" in info["/Keywords"]
    assert info["/Creator"] == _value(xmp, xap, "CreatorTool") and info["/Creator"].startswith("cbam-exchange")
    assert info["/Producer"] == _value(xmp, pdfns, "Producer")
    for key, prop in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
        assert _pdf_date(info[key]) == dt.datetime.fromisoformat(_value(xmp, xap, prop) or "")


def test_every_embedded_file_is_associated_and_described(draft: Path) -> None:
    with pikepdf.open(draft) as pdf:
        associated = {spec.objgen for spec in pdf.Root.AF}
        assert len(pdf.attachments) == 6
        for name, attached in pdf.attachments.items():
            spec = attached.obj
            assert spec.objgen in associated, f"{name} is not in the document's /AF (6.8)"
            assert str(spec.get("/AFRelationship")) in RELATIONSHIPS, name
            assert str(spec.UF) == name and "/F" in spec and "/Desc" in spec
            stream = spec.EF.F
            assert str(stream.get("/Subtype", "")).startswith("/application"), f"{name} has no MIME type (6.8)"
            assert "/ModDate" in stream.Params, f"{name} has no /ModDate in /Params"
            _pdf_date(str(stream.Params.ModDate))
        source = pdf.attachments["cement-clinker-two-cements.json"].obj
        assert source.AFRelationship == "/Source"


def test_every_font_is_embedded(draft: Path) -> None:
    with pikepdf.open(draft) as pdf:
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), str(font.BaseFont)
