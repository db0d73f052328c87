"""Shares of a good's embedded emissions that rest on default values, computed through the precursor chain.

Direct: the part of SEE direct that comes from purchased precursors whose SEE source is "Default" (E_PurchPrec M49),
which is what the template's own share (Summary_Products M) counts. Indirect: the part of SEE indirect that comes
from electricity whose emission-factor source is a grid factor (template codes D.4(a), D.4(b)) rather than actual
data (D.4.1 - D.4.3.2). Which code is which rests on annex-iv.md Part 2 item 15(e) [U]: the codes follow the
transitional numbering. A source the template leaves open ("Mix", "Unknown", blank) leaves the share not computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from cbam_exchange.calc.results import Recomputation
from cbam_exchange.calc.see_solver import solve_chain
from cbam_exchange.model.submission import Submission

GRID_DEFAULT = ("d.4(a)", "d.4(b)")
ACTUAL = ("d.4.1", "d.4.2", "d.4.3.1", "d.4.3.2")


@dataclass(frozen=True)
class Shares:
    default_direct: float | None  # percent of SEE direct
    default_indirect: float | None  # percent of SEE indirect
    reason: str | None = None


def _electricity_default(source: str | None) -> float | None:
    """1 where the factor is a grid default, 0 where actual, None where the template does not tell."""
    code = (source or "").strip().casefold()
    if code in GRID_DEFAULT:
        return 1.0
    if code in ACTUAL:
        return 0.0
    return None


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None:
        return None
    if whole == 0:
        return 0.0 if part == 0 else None
    return 100.0 * part / whole


def default_shares(submission: Submission, result: Recomputation) -> dict[int, Shares]:
    """Default-value shares per product row, from the recomputation's chain."""
    processes = {p.id: p for p in submission.processes}
    purchased = {p.id: p for p in submission.purchased_precursors}
    ids = [p.id for p in result.processes] + [p.id for p in result.purchased]
    index = {node: k for k, node in enumerate(ids)}
    matrix = [[0.0] * len(ids) for _ in ids]
    for p in result.processes:
        for use in p.precursors:
            if use.per_unit is not None and use.id in index:
                matrix[index[p.id]][index[use.id]] += use.per_unit
    direct: list[float | None] = [0.0 for _ in result.processes]
    indirect: list[float | None] = []
    for p in result.processes:
        flag = _electricity_default(processes[p.id].electricity_ef_source if p.id in processes else None)
        indirect.append(None if flag is None or p.se_indirect is None else flag * p.se_indirect)
    for pp in result.purchased:
        model = purchased.get(pp.id)
        source = (model.see_direct_source if model else None) or ""
        kind = source.strip().casefold()
        direct.append(pp.see_direct if kind == "default" else 0.0 if kind == "measured" else None)
        flag = _electricity_default(model.electricity_ef_source if model else None)
        indirect.append(None if flag is None or pp.see_indirect is None else flag * pp.see_indirect)
    direct_solved, _ = solve_chain(matrix, direct)
    indirect_solved, _ = solve_chain(matrix, indirect)
    out = {}
    for product in result.products:
        k = index.get(product.process or "")
        if k is None:
            out[product.row] = Shares(None, None, "the product's production process is not known")
            continue
        d, i = direct_solved[k], indirect_solved[k]
        reason = None
        if d is None or i is None:
            reason = "a purchased precursor's SEE source or an electricity emission-factor source is not stated " \
                     "(or is 'Mix'), so the default part cannot be told apart"
        out[product.row] = Shares(_share(d, product.see_direct), _share(i, product.see_indirect), reason)
    return out
