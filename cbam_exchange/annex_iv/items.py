"""The pieces of an Annex IV report: items numbered as in the act, each with its values and where each came from.

A value is never invented: it comes from a template cell (or the JSON submission), from the supplement, or is
computed (and says how); otherwise it is "not provided". Where the act asks nothing, the item says "not
applicable" with the condition; where the act is silent on a detail, the note says "not specified by IR 2025/2547".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.annex_iv.shares import Shares
from cbam_exchange.calc.free_allocation import GoodSefa
from cbam_exchange.calc.results import Recomputation
from cbam_exchange.model.paths import get_path
from cbam_exchange.model.submission import Submission

NOT_PROVIDED = "not provided"
NOT_APPLICABLE = "not applicable"
SILENT = "not specified by IR 2025/2547"


@dataclass
class Entry:
    """One value of an item, for one subject (a good, a process, a precursor) or for the installation."""

    value: Any  # JSON-ready; None: not provided
    source: str | None  # "template Sheet!Cell", "submission <path>", "supplement <path>", "computed: <how>"
    subject: str | None = None
    label: str | None = None  # what the value is, where an item has several
    note: str | None = None
    ref: dict[str, Any] | None = None  # the good (row, CN code) or precursor (id) the value belongs to


@dataclass
class Item:
    number: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    applicable: bool = True
    note: str | None = None

    @property
    def status(self) -> str:
        if not self.applicable:
            return NOT_APPLICABLE
        values = [e.value for e in self.entries]
        if not values or all(v is None for v in values):
            return NOT_PROVIDED
        return "provided" if all(v is not None for v in values) else "partly provided"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"item": self.number, "title": self.title, "status": self.status}
        if self.note:
            out["note"] = self.note
        out["values"] = [{k: v for k, v in (("subject", e.subject), ("ref", e.ref), ("label", e.label),
                                            ("value", e.value if e.value is not None else NOT_PROVIDED),
                                            ("source", e.source), ("note", e.note)) if v is not None}
                         for e in self.entries]
        return out


@dataclass
class Section:
    number: str
    title: str
    items: list[Item]


@dataclass
class Report:
    kind: str  # "operator-emissions-report" or "summary-report"
    title: str
    header: dict[str, Any]
    sections: list[Section]

    def to_dict(self) -> dict[str, Any]:
        return {"format": f"cbam-exchange/annex-iv-{self.kind}", "format_version": "1.0",
                "legal_basis": "Commission Implementing Regulation (EU) 2025/2547, Annex IV", "title": self.title,
                **self.header,
                "sections": [{"section": s.number, "title": s.title, "items": [i.to_dict() for i in s.items]}
                             for s in self.sections]}


@dataclass
class Sources:
    """Everything the report reads, and how to name where a value came from."""

    submission: Submission
    result: Recomputation
    sefa: dict[int, GoodSefa]
    shares: dict[int, Shares]
    year: int
    supplement: str | None = None  # file name, where the definitive data came from a supplement

    def tpl(self, path: str, subject: str | None = None, label: str | None = None) -> Entry:
        """A value the submission holds at `path` (a template input or a result the workbook declares)."""
        value = get_path(self.submission, path)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        return Entry(value, self.where(path), subject, label)

    def where(self, path: str) -> str:
        src = self.submission.sources.get(path)
        if src is not None:
            return f"template {src.sheet}!{src.cell}"
        return f"submission {path}"

    def sup(self, path: str, subject: str | None = None, label: str | None = None) -> Entry:
        """A definitive-period value (`path` under `definitive`)."""
        value = get_path(self.submission.definitive, path) if self.submission.definitive else None
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            from cbam_exchange.model.codec import to_dict
            value = to_dict(value)
        origin = f"supplement {self.supplement}:" if self.supplement else "submission"
        return Entry(value, f"{origin} definitive.{path}", subject, label)

    def declared_or_computed(self, declared_path: str, computed: float | None, how: str,
                             subject: str | None = None, label: str | None = None) -> Entry:
        """The workbook's own result where it declares one, else the toolkit's recomputation (said so)."""
        entry = self.tpl(declared_path, subject, label)
        if entry.value is not None:
            return entry
        return Entry(computed, f"computed: {how}" if computed is not None else None, subject, label)
