"""The verifier's PAdES signature on a draft (pyHanko): sign, and verify who signed and whether the file changed
since. A signature covers the whole draft, evidence included, so a draft regenerated from an edited submission
cannot carry the verifier's signature."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from cbam_exchange.errors import UnreadableInput

FIELD = "VerifierSignature"
# pyHanko logs validation failures with tracebacks; the outcome is reported in one line instead
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass
class SignatureState:
    """One signature as found: who signed, whether it still covers the file, whether its signer is trusted."""

    signer: str
    valid: bool
    problem: str | None
    trusted: bool | None  # None: no trust root was given

    def describe(self) -> str:
        if not self.valid:
            return f"signature by {self.signer} is broken: {self.problem}"
        trust = ("signer's certificate chains to the given trust root" if self.trusted
                 else "signer's certificate does NOT chain to the given trust root" if self.trusted is False
                 else "signer's certificate not checked against a trust root (give --trust)")
        return f"signed by {self.signer}: signature valid, covers the whole file; {trust}"


def sign(data: bytes, key: Path, cert: Path, *, passphrase: bytes | None = None,
         chain: tuple[Path, ...] = ()) -> bytes:
    """`data` with a PAdES (ETSI.CAdES.detached) signature of the holder of `key` and `cert` added as an
    incremental update: the draft as made stays byte for byte inside the signed file."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load(str(key), str(cert), ca_chain_files=[str(c) for c in chain] or None,
                                       key_passphrase=passphrase)
    if signer is None:
        raise UnreadableInput(key.name, "the key or certificate cannot be read (PEM or DER expected; is the key "
                                        "encrypted without a passphrase given?)")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        info = writer.prev.trailer_view.get("/Info")
    except Exception as exc:
        raise UnreadableInput("draft", f"not a PDF that can be signed ({type(exc).__name__})") from None
    if info is not None:
        # pyHanko writes its own name as the XMP producer; the information dictionary must say the same (PDF/A)
        updated = generic.DictionaryObject({k: v for k, v in info.get_object().items()})
        updated["/Producer"] = generic.TextStringObject(VENDOR)
        writer.set_info(updated)
    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="Verification-report draft reviewed by the verifier")
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def verify(data: bytes, trust: list[bytes] | None = None) -> list[SignatureState]:
    """Every signature in `data`; empty where the draft is not signed."""
    if b"/ByteRange" not in data:
        # a signature's /ByteRange must stand in the file's bytes (the range excludes /Contents, so the signature
        # dictionary is never in a compressed object stream): without one there is nothing to validate, and an
        # unsigned draft is checked without loading pyHanko and parsing the file again (0.4 s)
        return []
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return []
    if not embedded:
        return []
    roots = []
    if trust:
        from asn1crypto import pem, x509

        for blob in trust:
            der = pem.unarmor(blob)[2] if pem.detect(blob) else blob
            roots.append(x509.Certificate.load(der))
    states = []
    for signature in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False) if roots else None
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception as exc:
            states.append(SignatureState("an unknown signer", False, f"cannot be validated ({type(exc).__name__})",
                                         None))
            continue
        signer = status.signing_cert.subject.human_friendly if status.signing_cert else "an unknown signer"
        problem = None
        if not status.intact or not status.valid:
            problem = "the signed bytes were changed after signing"
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
                status.modification_level is None or status.modification_level > ModificationLevel.LTA_UPDATES):
            problem = "the file was changed after signing (an update was appended after the signed revision)"
        states.append(SignatureState(signer, problem is None, problem, status.trusted if roots else None))
    return states
