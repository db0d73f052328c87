"""Everything the draft template shows, assembled from the validation report and the verifier's judgement (no
calculation happens here beyond looking figures up and summing what the page prints)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.checks.run import ValidationReport
from cbam_exchange.reference.tables import LAST_TRANSITIONAL_YEAR, applicable_default, benchmarks, manifest
from cbam_exchange.report import numbers
from cbam_exchange.report.chart import Bar, bar_chart, tornado_chart
from cbam_exchange.verification.decisions import Decisions
from cbam_exchange.verification.judgement import Judgement, judge
from cbam_exchange.verification.rules import materiality_rule

TORNADO_ROWS = 8


def _benchmark(g: Any, process: str | None) -> dict[str, Any]:
    """The benchmark applicable to the good's own process (route and column used for its SEFA), not a minimum."""
    used = [b for b in (g.sefa.benchmarks if g.sefa else []) if b.node == process]
    if used:
        b = used[0]
        return {"value": b.value, "column": b.column, "routes": ", ".join(b.routes) or "all routes",
                "note": None if len(b.candidates) <= 1 else
                f"{len(b.candidates)} rows fit ({', '.join(numbers.sig(c, 4) for c in b.candidates)})"}
    column_a = [b for b in benchmarks(g.cn_code) if b.column == "A"]
    if len(column_a) == 1:
        return {"value": column_a[0].value, "column": "A", "routes": column_a[0].route_meaning or "all routes",
                "note": None}
    return {"value": None, "column": "A", "routes": None,
            "note": "depends on the route: " + "; ".join(f"{b.route_meaning or b.route}: {b.value:g}"
                                                         for b in column_a) if column_a else "no benchmark"}


def _balance(report: ValidationReport) -> dict[str, Any]:
    r, s = report.result, report.submission
    dir_em = [p.direct_emissions for p in r.processes if p.direct_emissions is not None]
    attributed = sum(dir_em) if dir_em else None
    unattributed = None if attributed is None else r.totals.direct - attributed
    indirect_sum = sum(p.attributed_indirect for p in r.processes if p.attributed_indirect is not None)
    fb = s.emissions.fuel_balance
    return {"direct": r.totals.direct, "attributed": attributed, "unattributed": unattributed,
            "share": unattributed / r.totals.direct if unattributed is not None and r.totals.direct else None,
            "indirect": r.totals.indirect, "indirect_attributed": indirect_sum,
            "indirect_unattributed": None if r.totals.indirect is None else r.totals.indirect - indirect_sum,
            "fuel_electricity": fb.for_electricity, "fuel_non_cbam": fb.for_non_cbam, "fuel_total": fb.total}


def _flows(report: ValidationReport) -> list[dict[str, Any]]:
    """Flows leaving the CBAM goods: to non-CBAM uses, heat, waste gas and electricity exported."""
    out = []
    for p in report.submission.processes:
        for label, amount, unit, ef in (("consumed by non-CBAM processes", p.consumed_non_cbam, "t", None),
                                        ("heat exported", p.heat_exported, "TJ", p.heat_exported_ef),
                                        ("waste gas exported", p.waste_gas_exported, "TJ", p.waste_gas_exported_ef),
                                        ("electricity exported", p.electricity_exported, "MWh",
                                         p.electricity_exported_ef)):
            if amount:
                out.append({"source": f"{p.id} {p.name or ''}", "flow": label, "amount": amount, "unit": unit,
                            "ef": ef})
    for pp in report.submission.purchased_precursors:
        if pp.consumed_other:
            out.append({"source": f"{pp.id} {pp.name or ''}", "flow": "purchased precursor used otherwise",
                        "amount": pp.consumed_other, "unit": "t", "ef": None})
    return out


