"""Specific embedded free allocation (SEFA) per good, IR (EU) 2025/2620: the free allocation the EU ETS benchmarks
would give the good, deducted from its embedded emissions when certificates are counted.

- Actual data: the good's own process term `CBAM_y x CSCF x BM*` (Column A), plus, for a complex good, the sum over
  its precursors of `m_i x SEFA_i`. Processes can feed each other, so the process SEFA are solved over the chain as
  one linear system, like SEE (calc/see_solver.py).
- Purchased precursors carry no SEFA in the template: theirs comes from the Column B default path unless the caller
  passes the producer's own value, with the benchmark of the precursor's CN code where the definitive-period data
  give it (Annex IV 1.1 items 22(a), 23(a)), else the lowest of its category.
- Default values: `CBAM_y x CSCF x BM` (Column B), with the route of the country's default value.
- Electricity: no adjustment (2620 Art 1(2)). Before 2026 there is no adjustment at all (transitional period).

Where several benchmark rows fit, the choice is written into `notes`: on the actual path the lowest (never overstate
the deduction), on the default path the highest, as 2620 §5.1 prescribes where several steel grades apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cbam_exchange.calc.results import ProductResult, Recomputation
from cbam_exchange.calc.see_solver import solve_chain
from cbam_exchange.model.submission import Submission
from cbam_exchange.reference import free_allocation_figures
from cbam_exchange.reference.tables import benchmarks, cbam_factor, cn_codes, default_value, manifest, normalise_cn

ELECTRICITY = "electricity (export to eu)"


@dataclass(frozen=True)
class BenchmarkUsed:
    """One benchmark value taken from the table, for which node (process, purchased precursor or CN code)."""

    node: str
    cn_codes: tuple[str, ...]
    column: str
    value: float | None
    routes: tuple[str, ...]
    candidates: tuple[float, ...]


@dataclass(frozen=True)
class Term:
    """A summand of a good's SEFA: its own process term, or a precursor's `per_unit x sefa`."""

    node: str
    kind: str  # own or precursor
    per_unit: float | None
    sefa: float | None
    value: float | None


@dataclass(frozen=True)
class NodeSefa:
    """One process or purchased precursor of the chain: its benchmark, own term, precursors per tonne and solved
    SEFA, so that every good's SEFA can be rebuilt by hand from the draft."""

    node: str
    benchmark: BenchmarkUsed | None
    own: float | None  # CBAM factor x CSCF x benchmark, or the producer's SEFA
    precursors: tuple[tuple[str, float], ...]  # (node, t per t)
    sefa: float | None


@dataclass
class GoodSefa:
    row: int
    cn_code: str | None
    process: str | None
    year: int
    sefa: float | None
    reason: str | None
    cbam_factor: float | None
    cscf: float | None
    benchmarks: list[BenchmarkUsed] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chain: list[NodeSefa] = field(default_factory=list)


@dataclass
class DefaultSefa:
    cn_code: str
    country: str | None
    year: int
    sefa: float | None
    reason: str | None
    cbam_factor: float | None
    cscf: float | None
    route: str | None
    benchmarks: list[BenchmarkUsed] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _band(year: int) -> str | None:
    figures = free_allocation_figures()["production_year_bands"]
    for name, span in figures.items():
        if isinstance(span, list) and span[0] <= year <= span[1]:
            return name
    return None


def _factors(year: int, notes: list[str]) -> tuple[float | None, float | None, str | None]:
    """CBAM factor and CSCF of the year, or the reason why no adjustment can be computed."""
    figures = free_allocation_figures()
    if year < figures["production_year_bands"]["first_year"]:
        return None, None, f"no free-allocation adjustment in the transitional period ({year} is before 2026)"
    factor = cbam_factor(year)
    if factor is None:
        return None, None, f"no CBAM factor for {year} in the reference data"
    cscf = figures["cscf"]
    if cscf["confirmation"] != "CONFIRMED":
        notes.append(f"CSCF taken as {cscf['value']:g} ({cscf['confirmation']}: {cscf['reference']})")
    return factor, float(cscf["value"]), None


def _route_letters(category: str | None, routes: list[str | None]) -> tuple[str, ...]:
    wanted = (category or "").strip().casefold()
    letters: list[str] = []
    for entry in free_allocation_figures()["routes"]:
        if entry["category"].casefold() == wanted and any(
                (r or "").strip().casefold() == entry["template_route"].casefold() for r in routes):
            letters.extend(entry["benchmark_routes"])
    return tuple(letters)


