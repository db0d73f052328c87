"""An operator's summary emissions report (IR 2025/2547 Annex IV §1.2) as the importer receives it: what the
declaration needs from it, read from the JSON that `cbam annex-iv` writes (readers/summary_report.py).

It is the summary, not a submission: it holds results (SEE, SEFA, shares), not the inputs that a recomputation
would need. None is "not provided", as everywhere in the model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

FORMAT_ID = "cbam-exchange/annex-iv-summary-report"
READABLE_VERSIONS = ("1.0",)
# Annex IV §1.2, written out from the act (A1): a summary report lacking one of them is not a valid summary
ITEMS = ("(1)(a)", "(1)(b)", "(1)(c)", "(2)(a)", "(2)(b)", "(2)(c)", "(2)(d)", "(2)(e)", "(3)", "(4)(a)", "(4)(b)",
         "(4)(c)", "(4)(d)", "(4)(e)", "(4)(f)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)", "(13)",
         "(14)", "(15)", "(16)")
VERIFIED = ("verified as satisfactory", "verified as satisfactory with comments")


@dataclass
class SummaryGood:
    """One good of §1.2 (4): its SEE per functional unit, shares and SEFA, keyed by the template's product row."""

    row: int
    cn_code: str | None = None
    name: str | None = None
    process: str | None = None  # from §1.2 (3), where the good's CN code is listed under a process
    see_direct: float | None = None  # (4)(a), or (4)(d) for electricity
    see_indirect: float | None = None  # (4)(c), goods outside Annex II only
    default_share: float | None = None  # (4)(b), percent
    indirect_actual_share: float | None = None  # (4)(c), percent
    indirect_default_share: float | None = None  # (4)(c), percent
    sefa: float | None = None  # (4)(e)


@dataclass
class SummaryPrecursor:
    """A purchased precursor of §1.2 (12) (default values) or (13) and (16) (actual values, with its origin)."""

    id: str
    values: str  # "default" or "actual"
    cn_code: str | None = None
    name: str | None = None
    country_code: str | None = None
    see_direct: float | None = None
    period_start: str | None = None
    period_end: str | None = None
    origin_operator: str | None = None
    origin_installation: str | None = None
    origin_registry_id: str | None = None


@dataclass
class SummaryReport:
    generated: str | None  # the report's own date: which of two reports of one period is newer
    period_start: str | None
    period_end: str | None
    free_allocation_year: int | None
    installation: dict[str, Any]  # name, unlocode, street, post_code, city, country_code, latitude, longitude
    operator: str | None
    registry_installation_id: str | None
    goods: list[SummaryGood] = field(default_factory=list)
    precursors: list[SummaryPrecursor] = field(default_factory=list)
    verification: dict[str, Any] | None = None  # not a §1.2 item: the verifier's opinion, where one is attached

    @property
    def verified(self) -> bool:
        return bool(self.verification) and self.verification.get("opinion") in VERIFIED  # type: ignore[union-attr]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the workspace; `installation` and `definitive` have the paths of a submission's model, so
        that identity is read alike from both."""
        return {"format": FORMAT_ID, **dataclasses.asdict(self),
                "definitive": {"registry_installation_id": self.registry_installation_id,
                               "operator": {"name": self.operator}}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SummaryReport:
        names = {f.name for f in dataclasses.fields(cls)}
        kept = {k: v for k, v in data.items() if k in names}
        kept["goods"] = [SummaryGood(**g) for g in data.get("goods", [])]
        kept["precursors"] = [SummaryPrecursor(**p) for p in data.get("precursors", [])]
        return cls(**kept)
