"""What a worker process does with one upload: validate it, and on request write its annotated copy or its report
draft. Every function takes the file's bytes and its name, works in a private temporary folder that is removed
before it returns, and returns plain data (nothing refers back to the folder)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cbam_exchange.checks.findings import Finding


@contextlib.contextmanager
def _private_copy(data: bytes, name: str) -> Iterator[Path]:
    """The upload as `name` in a fresh folder only this process can read, which is the working directory meanwhile
    so that messages name the file as the user knows it (as `cbam validate NAME` would)."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="cbam-serve-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        os.chdir(folder)
        try:
            yield Path(name)
        finally:
            os.chdir(previous)


def warm_up() -> None:
    """Import what validation needs and fill the per-process caches (the layouts' rows, the default-value and
    benchmark tables) once per worker, so that the first upload a worker gets is as fast as the others."""
    from cbam_exchange.checks.catalogue import all_rules
    from cbam_exchange.checks.validate_file import validate_file  # noqa: F401
    from cbam_exchange.readers.ec_template import cells_needed
    from cbam_exchange.reference.tables import benchmarks, default_value
    from cbam_exchange.report.chart import bar_chart  # noqa: F401

    all_rules()
    cells_needed()
    default_value("72081000", "CN", 2026)  # any good: the first lookup loads and indexes the tables
    benchmarks("72081000")


def _declared(s: Any) -> dict[int, Any]:
    """Product row -> the SEE the file declares for it (none where the file declares nothing)."""
    return {p.row: p for p in s.declared.products} if s.declared and s.declared.available else {}


def _products(report: Any) -> tuple[list[dict[str, Any]], str]:
    """Declared beside recomputed SEE per product, and the report's chart of them (`product_bars`)."""
    from cbam_exchange.report.chart import bar_chart

    s = report.submission
    declared = _declared(s)
    rows = []
    for product, result in zip(s.products, report.result.products):
        d = declared.get(product.row)
        rows.append({
            "row": product.row, "cn_code": product.cn_code, "name": product.name, "process": product.process,
            "declared": None if d is None else {"direct": d.see_direct, "indirect": d.see_indirect, "total": d.see_total},
            "recomputed": {"direct": result.see_direct, "indirect": result.see_indirect, "total": result.see_total},
        })
    return rows, bar_chart(product_bars(report), unit="tCO2e/t (SEE direct)")


def product_bars(report: Any) -> list[Any]:
    """Per product, in SEE direct (one unit for every good): recomputed, declared, the default value of the
    reporting period (the transitional value up to 2025) and the Column A benchmark where the CN code has one
    (several routes: which applies depends on the process, so none is drawn; never a minimum over routes)."""
    from cbam_exchange.reference.tables import applicable_default, benchmarks
    from cbam_exchange.report.chart import Bar

    s = report.submission
    declared = _declared(s)
    bars = []
    for product, result in zip(s.products, report.result.products):
        d = declared.get(product.row)
        dv = applicable_default(product.cn_code, s.installation.country_code, report.year)
        column_a = [b.value for b in benchmarks(product.cn_code) if b.column == "A"]
        bars.append(Bar(f"{product.row}: {product.cn_code or '—'}",
                        {"see": result.see_direct, "declared": d.see_direct if d else None,
                         "default": dv.direct if dv else None,
                         "benchmark": column_a[0] if len(column_a) == 1 else None}))
    return bars


def analyse(data: bytes, name: str) -> dict[str, Any]:
    """The findings document `cbam validate --format json NAME` prints, the findings themselves (for rendering in
    any language) and what the result page shows about the submission."""
    from cbam_exchange.checks.validate_file import validate_file

    with _private_copy(data, name) as path:
        doc, report = validate_file(path, None, (), (), ())
    if report is None:
        return {"name": name, "document": doc, "unreadable": doc["unreadable"]}
    s = report.submission
    products, chart = _products(report)
    return {
        "name": name, "document": doc, "unreadable": None, "findings": report.findings,
        "format": s.source.format, "template_version": s.source.template_version,
        "installation": {"name": s.installation.name, "name_local": s.installation.name_local,
                         "country": s.installation.country, "country_code": s.installation.country_code,
                         "city": s.installation.city},
        "period": [str(s.reporting_period.start or ""), str(s.reporting_period.end or "")],
        "declared_available": bool(s.declared and s.declared.available),
        "products": products, "chart": chart, "year": report.year,
    }


def annotated_workbook(data: bytes, name: str, findings: list[Finding]) -> bytes:
    """The supplier's workbook with each finding as a comment and highlight at its cell."""
    from cbam_exchange.writers.annotate import annotate_workbook

    with _private_copy(data, name) as path:
        target = Path(tempfile.mkdtemp(dir=".")) / "annotated.xlsx"  # beside the upload, never over it
        annotate_workbook(path, findings, target)
        return target.read_bytes()


def report_draft(data: bytes, name: str) -> bytes:
    """The verification-report draft (PDF/A-3b, evidence embedded) of the upload."""
    from cbam_exchange.report.pdf import write_draft

    with _private_copy(data, name) as path:
        target = Path(tempfile.mkdtemp(dir=".")) / "draft.pdf"
        write_draft(path, target)
        return target.read_bytes()