def _category_codes(category: str | None) -> tuple[str, ...]:
    wanted = (category or "").strip().casefold()
    return tuple(sorted(c for c, info in cn_codes().items() if info.category.strip().casefold() == wanted))


def _candidates(codes: tuple[str, ...], column: str, year: int, routes: tuple[str, ...]) -> list[float]:
    band = _band(year)
    rows = [b for cn in codes for b in benchmarks(cn)
            if b.column == column and b.production_years in ("all", band)]
    if routes:
        narrowed = [b for b in rows if b.route in routes]
        rows = narrowed or rows
    return sorted({b.value for b in rows})


_LOWEST = "the lowest is used so as not to overstate the adjustment; confirm the CN code, grade and route"
_HIGHEST = "the highest is used (IR 2025/2620 §5.1: several steel grades apply to one CN code)"


def _pick(node: str, codes: tuple[str, ...], column: str, year: int, routes: tuple[str, ...],
          notes: list[str], highest: bool = False) -> BenchmarkUsed:
    values = _candidates(codes, column, year, routes)
    value = None
    if len(values) == 1:
        value = values[0]
    elif values:
        value = values[-1] if highest else values[0]
        notes.append(f"{node}: several column {column} benchmarks fit ({', '.join(f'{v:g}' for v in values)}); "
                     f"{_HIGHEST if highest else _LOWEST}")
    return BenchmarkUsed(node, codes, column, value, routes, tuple(values))


def default_sefa(cn_code: str, country: str | None, year: int, route: str | None = None) -> DefaultSefa:
    """SEFA of a good valued with default values: Column B with the route of the country's default value."""
    cn = normalise_cn(cn_code)
    notes: list[str] = []
    factor, cscf, reason = _factors(year, notes)
    if reason is not None:
        return DefaultSefa(cn, country, year, None, reason, None, None, route, notes=notes)
    info = cn_codes().get(cn)
    if info is not None and info.category.strip().casefold() == ELECTRICITY:
        return DefaultSefa(cn, country, year, 0.0, None, factor, cscf, None,
                           notes=["electricity: no free-allocation adjustment (IR 2025/2620 Art 1(2))"])
    if route is None:
        dv = default_value(cn, country, year)
        route = dv.route if dv is not None else None
    letters = tuple(route.split("/")) if route else ()
    used = _pick(cn, (cn,), "B", year, letters, notes, highest=True)
    if used.value is None:
        reason = f"no column B benchmark for CN {cn} in {manifest()['benchmarks'].legal_reference}"
    sefa = None if used.value is None else factor * cscf * used.value  # type: ignore[operator]
    own = Term(cn, "own", None, None, sefa)
    return DefaultSefa(cn, country, year, sefa, reason, factor, cscf, route, [used], [own], notes)


def _purchased_default(category: str | None, country: str | None, routes: list[str | None], year: int,
                       node: str, notes: list[str], cn_code: str | None = None) -> tuple[float | None, BenchmarkUsed]:
    letters = _route_letters(category, routes)
    if cn_code:  # the CN code is given (Annex IV 1.1 item 22(a)/23(a)): that code's benchmark, 2620 Annex point 5
        known = _pick(node, (normalise_cn(cn_code),), "B", year, letters, notes)  # several fit: the lowest
        if known.value is not None:
            return known.value, known
    codes = _category_codes(category)
    if not letters and codes:
        dv_routes = {dv.route for cn in codes if (dv := default_value(cn, country, year)) is not None and dv.route}
        letters = tuple(sorted({r for route in dv_routes for r in route.split("/")}))
    # only the category is known, not the CN code: §5.1 does not apply, the lowest keeps the deduction safe
    used = _pick(node, codes, "B", year, letters, notes)
    return used.value, used


