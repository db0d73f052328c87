"""PH (continued): the SEE of a production process against the band of its sector and route. Below the physical
floor (chemistry without carbon capture) or above the physical ceiling is an error; outside the typical band, a
warning: the severity follows the distance."""

from __future__ import annotations

from collections.abc import Iterator

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite, key
from cbam_exchange.model.submission import ProductionProcess
from cbam_exchange.reference import plausibility


def band_of(process: ProductionProcess) -> dict | None:
    """The band of the process's category and its single route (a band for one route says nothing about a
    process running several)."""
    routes = {key(r.route) for r in process.production if finite(r.amount) and r.amount}
    for band in plausibility()["sector_bands"]:
        if key(band["category"]) == key(process.category) and (not band["route"] or routes == {key(band["route"])}):
            return band
    return None


def _bands(ctx: CheckContext) -> Iterator[tuple[int, ProductionProcess, float, dict]]:
    """(process index, process, SEE direct, band) for each process whose category and route have a band."""
    for k, process in enumerate(ctx.submission.processes):
        see = ctx.result.processes[k].see_direct
        band = band_of(process)
        if finite(see) and band is not None:
            yield k, process, see, band


@rule("PH-003", "below-physical-floor", "error",
      "{process}: SEE direct {value} is below the physical floor {expected} tCO2e/t for {category} ({why}; "
      "floor UNCONFIRMED against the OJ).",
      rationale="Without carbon capture, chemistry sets a lower limit to the direct emissions of some goods; a "
                "value below it means emissions are missing.",
      remedy="Check that every source stream of the process is attributed to it (D_Processes (g)) and that the "
             "precursors are complete.",
      reference="Methodology 10.4 X1, X3, X8, X10, X12 and 11 (stoichiometric floors, UNCONFIRMED)",
      bad=Example({"processes[0].direct_emissions": 400000}, "processes[0].direct_emissions", "D_Processes!L54",
                  base="aluminium-primary-smelter"),
      good=Example({}, base="aluminium-primary-smelter"))
def physical_floor(ctx: CheckContext) -> None:
    from cbam_exchange.checks.rules.energy import production_in_kg

    for k, process, see, band in _bands(ctx):
        if see < band["physical"][0] and production_in_kg(ctx, k) is None:  # else UN-004 names the unit
            ctx.report(f"processes[{k}].direct_emissions", value=see, expected=band["physical"][0],
                       process=process.name or process.id, category=process.category, why=band["why"])


@rule("PH-009", "above-physical-ceiling", "error",
      "{process}: SEE direct {value} tCO2e/t is above anything {category} can emit ({expected}; {why}).",
      rationale="Even the least efficient plant of a route stays below a ceiling; a value above it is a unit error "
                "(kg for t, production in kg) or emissions of another process attributed here.",
      remedy="Check the directly attributable emissions (D_Processes (g)), the production (a) and their units.",
      reference="Methodology 10.4 (sector ranges; ceilings a plausibility choice, UNCONFIRMED)",
      bad=Example({"processes[0].direct_emissions": 5000000}, "processes[0].direct_emissions", "D_Processes!L54",
                  base="aluminium-primary-smelter"),
      good=Example({}, base="aluminium-primary-smelter"))
def physical_ceiling(ctx: CheckContext) -> None:
    for k, process, see, band in _bands(ctx):
        if see > band["physical"][1]:
            ctx.report(f"processes[{k}].direct_emissions", value=see, expected=f"<= {band['physical'][1]}",
                       process=process.name or process.id, category=process.category, why=band["why"])


@rule("PH-010", "outside-sector-band", "warning",
      "{process}: SEE direct {value} tCO2e/t is outside the typical band {expected} for {category}{route} ({why}).",
      rationale="Each route has a typical range of direct emissions; a value just outside it is possible but needs "
                "an explanation (process, fuel mix, precursors); far outside, PH-003 or PH-009 apply.",
      remedy="Check the process's emissions, production and precursors, or explain the value to the verifier.",
      reference="Methodology 10.4 X1, X3-X5, X8-X10, X12-X14 (typical ranges UNCONFIRMED)",
      bad=Example({"processes[0].direct_emissions": 2300000}, "processes[0].direct_emissions", "D_Processes!L54",
                  base="aluminium-primary-smelter"),
      good=Example({}, base="aluminium-primary-smelter"))
def outside_band(ctx: CheckContext) -> None:
    categories = {p.id: key(p.category) for p in ctx.submission.processes}
    categories |= {p.id: key(p.category) for p in ctx.submission.purchased_precursors}
    for k, process, see, band in _bands(ctx):
        lo, hi = band["typical"]
        lifting = {key(c) for c in band.get("upper_lifted_by", [])}
        if lifting & {categories.get(u.id) for u in ctx.result.processes[k].precursors if u.amount}:
            hi = band["physical"][1]  # precursors with high SEE of their own (e.g. ferroalloys) lift the band
        if band["physical"][0] <= see <= band["physical"][1] and not lo <= see <= hi:
            ctx.report(f"processes[{k}].direct_emissions", value=see, expected=f"{lo}-{hi}",
                       process=process.name or process.id, category=process.category,
                       route=f" ({band['route']})" if band["route"] else "", why=band["why"])
