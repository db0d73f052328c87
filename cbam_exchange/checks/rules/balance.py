"""AR (continued): the balance of amounts (what is produced goes somewhere; what is consumed was bought) and the
installation totals the workbook declares."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite
from cbam_exchange.model.submission import Submission
from cbam_exchange.reference import plausibility


def _sum(values) -> float:
    return sum(v for v in values if finite(v))


@rule("AR-009", "output-balance", "error",
      "{process}: produced {expected} t but to market, to other processes and to non-CBAM uses add up to {value} t "
      "({size}).",
      rationale="Every tonne a process makes goes to the market, into another process of the installation or into "
                "goods outside CBAM; amounts that do not add up to the production mean a typing error or a missing "
                "use, and the precursor chain is wrong with them.",
      remedy="Check the production (D_Processes (a)) against the amounts to market, to other processes and to "
             "non-CBAM goods (D_Processes (b)-(d)).",
      reference="Template 2.1.1 D_Processes (a)-(d); methodology 10.5",
      bad=Example({"processes[1].produced_for_market": 250000}, "processes[1].produced_for_market",
                  "D_Processes!L92"),
      good=Example({}))
def output_balance(ctx: CheckContext) -> None:
    tolerance = plausibility()["amount_balance"]["relative"]
    for k, p in enumerate(ctx.submission.processes):
        if p.produced_for_market is None and not p.consumed_by and p.consumed_non_cbam is None:
            continue  # the split is not given: nothing to balance
        produced = _sum(r.amount for r in p.production)
        used = _sum([p.produced_for_market, p.consumed_non_cbam, *(u.amount for u in p.consumed_by)])
        if produced and abs(used - produced) > tolerance * produced:
            ctx.report(f"processes[{k}].produced_for_market", value=used, expected=produced,
                       process=p.name or p.id, size=f"{(used / produced - 1) * 100:+.1f} %")


@rule("AR-010", "precursor-consumed-exceeds-purchased", "error",
      "{precursor}: {value} t are consumed but only {expected} t were purchased.",
      rationale="A purchased precursor cannot be consumed in larger amounts than were bought in the period (stock "
                "changes aside, which the template does not carry); the excess carries no embedded emissions.",
      remedy="Check the purchased amounts (E_PurchPrec (b)) against the amounts consumed by each process (c).",
      reference="Template 2.1.1 E_PurchPrec (b)-(c); methodology 10.5 M11",
      bad=Example({"purchased_precursors[0].purchased[0].amount": 10000},
                  "purchased_precursors[0].purchased[0].amount", "E_PurchPrec!L17"),
      good=Example({}))
def consumed_exceeds_purchased(ctx: CheckContext) -> None:
    tolerance = plausibility()["amount_balance"]["relative"]
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        bought = _sum(r.amount for r in pp.purchased)
        consumed = _sum([pp.consumed_other, *(u.amount for u in pp.consumed_by)])
        if pp.purchased and consumed > bought * (1 + tolerance) and consumed > 0:
            largest = max(range(len(pp.purchased)), key=lambda n: pp.purchased[n].amount or 0)
            ctx.report(f"purchased_precursors[{k}].purchased[{largest}].amount", value=consumed, expected=bought,
                       precursor=pp.name or pp.id)


@rule("AR-011", "declared-installation-total", "error",
      "The workbook declares {value} tCO2e of direct emissions for the installation, but its source streams, "
      "measurements and PFC give {expected} ({size}).",
      rationale="The installation's total is the sum of its source streams, measurements and PFC; a different "
                "declared total means a result cell was overwritten or the workbook was not recalculated.",
      remedy="Recalculate the workbook; restore the template's formulas in C_Emissions&Energy.",
      reference="Methodology 10.2 U1; template C_Emissions&Energy and Summary_Processes totals",
      bad=Example({"declared": {"available": True, "totals": {"direct": 9.0e6}}}, "declared.totals.direct"),
      good=Example({}))
def declared_installation_total(ctx: CheckContext) -> None:
    declared = ctx.submission.declared
    totals = ctx.result.totals
    if declared is None or not declared.available or not finite(declared.totals.direct) or not finite(totals.direct):
        return
    tolerance = plausibility()["amount_balance"]["declared_total_relative"]
    if abs(declared.totals.direct - totals.direct) > tolerance * max(abs(totals.direct), 1.0):
        size = (f"{(declared.totals.direct / totals.direct - 1) * 100:+.2f} %" if totals.direct
                else "recomputed total 0")
        ctx.report("declared.totals.direct", value=declared.totals.direct, expected=totals.direct, size=size)


def rest_explained(s: Submission) -> bool:
    """Whether the file shows somewhere for unattributed emissions to go: exports of heat, waste gas or
    electricity, output or fuel for non-CBAM uses, or non-CBAM processes in the definitive-period data."""
    exports = any(finite(v) and v for p in s.processes for v in (p.heat_exported, p.waste_gas_exported,
                                                                 p.electricity_exported, p.consumed_non_cbam))
    fuel = s.emissions.fuel_balance
    elsewhere = any(finite(v) and v for v in (fuel.for_electricity, fuel.for_non_cbam))
    definitive = getattr(s, "definitive", None)
    return exports or elsewhere or bool(getattr(definitive, "non_cbam_processes", None))


@rule("AR-012", "unexplained-unattributed-rest", "warning",
      "{rest:,.0f} tCO2e ({share}) of the installation's direct emissions are attributed to no production process, "
      "and the file shows no export or non-CBAM use they could belong to.",
      rationale="Where an installation exports no heat, waste gas or electricity and makes nothing outside CBAM, "
                "every tonne it emits belongs to its goods; a rest means the processes' directly attributable "
                "emissions were entered too low.",
      remedy="Check DirEm per process (D_Processes (g)) against the source streams (B_EmInst), or state the "
             "non-CBAM activity the rest belongs to.",
      reference="IR (EU) 2025/2547 Annex III A (complete attribution); methodology 10.2 U2 (1 % gap)",
      bad=Example({"processes[0].direct_emissions": 990000}, "processes[0].direct_emissions", "D_Processes!L54",
                  base="cement-clinker-two-cements"),
      good=Example({}, base="cement-clinker-two-cements"))
def unexplained_rest(ctx: CheckContext) -> None:
    processes = [p for p in ctx.result.processes if finite(p.direct_emissions)]
    total = ctx.result.totals.direct
    if (not processes or not finite(total) or total <= 0 or ctx.result.totals.incomplete
            or rest_explained(ctx.submission)):
        return
    attributed = sum((p.direct_emissions or 0) + (p.heat_emissions or 0) + (p.waste_gas_emissions or 0)
                     for p in processes)
    rest = total - attributed
    gap = plausibility()["installation_balance"]["unexplained_rest"]
    share = plausibility()["installation_balance"]["unattributed_warning"]
    if gap * total < rest <= share * total:  # beyond, AR-004 names it
        largest = max(processes, key=lambda p: p.direct_emissions or 0)
        ctx.report(f"processes[{ctx.process_index(largest.id)}].direct_emissions", value=attributed, expected=total,
                   rest=rest, share=f"{rest / total * 100:.1f} %")
