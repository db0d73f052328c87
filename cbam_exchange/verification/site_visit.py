"""The site-visit rules of IR (EU) 2025/2546 Arts 2-4 (methodology 9.1) applied to the verifier's decisions. Rules
whose article text we have only from a secondary source are marked UNCONFIRMED in the finding they raise."""

from __future__ import annotations

from dataclasses import dataclass, field

from cbam_exchange.verification.decisions import Decisions
from cbam_exchange.verification.rules import Rule, site_visit_rule, site_visit_value


@dataclass
class SiteVisitAssessment:
    summary: str
    first_year: bool | None
    limitations: list[tuple[str, Rule]] = field(default_factory=list)  # (what is wrong, rule broken)
    non_compliances: list[tuple[str, Rule]] = field(default_factory=list)


def assess_site_visit(decisions: Decisions | None, year: int) -> SiteVisitAssessment:
    first_rule = site_visit_rule("first_year_physical")
    if decisions is None or decisions.visit is None:
        a = SiteVisitAssessment("no site visit recorded (no verifier decisions file, or no `visit` in it)", None)
        a.limitations.append(("no site visit is recorded, so the visit's evidence is missing", first_rule))
        return a
    visit = decisions.visit
    first = decisions.first_verified_year
    is_first = first is None or first >= year
    dates = ", ".join(d.isoformat() for d in visit.dates) or "no dates"
    a = SiteVisitAssessment(f"{visit.type} ({dates})", is_first)
    if visit.type == "physical":
        return a
    if is_first:
        why = ("the first verified year is not recorded, so it is taken to be this year"
               if first is None else f"{year} is the first verified year")
        a.limitations.append((f"a {visit.type} visit in the first verified year: {why}", first_rule))
        return a
    last = decisions.last_physical_visit
    previous = site_visit_rule("waiver_needs_physical_previous_year")
    every = site_visit_rule("max_years_between_physical")
    if last is None:
        a.limitations.append((f"a {visit.type} visit with no physical visit recorded (last_physical_visit)", previous))
    elif last.year <= year - site_visit_value("max_years_between_physical"):
        a.limitations.append((f"a {visit.type} visit although the last physical visit was on {last.isoformat()} "
                              f"({every.text})", previous))
    criteria = site_visit_rule("waiver_needs_no_material_change")
    if visit.material_changes is True:
        a.limitations.append((f"a {visit.type} visit although material changes since the last physical visit are "
                              "recorded", criteria))
    elif visit.material_changes is None:
        a.limitations.append((f"a {visit.type} visit without a record that nothing material changed since the last "
                              "physical visit (visit.material_changes)", criteria))
    if not visit.justification:
        a.non_compliances.append((f"the {visit.type} visit is not justified (visit.justification)", criteria))
    return a
