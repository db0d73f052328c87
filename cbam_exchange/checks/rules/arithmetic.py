"""AR: the file's declared results against the independent recomputation, and the workbook's own arithmetic."""

from __future__ import annotations

from cbam_exchange.calc.comparison import compare
from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite
from cbam_exchange.reference import plausibility
from cbam_exchange.verification.basis import Basis, basis_for
from cbam_exchange.verification.rules import materiality

TOLERANCE = 1e-3  # relative deviation accepted before a declared SEE counts as misstated (methodology 10.2 U1)

# SEE the template itself computes for the steelworks example (LibreOffice, tests/differential/libreoffice)
_P4_SEE = {"see_direct": 1.51552406735005, "see_indirect": 0.14927501935676, "see_total": 1.66479908670681}


def _basis(ctx: CheckContext, kind: str, subject: str) -> Basis:
    """The legal basis of the good (product row) or of the goods a process makes (its aggregated category)."""
    categories = {p.id: p.category for p in ctx.submission.processes}
    if kind == "processes":
        return basis_for(None, categories.get(subject))
    row = int(subject.removeprefix("product row "))
    product = next(p for p in ctx.result.products if p.row == row)  # compare() names recomputed rows only
    return basis_for(product.cn_code, categories.get(product.process or ""))


def _materiality(basis: Basis, quantity: str, relative: float) -> tuple[str, bool | None]:
    """The wording and flag of materiality on the good's legal basis: only the quantity the basis counts is
    measured against 5 %; for an Annex II good the indirect part is reported, not counted (Reg. 2023/956 Annex II),
    and the verifier's materiality section aggregates per good (IR 2025/2546 Art. 5)."""
    part = quantity.removeprefix("see_")
    if basis.kind == "direct" and part != "direct":
        return ("reported, not counted: Annex II good, direct emissions only" if part == "indirect" else
                "not the legal basis: SEE direct counts for this good"), None
    if basis.kind == "total" and part != "total":
        return "part of SEE total, the legal basis for this good", None
    level = materiality()
    if abs(relative) >= level:
        return f"material on {basis.label} ({level * 100:g} % or more)", True
    return f"below materiality on {basis.label}", False


def _misstatements(ctx: CheckContext, kind: str) -> None:
    """One sign convention with the verifier's materiality section: misstatement = declared minus recomputed,
    relative to the recomputed value (the declared one where the recomputation gives 0); positive overstates."""
    for d in compare(ctx.submission, ctx.result):
        if not d.path.startswith(f"declared.{kind}") or d.relative is None or abs(d.relative) <= TOLERANCE:
            continue
        assert d.declared is not None and d.recomputed is not None  # a relative difference needs both
        misstatement = d.declared - d.recomputed
        reference = d.recomputed if d.recomputed else d.declared
        relative = misstatement / abs(reference)
        direction = "overstated" if misstatement > 0 else "understated"
        basis = _basis(ctx, kind, d.subject)
        wording, material = _materiality(basis, d.quantity, relative)
        ctx.report(d.path, value=d.declared, expected=d.recomputed, subject=d.subject, quantity=d.quantity,
                   size=f"{relative * 100:+.2f} %", direction=direction, material=wording,
                   details={"recomputed": d.recomputed, "declared": d.declared, "absolute": d.absolute,
                            "relative": d.relative, "basis": d.basis, "direction": direction,
                            "misstatement": misstatement, "misstatement_relative": relative,
                            "legal_basis": basis.label, "material": material})


@rule("AR-001", "process-see-misstatement", "error",
      "{subject}: declared {quantity} {value} but the inputs give {expected} (declared minus recomputed {size}: "
      "{direction}; {material}).",
      rationale="The declared specific embedded emissions must follow from the file's own inputs; a difference "
                "is a misstatement that a verifier measures against the 5 % materiality level.",
      remedy="Recalculate the workbook in Excel; if the difference remains, find the input or the pasted value "
             "that causes it (the recomputation lists its steps).",
      reference="IR (EU) 2025/2547 Annex III B; IR (EU) 2025/2546 Art. 5 (materiality)",
      bad=Example({"declared": {"available": True, "processes": [{"id": "P4", "see_direct": 1.7}]}},
                  "declared.processes[0].see_direct"),
      good=Example({"declared": {"available": True, "processes": [{"id": "P4", "see_direct": _P4_SEE["see_direct"]}]}}))
