"""Everything a verifier's judgement needs for one submission, assembled once for the draft and the JSON outputs:
regime, the verifier's identity from one source, findings in the five classes with their impacts per good,
materiality per good (SEE on its legal basis and SEFA), the site visit, the risk ranking and the suggested opinion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.checks.findings import Finding
from cbam_exchange.checks.run import ValidationReport
from cbam_exchange.verification.basis import Regime, regime_for
from cbam_exchange.verification.chain import build_chain, goods_using
from cbam_exchange.verification.classes import Item, item_from_finding, own_items
from cbam_exchange.verification.decisions import CLASSES, Decisions
from cbam_exchange.verification.materiality import GoodMateriality, assess_materiality
from cbam_exchange.verification.opinion import Opinion, suggest_opinion
from cbam_exchange.verification.rules import upstream_rule
from cbam_exchange.verification.sensitivity import GoodRisk, Sensitivity, good_risks
from cbam_exchange.verification.site_visit import SiteVisitAssessment, assess_site_visit

SAMPLING_SIZE = 10  # inputs on the site-visit and sampling list


@dataclass
class Judgement:
    regime: Regime
    verifier: dict[str, Any]
    verifier_source: str
    items: list[Item]
    goods: list[GoodMateriality]
    risks: list[GoodRisk]
    site_visit: SiteVisitAssessment
    opinion: Opinion
    sampling: list[tuple[Sensitivity, list[int]]] = field(default_factory=list)

    def by_class(self) -> dict[str, list[Item]]:
        return {k: [i for i in self.items if i.klass == k] for k in CLASSES}


def _verifier(report: ValidationReport, decisions: Decisions | None) -> tuple[dict[str, Any], str]:
    """One source, never mixed: the verifier's decisions file where it names the verifier, else the operator's."""
    if decisions is not None and decisions.verifier:
        return dict(decisions.verifier), f"the verifier's decisions file ({decisions.source})"
    v = report.submission.verifier
    address = ", ".join(x for x in (v.street, " ".join(y for y in (v.post_code, v.city) if y), v.country) if x)
    return ({"company": v.company, "address": address or None, "accreditation_number": v.registration_number,
             "accreditation_body": v.accreditation_body, "accreditation_member_state": v.accreditation_member_state,
             "lead_verifier": v.representative.name},
            "the operator's file (section on the verifier), not confirmed by the verifier")


def _upstream_limitations(report: ValidationReport, decisions: Decisions | None, chain: Any) -> list[Item]:
    rule = upstream_rule()
    out = []
    for pp in report.submission.purchased_precursors:
        if pp.see_direct is None or "default" in (pp.see_direct_source or "").casefold():
            continue
        if decisions is not None and pp.id in decisions.upstream:
            continue
        rows = goods_using(chain, report.result, pp.id) if pp.id in chain.ids else []
        if not rows:
            continue
        out.append(Item(id=f"SL-{pp.id}", klass="scope limitation", origin="upstream verification",
                        message=f"{pp.id} {pp.name or ''}: actual SEE ({pp.see_direct_source or 'source not given'}) "
                                "without the producing installation's verification report (upstream_verification)",
                        reference=rule.cite(), affected_goods=rows))
    return out


def _sampling(risks: list[GoodRisk]) -> list[tuple[Sensitivity, list[int]]]:
    best: dict[str, tuple[Sensitivity, list[int]]] = {}
    for risk in risks:
        for s in risk.inputs:
            held = best.get(s.path)
            if held is None:
                best[s.path] = (s, [risk.row])
            else:
                held[1].append(risk.row)
                if abs(s.elasticity) > abs(held[0].elasticity):
                    best[s.path] = (s, held[1])
    ranked = sorted(best.values(), key=lambda x: (-abs(x[0].elasticity), x[0].path))
    return ranked[:SAMPLING_SIZE]


def judge(report: ValidationReport, decisions: Decisions | None = None) -> Judgement:
    chain = build_chain(report.submission, report.result)
    year = report.submission.reporting_period.start.year if report.submission.reporting_period.start else report.year
    regime = regime_for(year)
    empty = decisions or Decisions()
    pairs: list[tuple[Item, Finding | None]] = [(item_from_finding(f, empty), f) for f in report.findings]
    pairs += [(i, None) for i in own_items(empty)]
    visit = assess_site_visit(decisions, report.year)
    for k, (text, rule) in enumerate(visit.limitations, 1):
        pairs.append((Item(id=f"SL-VISIT-{k}", klass="scope limitation", origin="site visit",
                           message=f"{text}; {rule.text}", reference=rule.cite()), None))
    for k, (text, rule) in enumerate(visit.non_compliances, 1):
        pairs.append((Item(id=f"NC-VISIT-{k}", klass="non-compliance", origin="site visit",
                           message=f"{text}; {rule.text}", reference=rule.cite()), None))
    pairs += [(i, None) for i in _upstream_limitations(report, decisions, chain)]
    goods = assess_materiality(report, pairs, empty, chain, regime.definitive)  # adds declared-SEFA misstatements
    items = [i for i, _ in pairs]
    risks = good_risks(report.submission, report.result, chain)
    verifier, source = _verifier(report, decisions)
    return Judgement(regime, verifier, source, items, goods, risks, visit, suggest_opinion(goods, items),
                     _sampling(risks))
