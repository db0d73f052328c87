"""Validate one file end to end (read, recompute, check, waive) into the findings document; safe to run in a worker
process, so that a batch can use every core."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.checks.run import ValidationReport, validate
from cbam_exchange.checks.waivers import Waiver, apply_waivers
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.fileinfo import sha256_of
from cbam_exchange.readers import read_submission
from cbam_exchange.checks.findings_document import document, unreadable_document


def rules_version() -> str:
    from cbam_exchange.checks.catalogue import all_rules
    return f"{__version__}/{len(all_rules())}"


def validate_file(path: Path, year: int | None, select: Sequence[str], ignore: Sequence[str],
                  waivers: Sequence[Waiver], lang: str = "en", supplement: Path | None = None
                  ) -> tuple[dict[str, Any], ValidationReport | None]:
    """The findings document of `path` (messages and remedies in `lang`) and the report, or None if unreadable."""
    try:
        submission = read_submission(path)
        if supplement is not None:
            from cbam_exchange.readers.supplement import apply_supplement, read_supplement
            submission = apply_supplement(submission, read_supplement(supplement, path), str(supplement))
    except UnreadableInput as exc:
        return unreadable_document(str(path), exc.describe()), None
    from cbam_exchange.model.identity import installation_id

    report = validate(submission, year=year, select=select, ignore=ignore)
    sha256 = sha256_of(path)
    installation = installation_id(submission)
    report.findings, report.waived = apply_waivers(report.findings, list(waivers), installation, sha256)
    if lang != "en":
        from cbam_exchange.i18n.findings import localise
        report.findings, report.waived = localise(report.findings, lang), localise(report.waived, lang)
    doc = document(str(path), sha256, submission.source.template_version, report.year, rules_version(),
                   report.findings, report.waived, report.summary(), installation=installation)
    return doc, report


def validate_for_batch(args: tuple[Path, int | None, Sequence[str], Sequence[str], Sequence[Waiver], str]
                       ) -> dict[str, Any]:
    """Worker entry point: the document only (findings objects stay in the worker)."""
    return validate_file(*args)[0]