def process_misstatement(ctx: CheckContext) -> None:
    _misstatements(ctx, "processes")


@rule("AR-002", "product-see-misstatement", "error",
      "{subject}: declared {quantity} {value} but the inputs give {expected} (declared minus recomputed {size}: "
      "{direction}; {material}).",
      rationale="The SEE per good is what the importer declares and pays for; it must follow from the inputs.",
      remedy="Recalculate the workbook; check that Summary_Products shows the template's own formulas.",
      reference="Reg. (EU) 2023/956 Annex IV pt 3; IR (EU) 2025/2546 Art. 5 (materiality)",
      bad=Example({"declared": {"available": True, "products": [{"row": 1, "see_direct": 1.6}]}},
                  "declared.products[0].see_direct"),
      good=Example({"declared": {"available": True, "products": [{"row": 1, **_P4_SEE}]}}))
def product_misstatement(ctx: CheckContext) -> None:
    _misstatements(ctx, "products")


@rule("AR-003", "totals-do-not-add-up", "error",
      "Product row {row}: SEE total {value} is not SEE direct + SEE indirect ({expected}).",
      rationale="The total is by definition the sum of its parts; a difference shows an edited result cell.",
      remedy="Restore the template's formula in Summary_Products column K.",
      reference="Template 2.1.1 Summary_Products K = I + J",
      bad=Example({"declared": {"available": True, "products": [{"row": 1, "see_direct": _P4_SEE["see_direct"],
                                                                 "see_indirect": _P4_SEE["see_indirect"],
                                                                 "see_total": 1.7}]}},
                  "declared.products[0].see_total"),
      good=Example({"declared": {"available": True, "products": [{"row": 1, **_P4_SEE}]}}))
def totals(ctx: CheckContext) -> None:
    declared = ctx.submission.declared
    if declared is None or not declared.available:
        return
    for k, p in enumerate(declared.products):
        if None in (p.see_direct, p.see_indirect, p.see_total):
            continue
        parts = p.see_direct + p.see_indirect  # type: ignore[operator]
        if abs(parts - p.see_total) > 1e-9 * max(1.0, abs(parts)):  # type: ignore[operator]
            ctx.report(f"declared.products[{k}].see_total", value=p.see_total, expected=parts, row=p.row)


def _balance(ctx: CheckContext) -> tuple[float, float, str] | None:
    """(attributed, installation direct, path of the largest process) where both are complete, else None."""
    processes = [p for p in ctx.result.processes if finite(p.direct_emissions)]
    total = ctx.result.totals.direct
    if not processes or not finite(total) or not total or ctx.result.totals.incomplete:
        return None  # an installation total missing a stream is no yardstick (MZ-004 names the stream)
    attributed = sum((p.direct_emissions or 0) + (p.heat_emissions or 0) + (p.waste_gas_emissions or 0)
                     for p in processes)
    largest = max(processes, key=lambda p: p.direct_emissions or 0)
    return attributed, total, f"processes[{ctx.process_index(largest.id)}].direct_emissions"


@rule("AR-004", "installation-balance", "warning",
      "The production processes are attributed {attributed:,.0f} tCO2e but the installation emits "
      "{total:,.0f} tCO2e directly ({share}).",
      rationale="A large unattributed rest of the installation's emissions must be explained by activities "
                "outside CBAM (e.g. a power plant); otherwise emissions are missing from the goods.",
      remedy="Check DirEm per process (D_Processes (g)) against the source streams (B_EmInst), or explain the "
             "rest under additional information.",
      reference="Methodology 10.2 U2 (threshold a plausibility choice); template Summary_Processes rows 84-86",
      bad=Example({"processes[1].direct_emissions": 3520000}, "processes[1].direct_emissions", "D_Processes!L119"),
      good=Example({}))
