"""SEFA per good for the 5 % test, taken from the free-allocation calculation (calc/free_allocation.py, IR (EU)
2025/2620) and keyed by product row. Where that calculation is not available, every good says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.calc.results import Recomputation
from cbam_exchange.model.submission import Submission


@dataclass
class GoodSefa:
    row: int
    sefa: float | None
    reason: str | None = None
    benchmarks: list[Any] = field(default_factory=list)
    cbam_factor: float | None = None
    cscf: float | None = None
    notes: list[str] = field(default_factory=list)


def sefa_by_row(submission: Submission, result: Recomputation, year: int) -> dict[int, GoodSefa]:
    try:
        from cbam_exchange.calc.free_allocation import sefa_for_submission
    except ImportError:
        return {p.row: GoodSefa(p.row, None, "the free-allocation calculation is not available in this version")
                for p in result.products}
    computed = sefa_for_submission(submission, result, year)
    out = {}
    for k, p in enumerate(result.products):
        g = computed.get(str(p.row), computed.get(p.row, computed.get(k)))  # type: ignore[call-overload]
        if g is None:
            out[p.row] = GoodSefa(p.row, None, "no SEFA computed for this good")
            continue
        out[p.row] = GoodSefa(p.row, g.sefa, getattr(g, "reason", None), list(getattr(g, "benchmarks", []) or []),
                              getattr(g, "cbam_factor", None), getattr(g, "cscf", None),
                              list(getattr(g, "notes", []) or []))
    return out