def sefa_for_submission(submission: Submission, result: Recomputation, year: int,
                        precursor_sefa: dict[str, float] | None = None) -> dict[int, GoodSefa]:
    """SEFA of every product row (keyed by `ProductResult.row`) on the actual-data path.

    `precursor_sefa` gives a purchased precursor's SEFA from its producer (by purchased-precursor id), where known;
    otherwise its Column B default path is used.
    """
    notes: list[str] = []
    factor, cscf, reason = _factors(year, notes)
    if reason is not None:
        return {p.row: GoodSefa(p.row, p.cn_code, p.process, year, None, reason, None, None, notes=list(notes))
                for p in result.products}
    assert factor is not None and cscf is not None
    scale = factor * cscf
    model = {p.id: p for p in submission.processes}
    product_codes: dict[str, set[str]] = {}
    for product in result.products:
        if product.process and product.cn_code:
            product_codes.setdefault(product.process, set()).add(normalise_cn(product.cn_code))
    ids = [p.id for p in result.processes] + [p.id for p in result.purchased]
    index = {node: k for k, node in enumerate(ids)}
    used: dict[str, BenchmarkUsed] = {}
    own: list[float | None] = []
    for p in result.processes:
        routes = [r.route for r in model[p.id].production] if p.id in model else []
        if (p.category or "").strip().casefold() == ELECTRICITY:
            own.append(0.0)
            continue
        codes = tuple(sorted(product_codes.get(p.id) or _category_codes(p.category)))
        used[p.id] = _pick(p.id, codes, "A", year, _route_letters(p.category, routes), notes)
        value = used[p.id].value
        # a precursor amount that cannot be put per tonne (production not provided) leaves the SEFA unknown
        unknown_amount = any(use.per_unit is None for use in p.precursors)
        own.append(None if value is None or unknown_amount else scale * value)
    purchased_model = {p.id: p for p in submission.purchased_precursors}
    given_cn = {d.precursor_id: d.cn_code for d in (submission.definitive.precursors if submission.definitive else [])
                if d.cn_code}
    for pp in result.purchased:
        if precursor_sefa and pp.id in precursor_sefa:
            own.append(precursor_sefa[pp.id])
            continue
        m = purchased_model.get(pp.id)
        value, used[pp.id] = _purchased_default(pp.category, m.country_code if m else None, m.routes if m else [],
                                                year, pp.id, notes, given_cn.get(pp.id))
        own.append(None if value is None else scale * value)
    matrix = [[0.0] * len(ids) for _ in ids]
    for p in result.processes:
        for use in p.precursors:
            if use.per_unit is not None and use.id in index:
                matrix[index[p.id]][index[use.id]] += use.per_unit
    solved, solver_note = solve_chain(matrix, own)
    if solver_note:
        notes.append(solver_note)
    chain = [NodeSefa(node, used.get(node), own[k], tuple((ids[j], a) for j, a in enumerate(matrix[k]) if a),
                      solved[k]) for k, node in enumerate(ids)]
    goods = {product.row: _good(product, result, index, solved, used, scale, year, factor, cscf, notes)
             for product in result.products}
    for good in goods.values():
        good.chain = chain
    return goods


def _good(product: ProductResult, result: Recomputation, index: dict[str, int], solved: list[float | None],
          used: dict[str, BenchmarkUsed], scale: float, year: int, factor: float, cscf: float,
          shared_notes: list[str]) -> GoodSefa:
    """A product's SEFA: its own CN code's Column A term plus the precursor terms of its process."""
    notes = list(shared_notes)
    good = GoodSefa(product.row, product.cn_code, product.process, year, None, None, factor, cscf, notes=notes)
    process = next((p for p in result.processes if p.id == product.process), None)
    if process is None:
        good.reason = f"product row {product.row}: its production process is not known"
        return good
    if (process.category or "").strip().casefold() == ELECTRICITY:
        good.sefa = 0.0
        good.notes.append("electricity: no free-allocation adjustment (IR 2025/2620 Art 1(2))")
        return good
    base = used[process.id]
    if product.cn_code:
        routes = base.routes
        mine = _pick(f"row {product.row}", (normalise_cn(product.cn_code),), "A", year, routes, notes)
        if mine.value is not None:
            base = mine
    good.benchmarks.append(base)
    own_value = None if base.value is None else scale * base.value
    good.terms.append(Term(process.id, "own", None, None, own_value))
    total = own_value
    for use in process.precursors:
        sefa_i = solved[index[use.id]] if use.id in index else None
        value = None if use.per_unit is None or sefa_i is None else use.per_unit * sefa_i
        good.terms.append(Term(use.id, "precursor", use.per_unit, sefa_i, value))
        if use.id in used:
            good.benchmarks.append(used[use.id])
        total = None if total is None or value is None else total + value
    good.sefa = total
    if total is None:
        missing = [t.node for t in good.terms if t.value is None]
        good.reason = f"no benchmark or amount for {', '.join(missing)}"
    return good