def installation_balance(ctx: CheckContext) -> None:
    found = _balance(ctx)
    if found is None:
        return
    attributed, total, path = found
    share = plausibility()["installation_balance"]["unattributed_warning"]
    if attributed < total * (1 - share):
        ctx.report(path, value=attributed, expected=total, attributed=attributed, total=total,
                   share=f"{(1 - attributed / total) * 100:.1f} % unattributed")


@rule("AR-008", "attributed-exceeds-installation", "error",
      "The production processes are attributed {attributed:,.0f} tCO2e but the installation emits only "
      "{total:,.0f} tCO2e directly ({share}).",
      rationale="Emissions attributed to the production processes cannot exceed the installation's own: the "
                "excess is counted twice or does not exist.",
      remedy="Check DirEm per process (D_Processes (g)) against the source streams (B_EmInst); an emission can be "
             "attributed to one process only.",
      reference="IR (EU) 2025/2547 Annex III A; methodology 10.2 U2",
      bad=Example({"processes[1].direct_emissions": 9520000}, "processes[1].direct_emissions", "D_Processes!L119"),
      good=Example({}))
def attributed_exceeds(ctx: CheckContext) -> None:
    found = _balance(ctx)
    if found is None:
        return
    attributed, total, path = found
    if attributed > total * (1 + plausibility()["installation_balance"]["excess_error"]):
        ctx.report(path, value=attributed, expected=total, attributed=attributed, total=total,
                   share=f"{(attributed / total - 1) * 100:.1f} % more than the installation")


@rule("AR-005", "formula-overwritten", "error",
      "A result cell of the template holds the constant {value} instead of its formula.",
      rationale="A pasted number in a result cell no longer follows from the inputs; the importer would declare a "
                "figure nobody computed.",
      remedy="Restore the cell's formula from a blank template of the same version (copy the cell back).",
      reference="Template 2.1.1 (cells outside the input cells are formulas)", blocking=True, template_only=True,
      bad=Example({"cell:Summary_Products!I10": 1.2}, "declared.products[0].see_direct", "Summary_Products!I10"),
      good=Example({}))
def formula_overwritten(ctx: CheckContext) -> None:
    for note in ctx.submission.notes:
        if note.code == "READ-CONSTANT":
            ctx.report(note.path, value=note.found, at=(note.sheet, note.cell))


@rule("AR-006", "not-recalculated", "warning",
      "The workbook carries no calculated results, so its declared values could not be compared.",
      rationale="A workbook saved by a program that does not calculate (or never recalculated) shows the importer "
                "no SEE at all; the recomputation stands in, but the file as sent is incomplete.",
      remedy="Open the workbook in Excel (or LibreOffice), let it calculate, save it and send it again.",
      reference="Template 2.1.1 guidance (Summary_Communication is what the importer receives)",
      bad=Example({"declared": {"available": False}}, "declared"), good=Example({}))
def not_recalculated(ctx: CheckContext) -> None:
    declared = ctx.submission.declared
    if declared is not None and not declared.available:
        ctx.report("declared")


@rule("AR-007", "negative-attributed-emissions", "warning",
      "{process}: attributed direct emissions are negative ({value} tCO2e) after heat, waste-gas and electricity "
      "credits.",
      rationale="The rules set a negative total to zero, but a large negative value means that heat, waste-gas or "
                "electricity credits are overstated.",
      remedy="Check the exported amounts and their emission factors in D_Processes (h)-(k).",
      reference="IR (EU) 2025/2547 Annex III A (negative set to zero [S]); methodology 10.2 U7",
      bad=Example({"processes[1].waste_gas_exported": 200000}, "processes[1].direct_emissions",
                  "D_Processes!L119"),
      good=Example({}))
def negative_attributed(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.result.processes):
        if p.attributed_direct is not None and p.attributed_direct < 0:
            ctx.report(f"processes[{k}].direct_emissions", value=p.attributed_direct, expected=">= 0",
                       process=p.name or p.id)
