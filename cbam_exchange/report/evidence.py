"""The evidence a draft carries: the findings and recomputation documents and a manifest of hashes. Built the same
way when the draft is made and when `cbam report check` re-runs it, so the two can be compared byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.calc.comparison import compare
from cbam_exchange.checks.run import ValidationReport, validate
from cbam_exchange.checks.validate_file import rules_version
from cbam_exchange.readers import read_submission
from cbam_exchange.reference.tables import reference_version
from cbam_exchange.render.recompute_report import recompute_document
from cbam_exchange.checks.findings_document import document

FINDINGS, RECOMPUTATION, MANIFEST = "findings.json", "recomputation.json", "manifest.json"


def dumps(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(source: Path, year: int | None) -> tuple[ValidationReport, dict[str, bytes]]:
    """Validate and recompute `source`; return the report and the evidence files (name -> bytes)."""
    submission = read_submission(source)
    report = validate(submission, year=year)
    data = source.read_bytes()
    name = source.name
    findings = document(name, sha256(data), submission.source.template_version, report.year, rules_version(),
                        report.findings, report.waived, report.summary())
    recomputation = recompute_document(Path(name), sha256(data), report.submission, report.result,
                                       compare(report.submission, report.result))
    files = {name: data, FINDINGS: dumps(findings), RECOMPUTATION: dumps(recomputation)}
    manifest = {"generator": f"cbam-exchange {__version__}", "rules_version": rules_version(),
                "reference_data_version": reference_version(), "year": report.year, "submission": name,
                "attachments": {n: sha256(b) for n, b in files.items()}}
    files[MANIFEST] = dumps(manifest)
    return report, files
