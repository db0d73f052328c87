"""What the result and rules pages show, in the user's language: findings grouped by sheet and filtered by
severity, the submission's products and the catalogue. Looks up and arranges; computes nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cbam_exchange.checks.findings import Severity
from cbam_exchange.i18n import gettext_for
from cbam_exchange.i18n.findings import localise
from cbam_exchange.web.store import Entry

SEVERITIES = [s.value for s in Severity]


def _cell_order(cell: str | None) -> tuple[int, str]:
    letters = "".join(c for c in cell or "" if c.isalpha())
    digits = "".join(c for c in cell or "" if c.isdigit())
    return (int(digits) if digits else 0, letters.rjust(3))


def validation_json(document: dict[str, Any]) -> dict[str, Any]:
    """What `cbam validate --format json FILE` prints for the file whose findings document this is."""
    from cbam_exchange.checks.findings_document import validation_document
    from cbam_exchange.checks.validate_file import rules_version

    return validation_document([document], rules_version())


def findings_document(entry: Entry, lang: str) -> dict[str, Any]:
    """The `cbam validate --format json` answer for the entry, its messages and remedies in `lang`."""
    doc = dict(entry.analysis["document"])
    doc["findings"] = [f.as_dict() for f in localise(entry.analysis["findings"], lang)]
    return validation_json(doc)


def result_context(entry: Entry, lang: str, severities: list[str]) -> dict[str, Any]:
    shown = [s for s in severities if s in SEVERITIES] or SEVERITIES
    findings = localise(entry.analysis["findings"], lang)
    by_sheet: dict[str, list[Any]] = defaultdict(list)
    for f in findings:
        if f.severity.value in shown:
            by_sheet[f.sheet or ""].append(f)
    groups = [(sheet, sorted(items, key=lambda f: _cell_order(f.cell)))
              for sheet, items in sorted(by_sheet.items(), key=lambda kv: (kv[0] == "", kv[0]))]
    return {"entry": entry, "a": entry.analysis, "groups": groups, "shown": shown, "severities": SEVERITIES,
            "summary": entry.analysis["document"]["summary"], "total": len(findings)}


def rules_context(lang: str) -> dict[str, Any]:
    from cbam_exchange.checks.catalogue import FAMILIES, all_rules

    _ = gettext_for(lang)
    rules = [{"rule": r, "message": _(r.message), "remedy": _(r.remedy)} for r in all_rules()]
    return {"rules": rules, "families": FAMILIES}
