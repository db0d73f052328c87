"""The findings document of one file: the JSON contract of `cbam validate`, built where the findings are made so
that nothing below the renderers depends on them."""

from __future__ import annotations

from typing import Any

from cbam_exchange.checks.findings import Finding

FINDINGS_CONTRACT = "cbam-exchange/findings 1.0"


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
