"""Everything the draft template shows, assembled from the validation report (no calculation happens here beyond
looking figures up)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.checks.assessment import MATERIALITY, assess
from cbam_exchange.checks.run import ValidationReport
from cbam_exchange.reference.tables import benchmarks, default_value
from cbam_exchange.report.chart import Bar, bar_chart


def draft_context(report: ValidationReport, evidence: dict[str, str], verifier_info: dict[str, Any],
                  source_name: str) -> dict[str, Any]:
    s = report.submission
    assessment = assess(report)
    declared = {p.row: p for p in s.declared.products} if s.declared and s.declared.available else {}
    declared_processes = {p.id: p for p in s.declared.processes} if s.declared and s.declared.available else {}
    goods = []
    bars = []
    for product, result in zip(s.products, report.result.products):
        dv = default_value(product.cn_code, s.installation.country_code, report.year) if product.cn_code else None
        marks = benchmarks(product.cn_code)
        lowest = min((b.value for b in marks), default=None)
        d = declared.get(product.row)
        goods.append({"product": product, "result": result, "declared": d, "default": dv, "benchmark": lowest,
                      "materiality": next(g for g in assessment.goods if g.row == product.row)})
        bars.append(Bar(f"{product.row}: {product.cn_code or '—'}",
                        {"see": result.see_total if dv and dv.indirect is not None else result.see_direct,
                         "declared": (d.see_total if dv and dv.indirect is not None else d.see_direct) if d else None,
                         "default": (dv.total if dv.indirect is not None else dv.direct or dv.total) if dv else None,
                         "benchmark": lowest}))
    return {
        "s": s, "result": report.result, "year": report.year, "findings": report.findings,
        "assessment": assessment, "materiality": MATERIALITY, "goods": goods, "chart": bar_chart(bars),
        "declared_processes": declared_processes, "verifier": verifier_info, "evidence": evidence,
        "source_name": source_name, "generated": dt.date.today().isoformat(), "version": __version__,
    }
