"""MZ: a zero where 'not known' is meant. Supplier portals and templates often turn an empty field into 0, and 0
then silently enters the sums; these rules flag zeros that are physically implausible."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, key
from cbam_exchange.reference import plausibility


@rule("MZ-001", "zero-electricity-factor", "warning",
      "{process}: {consumed} MWh of electricity with an emission factor of 0.",
      rationale="Grid electricity is never emission-free; 0 usually stands for an unknown factor.",
      remedy="Enter the factor (the Commission's default for the country if no other is justified).",
      reference="IR (EU) 2025/2547 Annex II D.4; methodology 10.6",
      bad=Example({"processes[3].electricity_ef": 0}, "processes[3].electricity_ef", "D_Processes!L261"),
      good=Example({}))
def zero_factor(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.submission.processes):
        if p.electricity_consumed and p.electricity_ef == 0:
            ctx.report(f"processes[{k}].electricity_ef", value=0.0, process=p.name or p.id,
                       consumed=f"{p.electricity_consumed:,.0f}")


@rule("MZ-002", "zero-direct-emissions", "warning",
      "{process} makes {category} with directly attributable emissions of 0.",
      rationale="Making this category always emits (calcination, reduction, reforming, N2O); 0 usually means "
                "'not entered'.",
      remedy="Enter the process's directly attributable emissions (D_Processes (g)).",
      reference="Methodology 10.2 U6 and 10.4",
      bad=Example({"processes[1].direct_emissions": 0}, "processes[1].direct_emissions", "D_Processes!L119"),
      good=Example({}))
def zero_direct(ctx: CheckContext) -> None:
    emitting = {key(c) for c in plausibility()["emitting"]["categories"]}
    for k, p in enumerate(ctx.submission.processes):
        level = ctx.result.processes[k].activity_level
        if p.direct_emissions == 0 and level and key(p.category) in emitting:
            ctx.report(f"processes[{k}].direct_emissions", value=0.0, process=p.name or p.id, category=p.category)


@rule("MZ-003", "zero-precursor-see", "warning",
      "{precursor} from {country}: SEE (direct) 0 counts only for goods from the EU or an exempted country.",
      rationale="A precursor's SEE is 0 only when it comes from the EU or a country outside CBAM; otherwise 0 "
                "stands for 'unknown', and the default value applies.",
      remedy="Enter the precursor's actual SEE from its producer's verified data, or its default value.",
      reference="Methodology 5.1 and 10.8 D4",
      bad=Example({"purchased_precursors[0].see_direct": 0}, "purchased_precursors[0].see_direct",
                  "E_PurchPrec!L49"),
      good=Example({"purchased_precursors[0].see_direct": 0, "purchased_precursors[0].country_code": "DE"}))
def zero_precursor(ctx: CheckContext) -> None:
    exempt = set(plausibility()["zero_origin"]["countries"])
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        if pp.see_direct == 0 and key(pp.country_code).upper() not in exempt:
            ctx.report(f"purchased_precursors[{k}].see_direct", value=0.0, precursor=pp.name or pp.id,
                       country=pp.country_code or "an unstated country")
