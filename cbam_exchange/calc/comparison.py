"""Recomputed against declared values, per process, per product and for the installation totals."""

from __future__ import annotations

from dataclasses import dataclass

from cbam_exchange.calc.results import Recomputation
from cbam_exchange.model.submission import Submission


@dataclass
class Difference:
    """One quantity both recomputed and declared.

    `relative` is (recomputed - declared) / |basis|, where the basis is the declared value, or the recomputed value
    where the file declares 0 (a relative difference against 0 is undefined, and leaving it empty let a declared 0
    pass unnoticed); `basis` says which. Declared 0 against a non-zero recomputation is thus a 100 % misstatement.
    Both 0 is no difference; a missing value (None) on either side leaves absolute and relative None.
    """

    path: str  # model path of the declared value, e.g. declared.products[0].see_direct
    subject: str  # P2, product row 3, installation
    quantity: str
    recomputed: float | None
    declared: float | None
    absolute: float | None
    relative: float | None
    basis: str | None = None  # "declared" or "recomputed": the value the relative difference is measured against


def _difference(path: str, subject: str, quantity: str, recomputed: float | None,
                declared: float | None) -> Difference:
    absolute = relative = basis = None
    if recomputed is not None and declared is not None:
        absolute = recomputed - declared
        if declared != 0:
            relative, basis = absolute / abs(declared), "declared"
        elif recomputed != 0:
            relative, basis = absolute / abs(recomputed), "recomputed"
        else:
            relative, basis = 0.0, "declared"
    return Difference(path, subject, quantity, recomputed, declared, absolute, relative, basis)


def compare(submission: Submission, result: Recomputation) -> list[Difference]:
    declared = submission.declared
    if declared is None or not declared.available:
        return []
    out = []
    processes = {p.id: (k, p) for k, p in enumerate(declared.processes)}
    for p in result.processes:
        if p.id in processes:
            k, d = processes[p.id]
            for q in ("see_direct", "see_indirect"):
                out.append(_difference(f"declared.processes[{k}].{q}", p.id, q, getattr(p, q), getattr(d, q)))
    products = {p.row: (k, p) for k, p in enumerate(declared.products)}
    for pr in result.products:
        if pr.row in products:
            k, d = products[pr.row]
            for q in ("see_direct", "see_indirect", "see_total"):
                out.append(_difference(f"declared.products[{k}].{q}", f"product row {pr.row}", q, getattr(pr, q),
                                       getattr(d, q)))
    for q, ours in (("direct", result.totals.direct), ("indirect", result.totals.indirect),
                    ("total", result.totals.total)):
        theirs = getattr(declared.totals, q)
        if theirs is not None:
            out.append(_difference(f"declared.totals.{q}", "installation", q, ours, theirs))
    return out
