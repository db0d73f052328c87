"""PH: physics and plausibility against default values, benchmarks, physical floors and typical ranges."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext
from cbam_exchange.checks.findings import Severity
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.tables import benchmarks, default_value


@rule("PH-001", "see-versus-default", "warning",
      "Product row {row} ({cn}): SEE {basis} {value} is {ratio:.2f} times the default value {expected} "
      "({table}{fallback}); {why}.",
      rationale="Actual data usually lie below the country's default value; a value above it (why not use the "
                "default?) or far below it often hides a route, unit or scope error.",
      remedy="Check the product's process, route and units; explain the value to the verifier.",
      reference="IR (EU) 2025/2621 Annex I as replaced by IR (EU) 2026/1740; methodology 10.4 X17",
      bad=Example({"processes[3].direct_emissions": 5000000}, "products[0].cn_code", "Summary_Products!F10"),
      good=Example({}))
def see_versus_default(ctx: CheckContext) -> None:
    country = ctx.submission.installation.country_code
    for k, product in enumerate(ctx.result.products):
        if not product.cn_code or product.see_direct is None:
            continue
        dv = default_value(product.cn_code, country, ctx.year)
        if dv is None or not dv.total:
            continue
        if dv.indirect is None:
            basis, ours, theirs = "direct", product.see_direct, dv.direct or dv.total
        else:
            basis, ours, theirs = "total", product.see_total, dv.total
        if ours is None or not theirs:
            continue
        ratio = ours / theirs
        why = None
        if ratio > 1.0:
            why = "above the default value: with actual data this high, a route, unit or scope error is likely"
        elif ratio < 0.3:
            why = "below 30 % of the default value: needs close scrutiny"
        if why:
            ctx.report(f"products[{k}].cn_code", value=ours, expected=theirs, row=product.row, cn=product.cn_code,
                       basis=basis, ratio=ratio, table=dv.table,
                       fallback=f"; {dv.fallback}" if dv.fallback else "", why=why,
                       details={"default_value": dv.__dict__})


@rule("PH-002", "below-every-benchmark", "info",
      "Product row {row} ({cn}): SEE direct {value} is below every CBAM benchmark for this code (lowest "
      "{expected}).",
      rationale="Benchmarks reflect the 10 % best EU installations; actual data below all of them is possible but "
                "unusual and worth a look.",
      remedy="Make sure no emissions source or precursor is left out.",
      reference="IR (EU) 2025/2620 Annex point 5 (benchmarks)",
      bad=Example({"processes[0].direct_emissions": 0, "processes[1].direct_emissions": 0,
                   "processes[2].direct_emissions": 0, "processes[3].direct_emissions": 0,
                   "purchased_precursors[0].see_direct": 0}, "products[0].cn_code", "Summary_Products!F10"),
      good=Example({}))
def below_benchmark(ctx: CheckContext) -> None:
    for k, product in enumerate(ctx.result.products):
        marks = benchmarks(product.cn_code)
        if not marks or product.see_direct is None:
            continue
        lowest = min(b.value for b in marks)
        if product.see_direct < lowest:
            ctx.report(f"products[{k}].cn_code", value=product.see_direct, expected=lowest, row=product.row,
                       cn=product.cn_code)


@rule("PH-003", "below-physical-floor", "error",
      "{process}: SEE direct {value} is below the physical floor {expected} tCO2e/t for {category} ({why}; "
      "floor UNCONFIRMED against the OJ).",
      rationale="Without carbon capture, chemistry sets a lower limit to the direct emissions of some goods; a "
                "value below it means emissions are missing.",
      remedy="Check that every source stream of the process is attributed to it (D_Processes (g)).",
      reference="Methodology 10.4 X1, X8, X10, X12 and 11 (stoichiometric floors, UNCONFIRMED)",
      bad=Example({"processes[0].direct_emissions": 400000}, "processes[0].direct_emissions", "D_Processes!L54",
                  base="aluminium-primary-smelter"),
      good=Example({}, base="aluminium-primary-smelter"))
def physical_floor(ctx: CheckContext) -> None:
    floors = plausibility()["floors"]
    for k, process in enumerate(ctx.submission.processes):
        floor = floors.get((process.category or "").strip())
        result = ctx.result.processes[k]
        if not isinstance(floor, dict) or result.see_direct is None:
            continue
        routes = {r.route for r in process.production if r.amount}
        if floor["route"] and routes and floor["route"] not in routes:
            continue
        if result.see_direct < floor["value"]:
            ctx.report(f"processes[{k}].direct_emissions", value=result.see_direct, expected=floor["value"],
                       process=process.name or process.id, category=process.category, why=floor["why"])


def _fuel(name: str | None) -> tuple[str, dict] | None:
    text = (name or "").casefold()
    best = None
    for key, fuel in plausibility()["fuels"].items():
        if not isinstance(fuel, dict):
            continue
        for word in fuel["words"]:
            if word in text and (best is None or len(word) > best[2]):
                best = (key, fuel, len(word))
    return (best[0], best[1]) if best else None


@rule("PH-004", "fuel-ef-versus-ipcc", "warning",
      "{stream}: emission factor {value} tCO2/TJ differs by {deviation:+.0f} % from the IPCC default {expected} "
      "for {fuel}.",
      rationale="Fuel emission factors vary little; a factor far from the default without laboratory evidence is "
                "a typing or unit error (error beyond 25 %, warning beyond 10 %).",
      remedy="Check the factor and its unit, or keep the laboratory analysis for the verifier.",
      reference="IPCC 2006 Vol 2 Ch 1 defaults; methodology 10.3 P1 (values UNCONFIRMED)",
      bad=Example({"emissions.source_streams[2].ef": 64.0}, "emissions.source_streams[2].ef", "B_EmInst!J19"),
      good=Example({}))
def fuel_ef(ctx: CheckContext) -> None:
    tolerance = plausibility()["fuel_ef_tolerance"]
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        if (stream.ef_unit or "").strip().casefold() != "tco2/tj" or stream.ef is None:
            continue
        found = _fuel(stream.name)
        if found is None:
            continue
        key, fuel = found
        ratio = stream.ef / fuel["ef"]
        if not 1 / 3 <= ratio <= 3:
            continue  # a scale error (a unit): UN-001 names it
        deviation = ratio - 1
        if abs(deviation) > tolerance["warning"]:
            severity = Severity.ERROR if abs(deviation) > tolerance["error"] else None
            ctx.report(f"emissions.source_streams[{k}].ef", value=stream.ef, expected=fuel["ef"],
                       severity=severity, stream=stream.name, fuel=key.replace("_", " "),
                       deviation=deviation * 100)


@rule("PH-005", "electricity-intensity", "warning",
      "{process}: {value} MWh per t of {category} is outside the typical range {expected} MWh/t.",
      rationale="Electricity use per tonne is characteristic of each sector; a value far outside is a unit or "
                "allocation error (kWh for MWh, or another process's consumption).",
      remedy="Check the electricity consumption (D_Processes (j)) and its unit (MWh).",
      reference="Methodology 10.6 G1 (typical ranges, UNCONFIRMED)",
      bad=Example({"processes[3].electricity_consumed": 4380000}, "processes[3].electricity_consumed",
                  "D_Processes!L260"),
      good=Example({}))
def electricity_intensity(ctx: CheckContext) -> None:
    bands = plausibility()["electricity_intensity"]
    for k, process in enumerate(ctx.submission.processes):
        band = bands.get((process.category or "").strip())
        level = ctx.result.processes[k].activity_level
        if not isinstance(band, list) or not level or process.electricity_consumed is None:
            continue
        intensity = process.electricity_consumed / level
        if not band[0] <= intensity <= band[1]:
            ctx.report(f"processes[{k}].electricity_consumed", value=intensity, expected=f"{band[0]}-{band[1]}",
                       process=process.name or process.id, category=process.category)


@rule("PH-006", "precursor-mass-balance", "warning",
      "{process}: {value} t of {precursor} per t of {category} is outside {expected} ({why}).",
      rationale="The amount of precursor per tonne of output is bound by chemistry and yield; outside the range, "
                "an amount or the production is wrong (an error where more product leaves than input enters).",
      remedy="Check the amounts consumed (D_Processes (c), E_PurchPrec (b)) and the production (D_Processes (a)).",
      reference="Methodology 10.5 (M1-M9; ranges UNCONFIRMED)",
      bad=Example({"processes[3].production[0].amount": 5000000}, "processes[3].production[0].amount",
                  "D_Processes!L211"),
      good=Example({}))
def precursor_mass_balance(ctx: CheckContext) -> None:
    categories = {p.id: p.category for p in ctx.submission.processes}
    categories |= {p.id: p.category for p in ctx.submission.purchased_precursors}
    for k, process in enumerate(ctx.submission.processes):
        result = ctx.result.processes[k]
        if not result.activity_level:
            continue
        for ratio in plausibility()["ratios"]:
            if (process.category or "").strip() != ratio["consumer"]:
                continue
            amount = sum(u.amount for u in result.precursors if (categories.get(u.id) or "").strip() ==
                         ratio["precursor"])
            if amount == 0:
                continue  # a missing precursor is PR-001's concern
            per_t = amount / result.activity_level
            lo, hi = ratio["warn_outside"]
            severity = None
            if per_t > ratio.get("error_above", float("inf")) or per_t < ratio.get("error_below", float("-inf")):
                severity = Severity.ERROR
            if severity or not lo <= per_t <= hi:
                ctx.report(f"processes[{k}].production[0].amount", value=per_t, expected=f"{lo}-{hi}",
                           severity=severity, process=process.name or process.id, precursor=ratio["precursor"],
                           category=process.category, why=ratio["why"])
