"""Findings: one problem, where it is, why it matters and how to fix it, with a stable fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass
class Finding:
    rule: str
    severity: Severity
    message: str
    path: str | None
    sheet: str | None
    cell: str | None
    value: str | None
    expected: str | None
    remedy: str
    reference: str
    title: str = ""
    details: dict[str, object] = field(default_factory=dict)
    waiver: dict[str, str] | None = None
    # the values the message template was filled with, so that the message can be rendered in another language
    args: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        """Stable across runs on an unchanged file: rule, place and the value found, nothing that varies."""
        key = "|".join([self.rule, self.path or "", self.sheet or "", self.cell or "", self.value or ""])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def location(self) -> dict[str, str | None]:
        return {"sheet": self.sheet, "cell": self.cell, "path": self.path}

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": self.severity.value, "title": self.title, "location": self.location,
                "message": self.message, "value": self.value, "expected": self.expected, "remedy": self.remedy,
                "reference": self.reference, "fingerprint": self.fingerprint, "details": self.details,
                "waiver": self.waiver}
