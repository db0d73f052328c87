"""The precursor chain seen from the goods: which nodes (processes, purchased precursors) each good's SEE rests on,
and how strongly: row g of L = (I - A)^-1 gives dSEE_g / dSE_j for every node j (IR (EU) 2025/2547 Annex III B)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from cbam_exchange.calc.results import ProductResult, Recomputation
from cbam_exchange.calc.see_solver import SingularChain, solve_linear
from cbam_exchange.model.submission import Submission


@dataclass
class Chain:
    ids: list[str]  # processes first, then purchased precursors
    kinds: dict[str, str]  # id -> process / purchased
    matrix: list[list[float]]  # A[i][j]: amount of j per unit of i
    levels: dict[str, float | None]  # activity level of each process
    uses: list[tuple[str, str, int, int, float]]  # (producer, consumer, producer index, use index, amount)

    def index(self, node: str) -> int:
        return self.ids.index(node)

    def leontief_row(self, node: str) -> list[float] | None:
        """Row `node` of (I - A)^-1, by solving (I - A)^T y = e_node; None where the chain is singular."""
        n = len(self.ids)
        k = self.index(node)
        transposed = [[(1.0 if i == j else 0.0) - self.matrix[j][i] for j in range(n)] for i in range(n)]
        try:
            return solve_linear(transposed, [1.0 if i == k else 0.0 for i in range(n)])
        except SingularChain:
            return None

    def upstream(self, node: str) -> set[str]:
        """Every node whose output `node` consumes, at any depth (itself included)."""
        seen, todo = {node}, [node]
        while todo:
            i = self.index(todo.pop())
            for j, a in enumerate(self.matrix[i]):
                if a and self.ids[j] not in seen:
                    seen.add(self.ids[j])
                    todo.append(self.ids[j])
        return seen


def build_chain(submission: Submission, result: Recomputation) -> Chain:
    """The same matrix the recomputation solves (calc/recompute.py), kept for differentiation."""
    ids = [p.id for p in result.processes] + [p.id for p in result.purchased]
    kinds = {p.id: "process" for p in result.processes} | {p.id: "purchased" for p in result.purchased}
    levels = {p.id: p.activity_level for p in result.processes}
    index = {node: k for k, node in enumerate(ids)}
    matrix = [[0.0] * len(ids) for _ in ids]
    uses = []
    producers = [(p.id, k, p.consumed_by) for k, p in enumerate(submission.processes)] + \
                [(p.id, k, p.consumed_by) for k, p in enumerate(submission.purchased_precursors)]
    for producer, pk, consumed in producers:
        for uk, use in enumerate(consumed):
            if use.process not in levels or not use.amount:
                continue
            level = levels[use.process]
            uses.append((producer, use.process, pk, uk, use.amount))
            if level:
                matrix[index[use.process]][index[producer]] += use.amount / level
    return Chain(ids, kinds, matrix, levels, uses)


G = TypeVar("G")


def goods_on_chain(chain: Chain, result: Recomputation, goods: Mapping[int, G]
                   ) -> Iterator[tuple[ProductResult, G, list[float]]]:
    """Each product judged in `goods` whose process is on the chain, with its good and its row of (I - A)^-1;
    a product without a process, off the chain or on a singular chain has no share to receive."""
    for product in result.products:
        g = goods.get(product.row)
        if g is None or product.process is None or product.process not in chain.ids:
            continue
        ell = chain.leontief_row(product.process)
        if ell is not None:
            yield product, g, ell


def goods_using(chain: Chain, result: Recomputation, node: str) -> list[int]:
    """Product rows whose SEE rests on `node` (their own process or any upstream node)."""
    return [p.row for p in result.products if p.process and node in chain.upstream(p.process)]
