"""A verifier's risk analysis: how strongly each input moves each good's SEE on its legal basis.

Elasticities (relative change of the good's SEE per relative change of the input) are derived analytically through
the precursor chain: with L = (I - A)^-1, dSEE_g/dSE_j = L[g][j]; a process input moves its SE (and, for production
and precursor amounts, its row of A); an activity level moves both. Source streams, PFC and measured sources are
not linked to processes in the template (DirEm per process is its own input), so their elasticities assume the
stream's emissions are spread over the processes in proportion to DirEm ("pro-rata"), and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cbam_exchange.calc.results import Recomputation
from cbam_exchange.model.submission import Submission
from cbam_exchange.reference import calculation_constants
from cbam_exchange.verification.basis import Basis, basis_for
from cbam_exchange.verification.chain import Chain, build_chain

CHAIN, PRO_RATA = "chain", "pro-rata"


@dataclass
class Sensitivity:
    path: str
    cell: str | None
    label: str
    value: float
    elasticity: float
    via: str  # chain: exact through the recomputation; pro-rata: stream spread over processes by DirEm

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "cell": self.cell, "label": self.label, "value": self.value,
                "elasticity": self.elasticity, "via": self.via}


@dataclass
class GoodRisk:
    row: int
    cn_code: str | None
    name: str | None
    process: str | None
    basis: Basis
    see: float | None
    inputs: list[Sensitivity] = field(default_factory=list)
    default_share: float | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "cn_code": self.cn_code, "name": self.name, "process": self.process,
                "basis": self.basis.label, "basis_reference": self.basis.rule.cite(), "see": self.see,
                "default_share": self.default_share, "note": self.note,
                "inputs": [s.as_dict() for s in self.inputs]}


def _is_default(source: str | None) -> bool:
    return "default" in (source or "").casefold()


class _Collector:
    """Gathers d(SEE direct)/d(input) and d(SEE indirect)/d(input) for one good."""

    def __init__(self, submission: Submission) -> None:
        self.sources = submission.sources
        self.terms: dict[str, list] = {}

    def add(self, path: str, label: str, value: float | None, d_direct: float, d_indirect: float = 0.0,
            via: str = CHAIN) -> None:
        if value is None or value == 0:
            return
        entry = self.terms.setdefault(path, [label, value, 0.0, 0.0, via])
        entry[2] += d_direct
        entry[3] += d_indirect

    def cell(self, path: str) -> str | None:
        s = self.sources.get(path)
        return f"{s.sheet}!{s.cell}" if s else None


def _process_terms(c: _Collector, submission: Submission, result: Recomputation, chain: Chain,
                   ell: list[float]) -> None:
    ng = calculation_constants().ef_natural_gas.value
    corr = calculation_constants().waste_gas_export_correction.value
    for k, (p, r) in enumerate(zip(submission.processes, result.processes)):
        level, w = r.activity_level, ell[chain.index(p.id)]
        if not level or not w:
            continue
        u = w / level
        pre, name = f"processes[{k}]", f"{p.id} {p.name or ''}".strip()
        c.add(f"{pre}.direct_emissions", f"{name}: directly attributable emissions (attribution)",
              p.direct_emissions, u)
        c.add(f"{pre}.heat_imported", f"{name}: heat imported", p.heat_imported, u * (p.heat_imported_ef or 0))
        c.add(f"{pre}.heat_imported_ef", f"{name}: EF of heat imported", p.heat_imported_ef,
              u * (p.heat_imported or 0))
        c.add(f"{pre}.heat_exported", f"{name}: heat exported", p.heat_exported, -u * (p.heat_exported_ef or 0))
        c.add(f"{pre}.heat_exported_ef", f"{name}: EF of heat exported", p.heat_exported_ef,
              -u * (p.heat_exported or 0))
        c.add(f"{pre}.waste_gas_imported", f"{name}: waste gas imported", p.waste_gas_imported, u * ng)
        c.add(f"{pre}.waste_gas_exported", f"{name}: waste gas exported", p.waste_gas_exported, -u * ng * corr)
        c.add(f"{pre}.electricity_exported", f"{name}: electricity exported", p.electricity_exported,
              -u * (p.electricity_exported_ef or 0))
        c.add(f"{pre}.electricity_exported_ef", f"{name}: EF of electricity exported", p.electricity_exported_ef,
              -u * (p.electricity_exported or 0))
        if r.attributed_indirect is not None:
            c.add(f"{pre}.electricity_consumed", f"{name}: electricity consumed", p.electricity_consumed, 0.0,
                  u * (p.electricity_ef or 0))
            c.add(f"{pre}.electricity_ef", f"{name}: EF of electricity consumed", p.electricity_ef, 0.0,
                  u * (p.electricity_consumed or 0))
        for j, route in enumerate(p.production):
            c.add(f"{pre}.production[{j}].amount", f"{name}: production ({route.route or f'route {j + 1}'})",
                  route.amount, -u * (r.see_direct or 0), -u * (r.see_indirect or 0))
    sees = {p.id: (p.see_direct, p.see_indirect) for p in result.processes} | \
           {p.id: (p.see_direct, p.see_indirect) for p in result.purchased}
    for producer, consumer, pk, uk, amount in chain.uses:
        level, w = chain.levels[consumer], ell[chain.index(consumer)]
        if not level or not w:
            continue
        kind = "processes" if chain.kinds[producer] == "process" else "purchased_precursors"
        sd, si = sees[producer]
        c.add(f"{kind}[{pk}].consumed_by[{uk}].amount", f"{producer} consumed by {consumer} (precursor quantity)",
              amount, w * (sd or 0) / level, w * (si or 0) / level)


def _purchased_terms(c: _Collector, submission: Submission, chain: Chain, ell: list[float]) -> None:
    for k, pp in enumerate(submission.purchased_precursors):
        w = ell[chain.index(pp.id)]
        if not w:
            continue
        pre, name = f"purchased_precursors[{k}]", f"{pp.id} {pp.name or ''}".strip()
        c.add(f"{pre}.see_direct", f"{name}: precursor SEE direct ({pp.see_direct_source or 'source not given'})",
              pp.see_direct, w)
        if pp.specific_electricity is not None and pp.electricity_ef is not None:
            c.add(f"{pre}.specific_electricity", f"{name}: precursor specific electricity", pp.specific_electricity,
                  0.0, w * pp.electricity_ef)
            c.add(f"{pre}.electricity_ef", f"{name}: precursor electricity EF", pp.electricity_ef, 0.0,
                  w * pp.specific_electricity)


def _emission_source_terms(c: _Collector, submission: Submission, result: Recomputation, d_scale: float) -> None:
    """Streams, PFC and measured sources: d(SEE)/d(installation direct) spread pro-rata over DirEm."""
    direct = result.totals.direct
    if not direct or not d_scale:
        return
    for k, (s, r) in enumerate(zip(submission.emissions.source_streams, result.streams)):
        if not r.fossil:
            continue
        g = d_scale * r.fossil / direct  # d(SEE)/d(ln input) for an input the stream is proportional to
        pre, name = f"emissions.source_streams[{k}]", f"stream row {s.row} {s.name or ''}".strip()
        method = (s.method or "").strip().casefold()
        per_tj = (s.ef_unit or "").strip().casefold() == "tco2/tj"
        factors = [("activity_data", "activity data", True), ("ncv", "NCV", per_tj and method != "mass balance"),
                   ("ef", "emission factor", method != "mass balance"),
                   ("carbon_content", "carbon content", method == "mass balance"),
                   ("oxidation_factor", "oxidation factor", method == "combustion"),
                   ("conversion_factor", "conversion factor", method == "process emissions")]
        for attr, label, applies in factors:
            value = getattr(s, attr)
            if applies and value:
                c.add(f"{pre}.{attr}", f"{name}: {label}", value, g / value, via=PRO_RATA)
        if s.biomass_content and s.biomass_content < 100:
            c.add(f"{pre}.biomass_content", f"{name}: biomass content", s.biomass_content,
                  -g / (100 - s.biomass_content), via=PRO_RATA)
    for k, (p, r) in enumerate(zip(submission.emissions.pfc, result.pfc)):
        if r.co2e and p.activity_data:
            c.add(f"emissions.pfc[{k}].activity_data", f"PFC row {p.row}: aluminium production (AD)",
                  p.activity_data, d_scale * r.co2e / direct / p.activity_data, via=PRO_RATA)
    for k, (m, r) in enumerate(zip(submission.emissions.measurements, result.measurements)):
        if not r.co2e:
            continue
        for attr, label in (("hourly_concentration", "concentration"), ("operating_hours", "operating hours"),
                            ("flue_gas_flow", "flue-gas flow")):
            value = getattr(m, attr)
            if value:
                c.add(f"emissions.measurements[{k}].{attr}", f"measured source row {m.row} {m.name or ''}: {label}",
                      value, d_scale * r.co2e / direct / value, via=PRO_RATA)


def direct_scale(result: Recomputation, chain: Chain, ell: list[float]) -> float:
    """d(SEE direct of the good) / d(ln DirEm of every process): how far the good moves where all DirEm move
    together, which is how a stream's change reaches it pro rata."""
    return sum((r.direct_emissions or 0) * ell[chain.index(r.id)] / r.activity_level
               for r in result.processes if r.activity_level)


