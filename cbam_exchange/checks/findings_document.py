"""The findings document of one file: the JSON contract of `cbam validate`, built where the findings are made so
that nothing below the renderers depends on them."""

from __future__ import annotations

from typing import Any

from cbam_exchange.checks.findings import Finding

FINDINGS_CONTRACT = "cbam-exchange/findings 1.1"  # 1.1: "installation" added (the id waivers are scoped to)
VALIDATION_CONTRACT = "cbam-exchange/validation 2.0"  # 2.0: always an object with "files", for one file or many


def document(file: str, sha256: str, template_version: str | None, year: int, rules_version: str,
             findings: list[Finding], waived: list[Finding], summary: dict[str, int], *,
             installation: str | None = None) -> dict[str, Any]:
    return {"contract": FINDINGS_CONTRACT, "file": file, "sha256": sha256, "installation": installation,
            "template_version": template_version,
            "year": year, "rules_version": rules_version, "findings": [f.as_dict() for f in findings],
            "waived": [f.as_dict() for f in waived], "summary": summary}


def unreadable_document(file: str, message: str) -> dict[str, Any]:
    return {"contract": FINDINGS_CONTRACT, "file": file, "unreadable": message, "findings": [], "waived": [],
            "summary": {"errors": 0, "warnings": 0, "info": 0, "waived": 0}}


def statistics(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open findings per rule over every file, most frequent first (ruff's --statistics)."""
    counts: dict[tuple[str, str, str], int] = {}
    for doc in documents:
        for f in doc["findings"]:
            key = (f["rule"], f["severity"], f.get("title") or "")
            counts[key] = counts.get(key, 0) + 1
    return [{"rule": rule, "severity": severity, "title": title, "count": n}
            for (rule, severity, title), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))]


def validation_document(documents: list[dict[str, Any]], rules_version: str) -> dict[str, Any]:
    """What `cbam validate --format json` prints: the same object for one file or many."""
    totals = {"files": len(documents), "unreadable": sum(1 for d in documents if "unreadable" in d),
              "errors": 0, "warnings": 0, "info": 0, "waived": 0}
    for doc in documents:
        for key in ("errors", "warnings", "info", "waived"):
            totals[key] += doc["summary"].get(key, 0)
    return {"contract": VALIDATION_CONTRACT, "rules_version": rules_version, "summary": totals,
            "statistics": statistics(documents), "files": documents}
