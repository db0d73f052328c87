"""Emissions of the installation that no production process carries, where the file shows nowhere else for them to
go (no export, no non-CBAM use): they belong to the goods, so each good's SEE as filed is understated by its share
(IR (EU) 2025/2547 Annex III A, complete attribution). Quantified per good as as-filed minus complete attribution,
through the precursor chain; counted towards materiality where the installation has one production process (the
rest can only be that process's), shown as a pro-rata estimate, not counted, where several could carry it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cbam_exchange.checks.rules.balance import rest_explained
from cbam_exchange.checks.run import ValidationReport
from cbam_exchange.reference import plausibility
from cbam_exchange.verification.chain import Chain, goods_on_chain
from cbam_exchange.verification.classes import Impact, Item
from cbam_exchange.verification.decisions import Decisions

if TYPE_CHECKING:
    from cbam_exchange.verification.materiality import GoodMateriality

ESTIMATE = ("pro-rata estimate over the processes (UNCONFIRMED split: the file does not say which process the rest "
             "belongs to), not counted; the verifier traces it")
_NOT_COUNTED = "reported, not counted (Annex II good: direct emissions only)"


def rest_impacts(report: ValidationReport, chain: Chain, goods: dict[int, GoodMateriality], rest: float,
                 part: str, weights: dict[str, float]) -> list[Impact]:
    """Impact per good of `rest` tCO2e missing from the processes, spread over them in proportion to `weights`."""
    total = sum(weights.values())
    if not rest or total <= 0:
        return []
    single = len([p for p in report.result.processes if p.activity_level]) == 1
    out = []
    for _, g, ell in goods_on_chain(chain, report.result, goods):
        missing = sum(ell[chain.index(p.id)] * rest * weights.get(p.id, 0.0) / total / p.activity_level
                      for p in report.result.processes if p.activity_level and p.id in chain.ids)
        if not missing:
            continue
        counted = single and (part == "direct" or g.basis.counts_indirect)
        note = None if single else ESTIMATE
        if part == "indirect" and not g.basis.counts_indirect:
            note = _NOT_COUNTED
        out.append(Impact(g.row, part, -missing, g.relative(-missing), counted, note))
    return out


def direct_rest_impacts(report: ValidationReport, chain: Chain, goods: dict[int, GoodMateriality],
                        rest: float) -> list[Impact]:
    """AR-012's rest of direct emissions, spread in proportion to DirEm."""
    weights = {p.id: p.direct_emissions or 0.0 for p in report.result.processes}
    return rest_impacts(report, chain, goods, rest, "direct", weights)


def indirect_rest_item(report: ValidationReport, chain: Chain, goods: dict[int, GoodMateriality],
                       decisions: Decisions) -> Item | None:
    """The installation's indirect emissions (its own total, C_Emissions&Energy) against the sum attributed to the
    processes (electricity x the process's factor): an unexplained rest beyond the 1 % gap is a misstatement of the
    indirect SEE, counted for goods whose basis counts indirect emissions."""
    s, r = report.submission, report.result
    total = r.totals.indirect
    attributed = [p.attributed_indirect for p in r.processes if p.attributed_indirect is not None]
    if total is None or total <= 0 or not attributed or rest_explained(s):
        return None
    rest = total - sum(attributed)
    if rest <= plausibility()["installation_balance"]["unexplained_rest"] * total:
        return None
    weights = {p.id: p.attributed_indirect or 0.0 for p in r.processes}
    item = Item(id="IND-REST", klass="misstatement", origin="automated", severity="warning",
                message=f"{rest:,.0f} tCO2e ({rest / total * 100:.1f} %) of the installation's indirect emissions "
                        f"({total:,.0f} tCO2e) are attributed to no production process (attributed "
                        f"{sum(attributed):,.0f}: electricity consumed x each process's emission factor), and the "
                        "file shows no export or non-CBAM use they could belong to",
                remedy="Check each process's electricity consumption and emission factor (D_Processes) against the "
                       "installation's electricity and factor (C_Emissions&Energy), or state the non-CBAM use.",
                reference="IR (EU) 2025/2547 Annex III A (complete attribution); methodology 10.2 U2 (1 % gap); "
                          "IR (EU) 2025/2546 Art. 5",
                location="C_Emissions&Energy (total indirect emissions)",
                impacts=rest_impacts(report, chain, goods, rest, "indirect", weights))
    item.affected_goods = sorted({i.row for i in item.impacts})
    decision = decisions.findings.get(item.id)
    if decision is not None:
        item.status, item.operator_response, item.correction = (decision.status, decision.operator_response,
                                                                 decision.correction)
        item.klass = decision.klass or item.klass
    return item