def good_risks(submission: Submission, result: Recomputation, chain: Chain | None = None) -> list[GoodRisk]:
    """Per good, its inputs ranked by |elasticity| of the SEE on its legal basis, and its share on default values."""
    chain = chain or build_chain(submission, result)
    categories = {p.id: p.category for p in submission.processes}
    rows: dict[str, list[float] | None] = {}
    out = []
    for product in result.products:
        basis = basis_for(product.cn_code, categories.get(product.process or ""))
        see = basis.value(product.see_direct, product.see_indirect)
        risk = GoodRisk(product.row, product.cn_code, product.name, product.process, basis, see)
        out.append(risk)
        if product.process is None or not see:
            risk.note = "SEE not computed or zero: no sensitivities"
            continue
        if product.process not in rows:
            rows[product.process] = chain.leontief_row(product.process)
        ell = rows[product.process]
        if ell is None:
            risk.note = "the precursor chain has no solution: no sensitivities"
            continue
        c = _Collector(submission)
        _process_terms(c, submission, result, chain, ell)
        _purchased_terms(c, submission, chain, ell)
        _emission_source_terms(c, submission, result, direct_scale(result, chain, ell))
        for path, (label, value, d_dir, d_ind, via) in c.terms.items():
            derivative = d_dir + (d_ind if basis.counts_indirect else 0.0)
            if derivative:
                risk.inputs.append(Sensitivity(path, c.cell(path), label, value, derivative * value / see, via))
        risk.inputs.sort(key=lambda s: (-abs(s.elasticity), s.path))
        default = 0.0
        for pp, rp in zip(submission.purchased_precursors, result.purchased):
            w = ell[chain.index(pp.id)]
            if _is_default(pp.see_direct_source):
                default += w * (rp.see_direct or 0)
            if basis.counts_indirect and (_is_default(pp.specific_electricity_source)
                                          or _is_default(pp.electricity_ef_source)):
                default += w * (rp.see_indirect or 0)
        risk.default_share = default / see
    return out
