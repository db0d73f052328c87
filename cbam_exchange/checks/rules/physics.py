"""PH: physics and plausibility against default values, benchmarks, physical floors and typical ranges."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, by_key, finite, key
from cbam_exchange.model.submission import ProductionProcess
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.tables import applicable_default, benchmarks


def process_of(ctx: CheckContext, product_row: int) -> ProductionProcess | None:
    """The production process a product row arises from (matched by name as the template does)."""
    product = next((p for p in ctx.submission.products if p.row == product_row), None)
    found = ctx.process_by_name(product.process) if product else None
    return found[1] if found else None


def default_not_comparable(process: ProductionProcess | None) -> bool:
    """True where every route the process produces on is one the default value does not describe."""
    routes = {key(r.route) for r in process.production if r.amount} if process else set()
    excluded = {key(r) for r in plausibility()["see_versus_default"]["not_comparable_routes"]}
    return bool(routes) and routes <= excluded


@rule("PH-001", "see-versus-default", "warning",
      "Product row {row} ({cn}): SEE {basis} {value} is {ratio:.2f} times the default value {expected} "
      "({table}{fallback}); {why}.",
      rationale="Actual data usually lie below the default value of the reporting period; a value well above it "
                "(why not use the default?) or far below it often hides a route, unit or scope error. Differences "
                "within the year's mark-up, defaults that are outliers far above the CBAM benchmark and routes the "
                "default does not describe (electrolysis) are not flagged.",
      remedy="Check the product's process, route and units; explain the value to the verifier.",
      reference="IR (EU) 2025/2621 Annex I as replaced by IR (EU) 2026/1740 (from 2026); transitional default values "
                "of 22.12.2023 (to 2025, table PARTIAL); methodology 10.4 X17",
      bad=Example({"processes[3].direct_emissions": 7000000}, "products[0].cn_code", "Summary_Products!F10"),
      good=Example({}))
def see_versus_default(ctx: CheckContext) -> None:
    cfg = plausibility()["see_versus_default"]
    country = ctx.submission.installation.country_code
    for k, product in enumerate(ctx.result.products):
        if not product.cn_code or not finite(product.see_direct):
            continue
        if default_not_comparable(process_of(ctx, product.row)):
            continue
        dv = applicable_default(product.cn_code, country, ctx.year)
        if dv is None or not dv.total:
            continue  # DV-001 says that no default could be resolved
        if dv.indirect is None:
            basis, ours, theirs = "direct", product.see_direct, dv.direct or dv.total
        else:
            basis, ours, theirs = "total", product.see_total, dv.total
        if not finite(ours) or not theirs:
            continue
        ratio = ours / theirs
        above = 1 + max(dv.markup_pct or 0.0, cfg["above_tolerance_pct"]) / 100
        highest = max((b.value for b in benchmarks(product.cn_code)), default=None)
        outlier = highest is not None and theirs > cfg["outlier_factor"] * highest
        why = None
        if ratio > above:
            why = (f"more than {(above - 1) * 100:.0f} % above the default value: with actual data this high, a "
                   "route, unit or scope error is likely")
        elif ratio < cfg["below_ratio"] and not outlier and "unconfirmed" not in dv.flags:
            why = f"below {cfg['below_ratio'] * 100:.0f} % of the default value: needs close scrutiny"
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
        if not marks or not finite(product.see_direct) or default_not_comparable(process_of(ctx, product.row)):
            continue
        lowest = min(b.value for b in marks)
        if product.see_direct < lowest:
            ctx.report(f"products[{k}].cn_code", value=product.see_direct, expected=lowest, row=product.row,
                       cn=product.cn_code)


def _fuel(name: str | None) -> tuple[str, dict] | None:
    text = (name or "").casefold()
    best = None
    for name_of_fuel, fuel in plausibility()["fuels"].items():
        if not isinstance(fuel, dict):
            continue
        for word in fuel["words"]:
            if word in text and (best is None or len(word) > best[2]):
                best = (name_of_fuel, fuel, len(word))
    return (best[0], best[1]) if best else None


def _fuel_deviations(ctx: CheckContext):
    """(stream index, stream, fuel key, IPCC default, deviation) for every stream whose fuel is recognised."""
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        if key(stream.ef_unit) != "tco2/tj" or not finite(stream.ef):
            continue
        found = _fuel(stream.name)
        if found is None:
            continue
        name, fuel = found
        ratio = stream.ef / fuel["ef"]
        if 1 / 3 <= ratio <= 3:  # beyond, a scale error (a unit): UN-001 names it
            yield k, stream, name, fuel["ef"], ratio - 1


@rule("PH-004", "fuel-ef-versus-ipcc", "warning",
      "{stream}: emission factor {value} tCO2/TJ differs by {deviation:+.0f} % from the IPCC default {expected} "
      "for {fuel}.",
      rationale="Fuel emission factors vary little; a factor 10-25 % from the default needs the laboratory analysis "
                "that supports it (beyond 25 %, PH-007).",
      remedy="Check the factor and its unit, or keep the laboratory analysis for the verifier.",
      reference="IPCC 2006 Vol 2 Ch 1 defaults; methodology 10.3 P1 (values UNCONFIRMED)",
      bad=Example({"emissions.source_streams[2].ef": 64.0}, "emissions.source_streams[2].ef", "B_EmInst!J19"),
      good=Example({}))
def fuel_ef(ctx: CheckContext) -> None:
    tolerance = plausibility()["fuel_ef_tolerance"]
    for k, stream, fuel, default, deviation in _fuel_deviations(ctx):
        if tolerance["warning"] < abs(deviation) <= tolerance["error"]:
            ctx.report(f"emissions.source_streams[{k}].ef", value=stream.ef, expected=default, stream=stream.name,
                       fuel=fuel.replace("_", " "), deviation=deviation * 100)


@rule("PH-007", "fuel-ef-far-from-ipcc", "error",
      "{stream}: emission factor {value} tCO2/TJ differs by {deviation:+.0f} % from the IPCC default {expected} "
      "for {fuel}.",
      rationale="No commercial grade of a fuel is more than about a quarter away from its IPCC default factor; "
                "such a factor is a typing error, a wrong unit or a stream named after the wrong fuel.",
      remedy="Correct the factor (B_EmInst J) or the stream's fuel; a laboratory analysis must support any factor "
             "far from the default.",
      reference="IPCC 2006 Vol 2 Ch 1 defaults; methodology 10.3 P1 (values UNCONFIRMED)",
      bad=Example({"emissions.source_streams[2].ef": 80.0}, "emissions.source_streams[2].ef", "B_EmInst!J19"),
      good=Example({"emissions.source_streams[2].ef": 60.0}))
def fuel_ef_far(ctx: CheckContext) -> None:
    tolerance = plausibility()["fuel_ef_tolerance"]
    for k, stream, fuel, default, deviation in _fuel_deviations(ctx):
        if abs(deviation) > tolerance["error"]:
            ctx.report(f"emissions.source_streams[{k}].ef", value=stream.ef, expected=default, stream=stream.name,
                       fuel=fuel.replace("_", " "), deviation=deviation * 100)


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
        band = by_key(bands, process.category)
        level = ctx.result.processes[k].activity_level
        if not isinstance(band, list) or not finite(level) or not level or not finite(process.electricity_consumed):
            continue
        intensity = process.electricity_consumed / level
        if not band[0] <= intensity <= band[1]:
            ctx.report(f"processes[{k}].electricity_consumed", value=intensity, expected=f"{band[0]}-{band[1]}",
                       process=process.name or process.id, category=process.category)


def _precursor_ratios(ctx: CheckContext):
    """(process index, process, ratio entry, precursor per t of output) for each configured relation."""
    categories = {p.id: key(p.category) for p in ctx.submission.processes}
    categories |= {p.id: key(p.category) for p in ctx.submission.purchased_precursors}
    for k, process in enumerate(ctx.submission.processes):
        result = ctx.result.processes[k]
        if not finite(result.activity_level) or not result.activity_level:
            continue
        for ratio in plausibility()["ratios"]:
            if key(process.category) != key(ratio["consumer"]):
                continue
            amount = sum(u.amount for u in result.precursors
                         if categories.get(u.id) == key(ratio["precursor"]) and finite(u.amount))
            if amount:  # a missing precursor is PR-001's concern
                yield k, process, ratio, amount / result.activity_level


@rule("PH-006", "precursor-mass-balance", "warning",
      "{process}: {value} t of {precursor} per t of {category} is outside the typical range {expected} ({why}).",
      rationale="The amount of precursor per tonne of output is bound by chemistry and yield; outside the typical "
                "range, an amount or the production is likely wrong (where it is impossible, PH-008).",
      remedy="Check the amounts consumed (D_Processes (c), E_PurchPrec (b)) and the production (D_Processes (a)).",
      reference="Methodology 10.5 (M1-M9; ranges UNCONFIRMED)",
      bad=Example({"processes[3].production[0].amount": 4600000}, "processes[3].production[0].amount",
                  "D_Processes!L211"),
      good=Example({}))
def precursor_mass_balance(ctx: CheckContext) -> None:
    for k, process, ratio, per_t in _precursor_ratios(ctx):
        lo, hi = ratio["warn_outside"]
        if not lo <= per_t <= hi and not _impossible(ratio, per_t):
            ctx.report(f"processes[{k}].production[0].amount", value=per_t, expected=f"{lo}-{hi}",
                       process=process.name or process.id, precursor=ratio["precursor"], category=process.category,
                       why=ratio["why"])


def _impossible(ratio: dict, per_t: float) -> bool:
    return per_t > ratio.get("error_above", float("inf")) or per_t < ratio.get("error_below", float("-inf"))


@rule("PH-008", "precursor-mass-balance-impossible", "error",
      "{process}: {value} t of {precursor} per t of {category} is physically impossible ({expected}; {why}).",
      rationale="Less precursor than stoichiometry allows (more product leaves than input enters) or more clinker "
                "than cement cannot be right: an amount or the production is wrong.",
      remedy="Check the amounts consumed (D_Processes (c), E_PurchPrec (b)) and the production (D_Processes (a)).",
      reference="Methodology 10.5 M2, M3, M4, M6, M7 (stoichiometry)",
      bad=Example({"processes[3].production[0].amount": 5000000}, "processes[3].production[0].amount",
                  "D_Processes!L211"),
      good=Example({}))
def precursor_mass_balance_impossible(ctx: CheckContext) -> None:
    for k, process, ratio, per_t in _precursor_ratios(ctx):
        if _impossible(ratio, per_t):
            bound = (f">= {ratio['error_below']}" if "error_below" in ratio and per_t < ratio["error_below"]
                     else f"<= {ratio.get('error_above')}")
            ctx.report(f"processes[{k}].production[0].amount", value=per_t, expected=bound,
                       process=process.name or process.id, precursor=ratio["precursor"], category=process.category,
                       why=ratio["why"])
