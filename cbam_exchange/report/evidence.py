"""The evidence a draft carries: the submission, the findings and recomputation documents, the inputs of the render
(date, verifier details), the text of every page as made, and a manifest of hashes. Built the same way when the
draft is made and when `cbam report check` re-runs it, so the two can be compared byte for byte.

The submission arrives as a name and bytes: a name taken from inside a PDF is a label, never a path, so `check`
reads it from a private temporary file of its own naming and no message shows that file."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.calc.comparison import compare
from cbam_exchange.checks.findings_document import document
from cbam_exchange.checks.run import ValidationReport, validate
from cbam_exchange.checks.validate_file import rules_version
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers import read_submission
from cbam_exchange.reference.tables import reference_version
from cbam_exchange.render.recompute_report import recompute_document

FINDINGS, RECOMPUTATION, MANIFEST = "findings.json", "recomputation.json", "manifest.json"
CONTEXT, PAGES = "draft-context.json", "pages.json"
# The evidence contract: what a draft attaches and how the manifest describes it (XMP declares it too).
CONTRACT = "cbam-exchange/draft-evidence"
CONTRACT_VERSION = "1.1"


def dumps(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(name: str, data: bytes) -> Any:
    """The submission from bytes, through a temporary file whose path never reaches a message."""
    with tempfile.TemporaryDirectory(prefix="cbam-") as tmp:
        path = Path(tmp) / "submission"
        path.write_bytes(data)
        try:
            submission = read_submission(path)
        except UnreadableInput as exc:
            raise UnreadableInput(name, exc.problem, location=exc.location, found=exc.found,
                                  expected=exc.expected) from None
    if submission.source.file_name == path.name:
        submission.source.file_name = name
    return submission


def build(name: str, data: bytes, year: int | None) -> tuple[ValidationReport, dict[str, bytes]]:
    """Validate and recompute the submission `name` (its bytes `data`); return the report and the evidence files."""
    submission = _read(name, data)
    report = validate(submission, year=year)
    findings = document(name, sha256(data), submission.source.template_version, report.year, rules_version(),
                        report.findings, report.waived, report.summary())
    recomputation = recompute_document(Path(name), sha256(data), report.submission, report.result,
                                       compare(report.submission, report.result))
    return report, {name: data, FINDINGS: dumps(findings), RECOMPUTATION: dumps(recomputation)}


def render_inputs(generated: str, decisions: dict[str, Any] | None, year: int) -> bytes:
    """Everything besides the submission that the pages depend on (the date of the draft, the verifier's decisions
    file as read): with it, `check` renders the same pages."""
    return dumps({"contract": "cbam-exchange/draft-context 1.1", "generated": generated, "decisions": decisions,
                  "year": year})


def makers() -> dict[str, str]:
    """What decides the evidence and the pages besides the submission: toolkit, rules, reference data and the
    draft's template and stylesheet (a development build can change these without a new version number)."""
    from cbam_exchange.resources import data_dir

    folder = data_dir("templates") / "report"
    layout = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*")) if p.is_file()))
    return {"version": __version__, "rules_version": rules_version(), "reference_data_version": reference_version(),
            "layout_version": layout.hexdigest()[:16]}


def manifest(files: dict[str, bytes], submission: str, year: int) -> bytes:
    """The manifest: who made the draft with which rules and reference data, and the SHA-256 of every attachment."""
    return dumps({"contract": f"{CONTRACT} {CONTRACT_VERSION}", "generator": f"cbam-exchange {__version__}",
                  **makers(), "year": year, "submission": submission,
                  "attachments": {n: sha256(b) for n, b in files.items()}})