def _precursors(report: ValidationReport, decisions: Decisions | None) -> list[dict[str, Any]]:
    s = report.submission
    extra = {p.precursor_id: p for p in (s.definitive.precursors if s.definitive else [])}
    year = report.year
    out = []
    for pp, r in zip(s.purchased_precursors, report.result.purchased):
        d = extra.get(pp.id)
        default = "default" in (pp.see_direct_source or "").casefold()
        dv = applicable_default(d.cn_code, pp.country_code, year) if default and d and d.cn_code else None
        out.append({"pp": pp, "r": r, "extra": d, "default": default, "default_value": dv,
                    "upstream": decisions.upstream.get(pp.id) if decisions else None})
    return out


def _goods(report: ValidationReport, j: Judgement) -> list[dict[str, Any]]:
    s = report.submission
    processes = {sp.id: (sp, rp) for sp, rp in zip(s.processes, report.result.processes)}
    risks = {r.row: r for r in j.risks}
    stated = {d.product_row: d for d in (s.definitive.goods if s.definitive else [])}
    goods = []
    for product, result, g in zip(s.products, report.result.products, j.goods):
        sp, rp = processes.get(result.process or "", (None, None))
        sharing = sum(1 for p in report.result.products if p.process and p.process == result.process)
        # the default values of the reporting period: a 2023 file is compared with the transitional values
        dv = applicable_default(product.cn_code, s.installation.country_code, report.year)
        d = stated.get(product.row)
        quantity = d.quantity if d is not None and d.quantity is not None else None
        goods.append({"product": product, "result": result, "m": g, "default": dv, "risk": risks.get(product.row),
                      "benchmark": _benchmark(g, result.process), "process": sp,
                      "quantity": quantity if quantity is not None else (rp.activity_level if rp else None),
                      "quantity_of_good": quantity is not None, "declared_sefa": d.sefa if d is not None else None,
                      "for_market": sp.produced_for_market if sp else None, "sharing": sharing,
                      "diff_direct": None if g.declared_direct is None or g.see_direct is None
                      else g.declared_direct - g.see_direct,
                      "diff_indirect": None if g.declared_indirect is None or g.see_indirect is None
                      else g.declared_indirect - g.see_indirect})
    return goods


def draft_context(report: ValidationReport, evidence: dict[str, str], decisions: Decisions | None,
                  source_name: str) -> dict[str, Any]:
    s = report.submission
    j = judge(report, decisions)
    goods = _goods(report, j)
    bars = [Bar(f"{g['product'].row}: {g['product'].cn_code or '—'}",
                {"see": g["m"].see, "declared": g["m"].declared,
                 "default": (g["default"].total if g["m"].basis.counts_indirect else g["default"].direct)
                 if g["default"] else None, "benchmark": g["benchmark"]["value"]}) for g in goods]
    groups: dict[tuple, list[Any]] = {}  # goods of one process on one basis share their ranking: one chart
    for risk in j.risks:
        if risk.inputs:
            key = tuple((x.path, round(x.elasticity, 9)) for x in risk.inputs[:TORNADO_ROWS])
            groups.setdefault(key, []).append(risk)
    tornados = []
    for risks in groups.values():
        first = risks[0]
        rows = [(f"{x.label} ({x.cell or x.path})", x.elasticity) for x in first.inputs[:TORNADO_ROWS]]
        names = ", ".join(f"{r.row} ({r.cn_code or '—'})" for r in risks)
        tornados.append(tornado_chart(rows, f"Product row{'s' if len(risks) > 1 else ''} {names}: elasticity of "
                                            f"{first.basis.label}"))
    return {
        "s": s, "result": report.result, "year": report.year, "findings": report.findings, "j": j,
        "goods": goods, "chart": bar_chart(bars), "tornados": tornados, "balance": _balance(report),
        "flows": _flows(report), "precursors": _precursors(report, decisions),
        "materiality_rule": materiality_rule(), "decisions": decisions, "n": numbers,
        "declared_processes": {p.id: p for p in s.declared.processes} if s.declared and s.declared.available else {},
        "default_table": manifest()["default_values_transitional" if report.year <= LAST_TRANSITIONAL_YEAR
                                    else "default_values"],
        "evidence": evidence, "source_name": source_name, "generated": dt.date.today().isoformat(),
        "version": __version__,
    }
