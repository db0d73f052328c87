"""`cbam report check`: is the draft as its maker left it, and do its pages follow from its evidence?

Outcomes (and the exit codes the CLI gives them):
  intact (0)            every attachment is listed and matches the manifest, the findings and recomputation follow
                        from the embedded submission, and every page shows what the evidence renders to;
  altered (1)           something differs: an attachment, an unlisted or missing file, the manifest gone, a figure
                        or word on a page, or a signature that no longer covers the file;
  cannot reproduce (4)  made by another version of the toolkit: hashes and pages match what the draft recorded when
                        it was made, but this version cannot re-derive them, so an alteration could go unseen.
Unreadable files (not a PDF, not a draft) end with exit 2 through `UnreadableInput`.

Without a signature, anyone with the toolkit can edit the submission and make a new, self-consistent draft: only
the verifier's signature (`cbam report sign`) shows whose draft it is.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cbam_exchange import __version__
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.report.evidence import CONTEXT, FINDINGS, MANIFEST, PAGES, RECOMPUTATION, build, makers, sha256
from cbam_exchange.report.pages import differences, page_texts
from cbam_exchange.report.xmp import NS

if TYPE_CHECKING:
    from cbam_exchange.render.weasy import Early

INTACT, ALTERED, NOT_REPRODUCIBLE = "intact", "altered", "cannot reproduce"


def label(name: object) -> str:
    """A name from inside the PDF as shown to the user: data, with control characters made visible."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(name))[:200]


@dataclass
class CheckResult:
    """What `check` found: the outcome, the alterations, notes (version, signature) for the reader."""

    outcome: str = INTACT
    altered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signatures: list[Any] = field(default_factory=list)

    def alter(self, problem: str) -> None:
        self.altered.append(problem)
        self.outcome = ALTERED


def _read(name: str, data: bytes) -> tuple[dict[str, bytes], list[str], bool]:
    """Attachments by name, names of files attached outside the attachment list (page annotations), and whether
    the XMP declares a cbam-exchange draft."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableInput(name, f"not a readable PDF ({type(exc).__name__})") from None
    with pdf:
        try:
            files = {n: spec.get_file().read_bytes() for n, spec in pdf.attachments.items()}
        except Exception as exc:
            raise UnreadableInput(name, f"an attachment cannot be read ({type(exc).__name__})") from None
        annotated = []
        for number, page in enumerate(pdf.pages, start=1):
            for annot in page.obj.get("/Annots") or []:
                if annot.get("/Subtype") == "/FileAttachment":
                    label = str(annot.get("/FS", {}).get("/UF", annot.get("/FS", {}).get("/F", "unnamed")))
                    annotated.append(f"{label} (page {number})")
        declared = NS["cbamx"].encode() in (pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else b"")
    return files, annotated, declared


def _json(files: dict[str, bytes], name: str, result: CheckResult) -> Any:
    try:
        return json.loads(files[name])
    except (ValueError, UnicodeDecodeError):
        result.alter(f"{name} is not valid JSON")
        return None


def _reproduce(files: dict[str, bytes], manifest: dict[str, Any], shown: list[str], result: CheckResult) -> None:
    """Same version: derive the findings, recomputation and pages again from the submission and compare."""
    from cbam_exchange.report.pdf import early_renderer

    source = manifest["submission"]
    context = _json(files, CONTEXT, result) if CONTEXT in files else None
    if not isinstance(context, dict):
        result.alter(f"{CONTEXT} is missing or unreadable: the pages cannot be rendered again")
        return
    with early_renderer() as renderer:  # a child imports WeasyPrint while the submission is read again
        _render_again(files, manifest, shown, result, context, renderer)


def _render_again(files: dict[str, bytes], manifest: dict[str, Any], shown: list[str], result: CheckResult,
                  context: dict[str, Any], renderer: Early) -> None:
    from cbam_exchange.report.pdf import decisions_from, html_for

    source = manifest["submission"]
    try:
        report, again = build(source, files[source], manifest.get("year"))
    except UnreadableInput as exc:
        result.alter(f"the embedded submission cannot be read again: {label(exc.describe())}")
        return
    for name in (FINDINGS, RECOMPUTATION):
        if files.get(name) != again[name]:
            old, new = json.loads(files.get(name) or b"{}"), json.loads(again[name])
            changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            result.alter(f"{name} does not follow from the embedded submission: {', '.join(changed)} differ")
    again[CONTEXT] = files[CONTEXT]
    try:
        decisions = decisions_from(context.get("decisions"))
    except (UnreadableInput, KeyError, TypeError) as exc:
        result.alter(f"{CONTEXT}: the verifier's decisions recorded in it cannot be read ({label(exc)})")
        return
    html = html_for(report, again, source, str(context.get("generated")), decisions)
    for problem in differences(shown, page_texts(renderer.render(html))):
        result.alter(problem)


def check_draft(name: str, data: bytes, trust: list[bytes] | None = None) -> CheckResult:
    """Check the draft `data` (shown to the user as `name`, never used as a path)."""
    result = CheckResult()
    files, annotated, declared = _read(name, data)
    if MANIFEST not in files:
        if declared or FINDINGS in files or RECOMPUTATION in files:
            result.alter("manifest.json is missing: it was removed from the draft")
            return result
        raise UnreadableInput(name, "not a cbam-exchange draft: no manifest.json attached")
    manifest = _json(files, MANIFEST, result)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("attachments"), dict):
        result.alter("manifest.json is not a cbam-exchange manifest")
        return result
    listed = manifest["attachments"]
    for extra in sorted(set(files) - set(listed) - {MANIFEST}):
        result.alter(f"attachment {label(extra)} is not listed in the manifest: it was added after the draft "
                     "was made")
    for extra in annotated:
        result.alter(f"file {label(extra)} is attached to a page: the draft has no such attachment")
    for attached, digest in listed.items():
        if attached not in files:
            result.alter(f"attachment {label(attached)} is missing")
        elif sha256(files[attached]) != digest:
            result.alter(f"attachment {label(attached)} was altered: its SHA-256 is {sha256(files[attached])} but "
                         f"the manifest records {label(digest)}")

    from cbam_exchange.report.signature import verify

    result.signatures = verify(data, trust)
    for signature in result.signatures:
        if not signature.valid:
            result.alter(signature.describe())

    shown = page_texts(data)
    made_by = manifest.get("version")
    source = manifest.get("submission")
    here = makers()
    differ = [f"{key.replace('_', ' ')} {manifest.get(key)} (now {value})" for key, value in here.items()
              if manifest.get(key) != value]
    if source not in files:
        result.alter(f"the submission {label(source)} named by the manifest is not attached")
    elif not differ:
        _reproduce(files, manifest, shown, result)
    else:
        pages = _json(files, PAGES, result) if PAGES in files else None
        recorded = pages.get("pages") if isinstance(pages, dict) else None
        if isinstance(recorded, list):
            for problem in differences(shown, [str(p) for p in recorded]):
                result.alter(problem)
        if result.outcome == INTACT:
            result.outcome = NOT_REPRODUCIBLE
        result.notes.append(f"made by cbam-exchange {label(made_by or 'of an unknown version')}, checked with "
                            f"cbam-exchange {__version__} ({label('; '.join(differ))}): this installation cannot reproduce "
                            f"the findings, recomputation and pages; check with the maker's version to confirm them")
    if not result.signatures:
        result.notes.append("not signed: anyone with the toolkit can make a consistent draft from an edited "
                            "submission; only a signature (cbam report sign) shows who issued it")
    return result
