"""Misstatements quantified per good on its legal basis, individually and in aggregate, against 5 % of the good's
SEE (absolute threshold in tCO2e/t and relative), and the same test on the good's SEFA.

One sign convention throughout: impact = declared (or as filed) minus recomputed (or corrected); positive means the
file overstates. Only uncorrected misstatements count (open ones are treated as uncorrected). The aggregate is
shown net (signed sum) and gross (sum of absolute values); the good is material where the gross aggregate reaches
the threshold, so that opposite errors cannot hide each other.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from cbam_exchange.calc.free_allocation import GoodSefa, sefa_for_submission
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.findings import Finding
from cbam_exchange.checks.rules.arithmetic import TOLERANCE
from cbam_exchange.checks.run import ValidationReport
from cbam_exchange.model.paths import set_path
from cbam_exchange.verification.basis import Basis, basis_for
from cbam_exchange.verification.chain import Chain, goods_on_chain, goods_using
from cbam_exchange.verification.classes import Impact, Item
from cbam_exchange.verification.decisions import Decisions
from cbam_exchange.verification.rest import ESTIMATE, direct_rest_impacts, indirect_rest_item
from cbam_exchange.verification.rules import materiality
from cbam_exchange.verification.sensitivity import direct_scale

_INDEX = re.compile(r"^(declared\.products|declared\.processes|processes|purchased_precursors)\[(\d+)\]\.?(\w*)")


@dataclass
class GoodMateriality:
    row: int
    cn_code: str | None
    name: str | None
    basis: Basis
    see: float | None  # recomputed, on the basis
    see_direct: float | None
    see_indirect: float | None
    declared_direct: float | None = None
    declared_indirect: float | None = None
    declared_total: float | None = None
    impacts: list[tuple[Item, Impact]] = field(default_factory=list)
    sefa: GoodSefa | None = None
    sefa_impacts: list[tuple[Item, Impact]] = field(default_factory=list)

    @property
    def threshold(self) -> float | None:
        return None if self.see is None else materiality() * abs(self.see)

    @property
    def declared(self) -> float | None:
        return self.basis.value(self.declared_direct, self.declared_indirect, self.declared_total)

    def _counted(self, impacts: list[tuple[Item, Impact]]) -> list[Impact]:
        return [i for item, i in impacts if i.counted and item.uncorrected and item.klass == "misstatement"]

    @property
    def net(self) -> float:
        return sum(i.absolute for i in self._counted(self.impacts))

    @property
    def gross(self) -> float:
        return sum(abs(i.absolute) for i in self._counted(self.impacts))

    @property
    def unassigned(self) -> float:
        """Gross of uncorrected emissions the installation emits but the file assigns to none of several processes
        (the pro-rata estimate: shown, not counted, as the good's true share is unknown)."""
        return sum(abs(i.absolute) for item, i in self.impacts
                   if i.note == ESTIMATE and item.uncorrected and item.klass == "misstatement")

    @property
    def material(self) -> bool | None:
        """None where materiality cannot be assessed: the good's SEE cannot be computed, or emissions assigned to no
        process could, on the pro-rata estimate, take the good to 5 %."""
        if self.threshold is None:
            return None
        if self.gross >= self.threshold and self.gross > 0:
            return True
        return None if self.unassigned and self.gross + self.unassigned >= self.threshold else False

    @property
    def sefa_threshold(self) -> float | None:
        return None if self.sefa is None or self.sefa.sefa is None else materiality() * abs(self.sefa.sefa)

    @property
    def sefa_gross(self) -> float:
        return sum(abs(i.absolute) for i in self._counted(self.sefa_impacts))

    @property
    def sefa_material(self) -> bool | None:
        if self.sefa_threshold is None:
            return None
        return self.sefa_gross >= self.sefa_threshold and self.sefa_gross > 0

    def relative(self, absolute: float) -> float | None:
        return absolute / abs(self.see) if self.see else None


def _goods(report: ValidationReport) -> dict[int, GoodMateriality]:
    s, categories = report.submission, {p.id: p.category for p in report.submission.processes}
    declared = {p.row: p for p in s.declared.products} if s.declared and s.declared.available else {}
    out = {}
    for p in report.result.products:
        basis = basis_for(p.cn_code, categories.get(p.process or ""))
        g = GoodMateriality(p.row, p.cn_code, p.name, basis, basis.value(p.see_direct, p.see_indirect),
                            p.see_direct, p.see_indirect)
        d = declared.get(p.row)
        if d is not None:
            g.declared_direct, g.declared_indirect, g.declared_total = d.see_direct, d.see_indirect, d.see_total
        out[p.row] = g
    return out


def _declared_product_impact(g: GoodMateriality, part: str, absolute: float) -> Impact:
    if g.basis.kind == "direct":
        counted = part == "see_direct"
        note = None if counted else ("reported, not counted (Annex II good: direct emissions only)"
                                     if part == "see_indirect" else "not the good's basis")
    else:
        counted = part == "see_total" or (g.declared_total is None and part in ("see_direct", "see_indirect"))
        note = None if counted else "included in the declared SEE total"
    return Impact(g.row, part.removeprefix("see_"), absolute, g.relative(absolute), counted, note)


def _affected(report: ValidationReport, chain: Chain, path: str | None) -> tuple[list[int], str | None, str]:
    """Goods a finding at `path` affects, the process or product it sits on, and the quantity."""
    m = _INDEX.match(path or "")
    if not m:
        return [], None, ""
    kind, k, quantity = m.group(1), int(m.group(2)), m.group(3)
    s = report.submission
    if kind == "declared.products":
        return ([s.declared.products[k].row] if s.declared and k < len(s.declared.products) else []), None, quantity
    if kind == "declared.processes":
        node = s.declared.processes[k].id if s.declared and k < len(s.declared.processes) else None
    else:
        items = s.processes if kind == "processes" else s.purchased_precursors
        node = items[k].id if k < len(items) else None
    if node is None or node not in chain.ids:
        return [], None, quantity
    return goods_using(chain, report.result, node), node, quantity


def _quantify(item: Item, finding: Finding, report: ValidationReport, chain: Chain,
              goods: dict[int, GoodMateriality]) -> None:
    rows, node, quantity = _affected(report, chain, finding.path)
    item.affected_goods = rows
    d = finding.details
    if finding.rule == "AR-002" and d.get("absolute") is not None and rows:
        g = goods[rows[0]]
        item.impacts.append(_declared_product_impact(g, quantity, -float(d["absolute"])))  # type: ignore[arg-type]
    elif finding.rule == "AR-001" and d.get("absolute") is not None and node:
        absolute = -float(d["absolute"])  # type: ignore[arg-type]
        for row in rows:
            g = goods[row]
            product = next(p for p in report.result.products if p.row == row)
            if product.process != node:
                continue
            part = quantity.removeprefix("see_")
            counted = part == "direct" or g.basis.counts_indirect
            note = None if counted else "reported, not counted (Annex II good: direct emissions only)"
            if counted and g.declared is not None:
                counted, note = False, "included in the good's declared SEE (product-level comparison)"
            origin = _inherited(report, chain, node, quantity, absolute)
            note = "; ".join(n for n in (note, origin) if n) or None
            item.impacts.append(Impact(row, part, absolute, g.relative(absolute), counted, note))
    elif finding.rule == "AR-012" and finding.args.get("rest"):
        item.impacts.extend(direct_rest_impacts(report, chain, goods, float(finding.args["rest"])))
        item.affected_goods = sorted({i.row for i in item.impacts} | set(rows))
    elif finding.rule.startswith("UN-"):
        effects = d.get("effects") or {}
        for e in effects.get("products", []):  # type: ignore[union-attr]
            g = goods.get(e["row"])
            if g is None:
                continue
            (od, nd), (oi, ni) = e["see_direct"], e["see_indirect"]
            old, new = g.basis.value(od, oi), g.basis.value(nd, ni)
            if old is not None and new is not None and old != new:
                item.impacts.append(Impact(g.row, g.basis.kind, old - new, g.relative(old - new)))
            elif g.basis.kind == "direct" and oi is not None and ni is not None and oi != ni:
                item.impacts.append(Impact(g.row, "indirect", oi - ni, g.relative(oi - ni), False,
                                           "reported, not counted (Annex II good: direct emissions only)"))
        if not effects.get("products") and effects.get("installation_direct"):
            _pro_rata(item, report, chain, goods, effects["installation_direct"])  # type: ignore[arg-type]
        item.affected_goods = sorted({i.row for i in item.impacts} | set(rows))


def _inherited(report: ValidationReport, chain: Chain, node: str, quantity: str, absolute: float) -> str | None:
    """How much of a process's declared-SEE misstatement it inherits from the declared SEE of the processes it
    consumes (amount per t times their own misstatement, one level up, as the template chains them) and how much is
    its own, so that the verifier looks for the cause where it is; None where nothing is inherited."""
    s = report.submission
    declared = {p.id: p for p in s.declared.processes} if s.declared else {}
    recomputed = {p.id: p for p in report.result.processes}
    row = chain.matrix[chain.index(node)]
    parts = []
    for j, amount in enumerate(row):
        upstream = chain.ids[j]
        if not amount or upstream not in declared or upstream not in recomputed:
            continue
        theirs, ours = getattr(declared[upstream], quantity, None), getattr(recomputed[upstream], quantity, None)
        if theirs is not None and ours is not None and theirs != ours:
            parts.append((upstream, amount * (theirs - ours)))
    inherited = sum(v for _, v in parts)
    if not parts or not inherited:
        return None
    named = ", ".join(f"{u} {v:+.5g}" for u, v in parts)
    return (f"of which {inherited:+.5g} tCO2e/t inherited from the declared SEE of upstream processes ({named}) and "
            f"{absolute - inherited:+.5g} the process's own")


def _pro_rata(item: Item, report: ValidationReport, chain: Chain, goods: dict[int, GoodMateriality],
              direct: list[float]) -> None:
    """A slip in a source stream moves the installation total, not DirEm per process (entered separately): estimate
    each good's impact as if the change were spread over DirEm pro rata, shown but not counted."""
    old, new = direct
    if not old or old == new:
        return
    for _, g, ell in goods_on_chain(chain, report.result, goods):
        absolute = direct_scale(report.result, chain, ell) * (old - new) / old
        if absolute:
            item.impacts.append(Impact(g.row, "direct", absolute, g.relative(absolute), False,
                                       "pro-rata estimate: DirEm per process is entered separately; counts where "
                                       "DirEm is derived from this stream"))


def _sefa_of_correction(report: ValidationReport, finding: Finding, before: dict[int, GoodSefa],
                        item: Item) -> None:
    """A unit slip in a quantity can move SEFA too (precursor amounts, activity levels): recompute it corrected."""
    corrected = finding.details.get("corrected")
    if corrected is None or not finding.path or not before:
        return
    patched = copy.deepcopy(report.submission)
    set_path(patched, finding.path, corrected)
    patched, result = recompute(patched)
    after = sefa_for_submission(patched, result, report.year)
    for row, old in before.items():
        new = after.get(row)
        if old.sefa is not None and new is not None and new.sefa is not None and new.sefa != old.sefa:
            absolute = old.sefa - new.sefa
            item.sefa_impacts.append(Impact(row, "sefa", absolute, absolute / abs(old.sefa) if old.sefa else None))


def declared_sefa_items(report: ValidationReport, goods: dict[int, GoodMateriality],
                        decisions: Decisions) -> list[Item]:
    """SEFA the operator declares (Annex IV §1.2 (4)(e)) against the benchmarks: a misstatement per good where they
    differ by more than the arithmetic tolerance, quantified as declared minus recomputed."""
    s = report.submission
    out = []
    for k, d in enumerate(s.definitive.goods if s.definitive else []):
        g = goods.get(d.product_row)
        if d.sefa is None or g is None or g.sefa is None or g.sefa.sefa is None:
            continue
        absolute = d.sefa - g.sefa.sefa
        if abs(absolute) <= TOLERANCE * abs(g.sefa.sefa):
            continue
        item = Item(id=f"SEFA-{d.product_row}", klass="misstatement", origin="automated",
                    message=f"product row {d.product_row}: declared SEFA {d.sefa:.5f} but the benchmarks give "
                            f"{g.sefa.sefa:.5f} tCO2e/t ({absolute / abs(g.sefa.sefa) * 100:+.2f} %, declared minus "
                            "recomputed)" if g.sefa.sefa else f"product row {d.product_row}: declared SEFA "
                            f"{d.sefa:.5f} but the benchmarks give 0", location=f"definitive.goods[{k}].sefa",
                    severity="error", reference="IR (EU) 2025/2620 Annex; IR (EU) 2025/2546 Art. 5",
                    affected_goods=[d.product_row],
                    sefa_impacts=[Impact(d.product_row, "sefa", absolute,
                                         absolute / abs(g.sefa.sefa) if g.sefa.sefa else None)])
        decision = decisions.findings.get(item.id)
        if decision is not None:
            item.status, item.operator_response, item.correction = (decision.status, decision.operator_response,
                                                                     decision.correction)
        out.append(item)
    return out


def assess_materiality(report: ValidationReport, items: list[tuple[Item, Finding | None]], decisions: Decisions,
                       chain: Chain, definitive: bool) -> list[GoodMateriality]:
    """Quantify every item per good and gather the impacts per good; SEFA misstatements of declared values and an
    unexplained rest of indirect emissions are appended to `items`."""
    goods = _goods(report)
    sefa = sefa_for_submission(report.submission, report.result, report.year) if definitive else {}
    for row, value in sefa.items():
        if row in goods:
            goods[row].sefa = value
    items.extend((i, None) for i in declared_sefa_items(report, goods, decisions))
    rest = indirect_rest_item(report, chain, goods, decisions)
    if rest is not None:
        items.append((rest, None))
    own = {o.id: o for o in decisions.own}
    for item, finding in items:
        if finding is not None and item.klass != "misstatement":
            item.affected_goods = _affected(report, chain, finding.path)[0]
        if finding is not None and item.klass == "misstatement":
            _quantify(item, finding, report, chain, goods)
            if finding.rule.startswith("UN-"):
                _sefa_of_correction(report, finding, sefa, item)
        elif item.id in own:
            o = own[item.id]
            for row, absolute in o.impact.items():
                if row in goods:
                    item.impacts.append(Impact(row, goods[row].basis.kind, absolute, goods[row].relative(absolute)))
            for row, absolute in o.sefa_impact.items():
                g = goods.get(row)
                if g is not None:
                    base = g.sefa.sefa if g.sefa and g.sefa.sefa else None
                    item.sefa_impacts.append(Impact(row, "sefa", absolute, absolute / abs(base) if base else None))
        for impact in item.impacts:
            if impact.row in goods:
                goods[impact.row].impacts.append((item, impact))
        for impact in item.sefa_impacts:
            if impact.row in goods:
                goods[impact.row].sefa_impacts.append((item, impact))
    return list(goods.values())
