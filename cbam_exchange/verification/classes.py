"""The classes of a verification (methodology 9.3, after ETS AVR Art. 3 and 27) and the verifier-facing finding:
class, affected goods, quantified impact, status and the operator's response."""

from __future__ import annotations

from dataclasses import dataclass, field

from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.verification.decisions import Decisions

# Automated rules by class; the rest are non-conformities. Identity and documentation rules that do not move a good's
# figures are non-compliances; plausibility and reading notes are recommendations.
_MISSTATEMENT = ("AR-001", "AR-002", "AR-003", "AR-005", "AR-012", "UN-", "RD-001", "SC-002", "EL-002")
_NON_COMPLIANCE = ("ID-001", "ID-002", "ID-003", "ID-004", "ID-005", "ID-009", "ID-010", "CP-002")
_RECOMMENDATION = ("PH-001", "PH-002", "PH-004", "PH-005", "MZ-", "RD-002", "RD-004", "PR-003")


def classify(finding: Finding) -> str:
    if finding.rule.startswith(_MISSTATEMENT) and finding.severity is not Severity.INFO:
        return "misstatement"
    if finding.rule.startswith(_RECOMMENDATION) or finding.severity is Severity.INFO:
        return "recommendation"
    if finding.rule.startswith(_NON_COMPLIANCE):
        return "non-compliance"
    return "non-conformity"


@dataclass
class Impact:
    """One finding's effect on one good, declared (or as filed) minus recomputed (or corrected), on the good's basis
    unless `counted` is False (an indirect part of a direct-basis good, or a part already inside another figure)."""

    row: int
    part: str  # direct, indirect, total
    absolute: float  # tCO2e/t
    relative: float | None  # of the good's recomputed SEE on its basis
    counted: bool = True
    note: str | None = None


@dataclass
class Item:
    """A finding as the verifier handles it."""

    id: str
    klass: str
    origin: str  # automated, verifier, site visit, upstream verification
    message: str
    location: str | None = None
    severity: str | None = None
    remedy: str | None = None
    reference: str | None = None
    affected_goods: list[int] = field(default_factory=list)
    impacts: list[Impact] = field(default_factory=list)
    sefa_impacts: list[Impact] = field(default_factory=list)
    status: str = "open"
    operator_response: str | None = None
    correction: str | None = None

    @property
    def uncorrected(self) -> bool:
        """Open findings count as uncorrected until the verifier records otherwise."""
        return self.status != "corrected"

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "class": self.klass, "origin": self.origin, "message": self.message,
                "location": self.location, "severity": self.severity, "affected_goods": self.affected_goods,
                "impacts": [vars(i) for i in self.impacts], "sefa_impacts": [vars(i) for i in self.sefa_impacts],
                "status": self.status, "operator_response": self.operator_response, "correction": self.correction}


def item_from_finding(finding: Finding, decisions: Decisions) -> Item:
    decision = decisions.findings.get(finding.fingerprint)
    location = f"{finding.sheet}!{finding.cell}" if finding.sheet else finding.path
    item = Item(id=f"{finding.rule}-{finding.fingerprint[:8]}", klass=classify(finding), origin="automated",
                message=finding.message, location=location, severity=finding.severity.value, remedy=finding.remedy,
                reference=finding.reference)
    if decision is not None:
        item.status = decision.status
        item.operator_response = decision.operator_response
        item.correction = decision.correction
        item.klass = decision.klass or item.klass
    return item


def own_items(decisions: Decisions) -> list[Item]:
    return [Item(id=o.id, klass=o.klass, origin="verifier", message=o.description, location=o.location,
                 affected_goods=list(o.affected_goods), status=o.status, operator_response=o.operator_response)
            for o in decisions.own]
