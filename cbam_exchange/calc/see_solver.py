"""The precursor chain as a linear system: SEE = (I - A)^-1 SE.

A[i][j] is the amount of precursor j consumed per unit of product i; SE holds each node's own specific emissions
(for purchased precursors, their SEE as received). Solving the system instead of recursing copes with processes
that feed each other, exactly like the template's MINVERSE/MMULT (IR 2025/2547 Annex III B, Eq. 59-63).

A node whose SE is unknown makes every node that depends on it, directly or through the chain, unknown too; the
other nodes are solved as usual.
"""

from __future__ import annotations


def unknown_closure(matrix: list[list[float]], unknown: set[int]) -> set[int]:
    """Nodes that are unknown themselves or consume, at any depth, an unknown node."""
    result = set(unknown)
    changed = True
    while changed:
        changed = False
        for i, row in enumerate(matrix):
            if i not in result and any(a != 0 and j in result for j, a in enumerate(row)):
                result.add(i)
                changed = True
    return result


def solve_chain(matrix: list[list[float]], vector: list[float | None]) -> tuple[list[float | None], str | None]:
    """Solve (I - A) x = b; returns x (None where unknown) and a note where the system has no solution."""
    import numpy as np

    n = len(vector)
    if n == 0:
        return [], None
    unknown = unknown_closure(matrix, {i for i, v in enumerate(vector) if v is None})
    a = np.asarray(matrix, dtype=float).reshape(n, n)
    b = np.asarray([0.0 if v is None else v for v in vector], dtype=float)
    try:
        x = np.linalg.solve(np.eye(n) - a, b)
    except np.linalg.LinAlgError:
        return [None] * n, ("the precursor chain has no solution: processes consume as much of each other as they "
                            "produce (I - A is singular)")
    return [None if i in unknown else float(x[i]) for i in range(n)], None
