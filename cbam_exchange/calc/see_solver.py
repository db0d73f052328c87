"""The precursor chain as a linear system: SEE = (I - A)^-1 SE.

A[i][j] is the amount of precursor j consumed per unit of product i; SE holds each node's own specific emissions
(for purchased precursors, their SEE as received). Solving the system instead of recursing copes with processes
that feed each other, exactly like the template's MINVERSE/MMULT (IR 2025/2547 Annex III B, Eq. 59-63).

The system has at most 30 unknowns (10 processes, 20 purchased precursors), so Gaussian elimination with partial
pivoting in plain Python solves it in about a millisecond; importing numpy for it would cost a hundred times more
than the solve, on every command that recomputes.

A node whose SE is unknown makes every node that depends on it, directly or through the chain, unknown too; the
other nodes are solved as usual.
"""

from __future__ import annotations

_SINGULAR = 1e-12


class SingularChain(ArithmeticError):
    pass


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


def solve_linear(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a x = b, by Gaussian elimination with partial pivoting; SingularChain where a has no inverse."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    scale = max((abs(v) for row in a for v in row), default=1.0) or 1.0
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) <= _SINGULAR * scale:
            raise SingularChain
        m[col], m[pivot] = m[pivot], m[col]
        p = m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / p[col]
            if factor:
                row = m[r]
                for c in range(col, n + 1):
                    row[c] -= factor * p[c]
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        row = m[i]
        x[i] = (row[n] - sum(row[c] * x[c] for c in range(i + 1, n))) / row[i]
    return x


def solve_chain(matrix: list[list[float]], vector: list[float | None]) -> tuple[list[float | None], str | None]:
    """Solve (I - A) x = b; returns x (None where unknown) and a note where the system has no solution."""
    n = len(vector)
    if n == 0:
        return [], None
    unknown = unknown_closure(matrix, {i for i, v in enumerate(vector) if v is None})
    system = [[(1.0 if i == j else 0.0) - matrix[i][j] for j in range(n)] for i in range(n)]
    try:
        x = solve_linear(system, [0.0 if v is None else v for v in vector])
    except SingularChain:
        return [None] * n, ("the precursor chain has no solution: processes consume as much of each other as they "
                            "produce (I - A is singular)")
    return [None if i in unknown else x[i] for i in range(n)], None
