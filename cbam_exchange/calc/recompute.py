"""Independent recomputation of a submission: installation emissions, attribution, the precursor chain and the SEE
of every process and product."""

from __future__ import annotations

from cbam_exchange.calc.attribution import attribute
from cbam_exchange.calc.input_formulas import resolve_input_formulas
from cbam_exchange.calc.installation_totals import installation_totals
from cbam_exchange.calc.pfc_and_measurements import measurement_emissions, pfc_emissions
from cbam_exchange.calc.results import (PrecursorUse, ProcessResult, ProductResult, PurchasedResult, Recomputation,
                                        Step)
from cbam_exchange.calc.see_solver import solve_chain
from cbam_exchange.calc.source_streams import stream_emissions
from cbam_exchange.model.submission import PurchasedPrecursor, Submission


def _purchased(pp: PurchasedPrecursor, index: int) -> PurchasedResult:
    prefix = f"purchased_precursors[{index}]"
    amounts = [r.amount for r in pp.purchased if r.amount is not None]
    missing = []
    if pp.see_direct is None:
        missing.append(f"{prefix}.see_direct: SEE (direct) of the purchased precursor not provided")
    if pp.specific_electricity is None and pp.electricity_ef is None:
        indirect = None
        missing.append(f"{prefix}.specific_electricity: electricity data of the purchased precursor not provided")
    elif pp.specific_electricity == 0 or (pp.specific_electricity is not None and pp.electricity_ef is not None):
        indirect = (pp.specific_electricity or 0.0) * (pp.electricity_ef or 0.0)
    else:
        indirect = None
        missing.append(f"{prefix}: specific electricity consumption and its emission factor must both be given")
    step = Step("see_indirect", "specific electricity consumption x EF",
                {"specific_electricity": pp.specific_electricity, "electricity_ef": pp.electricity_ef}, indirect)
    return PurchasedResult(id=pp.id, name=pp.name, category=pp.category, amount=sum(amounts) if amounts else None,
                           see_direct=pp.see_direct, see_indirect=indirect,
                           specific_electricity=pp.specific_electricity, steps=[step], missing=missing)


def _chain(submission: Submission, processes: list[ProcessResult], purchased: list[PurchasedResult]) -> str | None:
    """Fill SEE, embedded electricity and precursor uses of every process; returns a solver note, if any."""
    ids = [p.id for p in processes] + [p.id for p in purchased]
    index = {node: k for k, node in enumerate(ids)}
    levels = {p.id: p.activity_level for p in processes}
    n = len(ids)
    matrix = [[0.0] * n for _ in range(n)]
    producers = [(p.id, "process", p.consumed_by) for p in submission.processes] + \
                [(p.id, "purchased", p.consumed_by) for p in submission.purchased_precursors]
    by_id = {p.id: p for p in processes}
    for producer, kind, uses in producers:
        for use in uses:
            if use.process not in by_id or not use.amount:
                continue
            level = levels[use.process]
            per_unit = use.amount / level if level else None
            by_id[use.process].precursors.append(PrecursorUse(producer, kind, use.amount, per_unit))
            if per_unit is not None:
                matrix[index[use.process]][index[producer]] += per_unit
    vectors = {
        "direct": [p.se_direct for p in processes] + [p.see_direct for p in purchased],
        "indirect": [p.se_indirect for p in processes] + [p.see_indirect for p in purchased],
        "electricity": [p.electricity_intensity for p in processes] + [p.specific_electricity for p in purchased],
    }
    solved, note = {}, None
    for name, vector in vectors.items():
        solved[name], problem = solve_chain(matrix, vector)
        note = note or problem
    for k, p in enumerate(processes):
        p.see_direct, p.see_indirect, p.embedded_electricity = (solved["direct"][k], solved["indirect"][k],
                                                                solved["electricity"][k])
        inputs: dict[str, float | str | None] = {"se_direct": p.se_direct}
        for use in p.precursors:
            inputs[f"{use.id} per unit"] = use.per_unit
            inputs[f"{use.id} SEE direct"] = solved["direct"][index[use.id]]
        p.steps.append(Step("see_direct", "SE direct + sum of (precursor per unit x precursor SEE direct), solved "
                            "over the whole chain", inputs, p.see_direct))
        if p.see_direct is None and p.se_direct is not None:
            p.missing.append("see_direct: a precursor's SEE cannot be computed")
    return note


def _products(submission: Submission, processes: list[ProcessResult]) -> list[ProductResult]:
    by_name: dict[str, ProcessResult] = {}
    for p in processes:  # the template matches the first process of that name
        if p.name is not None:
            by_name.setdefault(p.name.strip(), p)
    out = []
    for product in submission.products:
        process = by_name.get((product.process or "").strip())
        missing = [] if process else [f"product row {product.row}: production process "
                                      f"{product.process!r} not found"]
        direct = process.see_direct if process else None
        indirect = process.see_indirect if process else None
        electricity = process.embedded_electricity if process else None
        total = None if direct is None or indirect is None else direct + indirect
        ef = None
        if indirect is not None and electricity is not None:
            ef = indirect / electricity if electricity else 0.0
        out.append(ProductResult(row=product.row, cn_code=product.cn_code, name=product.name,
                                 process=process.id if process else None, see_direct=direct, see_indirect=indirect,
                                 see_total=total, embedded_electricity=electricity, electricity_ef=ef,
                                 missing=missing))
    return out


def recompute(submission: Submission) -> tuple[Submission, Recomputation]:
    """Recompute everything; returns the submission with input formulas resolved, and the results."""
    streams = [stream_emissions(s) for s in submission.emissions.source_streams]
    pfc = [pfc_emissions(p) for p in submission.emissions.pfc]
    measurements = [measurement_emissions(m) for m in submission.emissions.measurements]
    totals = installation_totals(submission, streams, pfc, measurements)
    submission = resolve_input_formulas(submission, streams, pfc, measurements, totals)
    processes = [attribute(p, k) for k, p in enumerate(submission.processes)]
    purchased = [_purchased(p, k) for k, p in enumerate(submission.purchased_precursors)]
    note = _chain(submission, processes, purchased)
    return submission, Recomputation(streams=streams, pfc=pfc, measurements=measurements, totals=totals,
                                     processes=processes, purchased=purchased,
                                     products=_products(submission, processes), solver_note=note)
