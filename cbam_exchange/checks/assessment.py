"""A verifier's view of the findings: misstatements, non-conformities and recommendations, misstatements per good
quantified against the 5 % materiality level, and a suggested opinion for the accredited verifier to decide on.

Classification follows the ETS AVR taxonomy that CBAM verification adopts (methodology 9.3); materiality is 5 % of
the specific embedded emissions of each good (IR (EU) 2025/2546 Art. 5). The suggested opinion is a draft aid, never
an opinion: only the accredited verifier issues one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.checks.run import ValidationReport

MATERIALITY = 0.05
MISSTATEMENT_RULES = ("AR-001", "AR-002", "AR-003", "AR-004", "AR-007", "UN-", "RD-001", "SC-002")
RECOMMENDATION_RULES = ("PH-", "MZ-", "RD-002", "RD-004", "PR-003")


def classify(finding: Finding) -> str:
    """misstatement, non-conformity or recommendation."""
    if finding.rule.startswith(MISSTATEMENT_RULES) and finding.severity is not Severity.INFO:
        return "misstatement"
    if finding.rule.startswith(RECOMMENDATION_RULES) or finding.severity is Severity.INFO:
        return "recommendation"
    return "non-conformity"


@dataclass
class GoodMateriality:
    row: int
    cn_code: str | None
    name: str | None
    see_total: float | None
    impacts: list[tuple[str, float]] = field(default_factory=list)  # (finding, relative impact on SEE)

    @property
    def aggregate(self) -> float:
        return sum(abs(v) for _, v in self.impacts)

    @property
    def material(self) -> bool:
        return self.aggregate >= MATERIALITY


@dataclass
class Assessment:
    groups: dict[str, list[Finding]]
    goods: list[GoodMateriality]
    opinion: str
    reasons: list[str]


def _impacts(report: ValidationReport) -> dict[int, list[tuple[str, float]]]:
    """Relative effect of each uncorrected misstatement on each good's SEE (total where known, else direct)."""
    out: dict[int, list[tuple[str, float]]] = {}
    rows_by_index = {k: p.row for k, p in enumerate(report.submission.declared.products)} \
        if report.submission.declared else {}
    for f in report.findings:
        if f.rule == "AR-002" and f.details.get("relative") is not None and f.path and f.path.endswith("see_total"):
            index = int(f.path.split("[")[1].split("]")[0])
            row = rows_by_index.get(index)
            if row is not None:
                out.setdefault(row, []).append((f"{f.rule} {f.fingerprint}", float(f.details["relative"])))
        elif f.rule == "UN-001":
            for effect in f.details.get("effects", {}).get("products", []):  # type: ignore[union-attr]
                old, new = effect["see_direct"]
                if old is not None and new:
                    out.setdefault(effect["row"], []).append((f"{f.rule} {f.fingerprint}", (old - new) / new))
    return out


def assess(report: ValidationReport) -> Assessment:
    groups: dict[str, list[Finding]] = {"misstatement": [], "non-conformity": [], "recommendation": []}
    for f in report.findings:
        groups[classify(f)].append(f)
    impacts = _impacts(report)
    goods = [GoodMateriality(p.row, p.cn_code, p.name, p.see_total, impacts.get(p.row, []))
             for p in report.result.products]
    reasons = []
    material = [g for g in goods if g.material]
    if material:
        reasons.append("uncorrected misstatements reach the 5 % materiality level for "
                       + ", ".join(f"product row {g.row} ({g.cn_code})" for g in material))
    blocking = [f for f in report.findings if f.severity is Severity.ERROR and classify(f) == "non-conformity"]
    if blocking:
        reasons.append(f"{len(blocking)} non-conformit{'y' if len(blocking) == 1 else 'ies'} of error severity "
                       "would prevent reasonable assurance until resolved")
    if reasons:
        opinion = "not verified"
    elif report.findings:
        opinion = "verified as satisfactory with comments"
        reasons.append("non-material findings and recommendations are listed")
    else:
        opinion = "verified as satisfactory"
        reasons.append("no misstatement, non-conformity or recommendation was found by the automated checks")
    return Assessment(groups, goods, opinion, reasons)
