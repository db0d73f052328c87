"""UN (continued): units and energy: a gross calorific value entered as net, an emission factor whose value fits
another unit of the drop-down, production in kg, carbon contents and fuel energy outside their material's or
sector's band."""

from __future__ import annotations

import math

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite, key
from cbam_exchange.model.emissions import SourceStream
from cbam_exchange.reference import plausibility


def _named(table: str, name: str | None) -> tuple[str, dict] | None:
    """The entry of a words table whose longest word occurs in `name`."""
    text, best = key(name), None
    for entry, spec in plausibility()[table].items():
        if isinstance(spec, dict):
            for word in spec["words"]:
                if word in text and (best is None or len(word) > best[2]):
                    best = (entry, spec, len(word))
    return (best[0], best[1]) if best else None


def better_unit(stream: SourceStream) -> tuple[str, float] | None:
    """(unit, expected value) of the drop-down unit the stream's EF fits far better than its own, for a recognised
    fuel; None where its own unit fits or nothing can be said."""
    fuel = _named("fuels", stream.name)
    own = key(stream.ef_unit)
    if fuel is None or not finite(stream.ef) or stream.ef <= 0 or own not in ("tco2/tj", "tco2/t", "tco2/1000nm3"):
        return None
    spec = fuel[1]
    expected = {"tco2/tj": spec["ef"]}
    if "ncv_per_t" in spec:
        expected["tco2/t"] = spec["ef"] * sum(spec["ncv_per_t"]) / 2 / 1000
    if "ncv_per_1000nm3" in spec:
        expected["tco2/1000nm3"] = spec["ef"] * sum(spec["ncv_per_1000nm3"]) / 2 / 1000
    if own not in expected:
        return None
    distance = {unit: abs(math.log(stream.ef / value)) for unit, value in expected.items()}
    best = min(distance, key=distance.get)
    if best != own and distance[own] > math.log(3) and distance[best] < math.log(1.5):
        return {"tco2/tj": "tCO2/TJ", "tco2/t": "tCO2/t", "tco2/1000nm3": "tCO2/1000Nm3"}[best], expected[best]
    return None


@rule("UN-002", "ncv-looks-like-gcv", "warning",
      "{stream}: NCV {value} is above the net calorific range {expected} of {fuel} by {ratio:.2f}x: it looks like "
      "the gross calorific value (GCV).",
      rationale="Fuel suppliers often quote the gross (higher) calorific value; entered as NCV it overstates the "
                "energy and the emissions by 5 % (coal, oil) to 11 % (natural gas).",
      remedy="Enter the net calorific value (B_EmInst H), e.g. GCV / 1.11 for natural gas, / 1.05 for coal and oil.",
      reference="IR (EU) 2025/2547 Annex II B.3.1 (NCV); methodology 10.2 U4 and 10.3 P2",
      bad=Example({"emissions.source_streams[2].ncv": 42.5}, "emissions.source_streams[2].ncv", "B_EmInst!H19"),
      good=Example({}))
def ncv_as_gcv(ctx: CheckContext) -> None:
    lo_ratio, hi_ratio = plausibility()["gcv_ratio"]["band"]
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        fuel = _named("fuels", stream.name)
        if fuel is None or not finite(stream.ncv) or key(stream.ef_unit) != "tco2/tj":
            continue
        band = fuel[1].get("ncv_per_1000nm3" if key(stream.activity_unit) == "1000nm3" else "ncv_per_t")
        if not band:
            continue
        ratio = stream.ncv / band[1]
        if lo_ratio < ratio <= hi_ratio:
            ctx.report(f"emissions.source_streams[{k}].ncv", value=stream.ncv, expected=f"{band[0]}-{band[1]}",
                       stream=stream.name, fuel=fuel[0].replace("_", " "), ratio=ratio)


@rule("UN-003", "ef-fits-another-unit", "error",
      "{stream}: emission factor {value} {unit} is implausible for {fuel}, but is what {fuel} emits per "
      "{better} ({expected}): the unit chosen in the drop-down looks wrong.",
      rationale="The template computes differently per EF unit (per TJ with the NCV, per t or per 1000 Nm3 "
                "without); a factor entered with the wrong unit changes the stream's emissions by a factor of 20 "
                "to 50.",
      remedy="Choose the unit that belongs to the factor (B_EmInst K), or enter the factor in the chosen unit.",
      reference="Template 2.1.1 B_EmInst J-K; methodology 10.2 U4",
      bad=Example({"emissions.source_streams[2].ef_unit": "tCO2/1000Nm3"}, "emissions.source_streams[2].ef_unit",
                  "B_EmInst!K19"),
      good=Example({}))
def ef_other_unit(ctx: CheckContext) -> None:
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        found = better_unit(stream)
        if found:
            ctx.report(f"emissions.source_streams[{k}].ef_unit", value=stream.ef, expected=f"{found[1]:.3g}",
                       unit=stream.ef_unit, better=found[0].split("/", 1)[1], stream=stream.name,
                       fuel=_named("fuels", stream.name)[0].replace("_", " "))  # type: ignore[index]


def production_in_kg(ctx: CheckContext, k: int) -> dict | None:
    """The sector band that the process's SEE would fall into if its production were in t, where it was
    entered in kg (SEE 1000 times too small); None otherwise."""
    from cbam_exchange.checks.rules.sector import band_of

    process = ctx.submission.processes[k]
    see = ctx.result.processes[k].see_direct
    band = band_of(process)
    if band is None or not finite(see) or see <= 0:
        return None
    lo, hi = band["typical"]
    return band if see < band["physical"][0] and lo <= see * 1000 <= hi else None


@rule("UN-004", "production-in-kg", "error",
      "{process}: SEE direct {value} tCO2e/t is 1000 times below the typical {expected} for {category}: the "
      "production looks entered in kg instead of t.",
      rationale="Production in kg makes the activity level 1000 times too large and every SEE of the process and "
                "its goods 1000 times too small.",
      remedy="Enter the production in tonnes (D_Processes (a)).",
      reference="IR (EU) 2025/2547 Annex III B (AL in t); methodology 10.2 U4",
      bad=Example({"processes[0].production[0].amount": 390000000}, "processes[0].production[0].amount",
                  "D_Processes!L16", base="aluminium-primary-smelter"),
      good=Example({}, base="aluminium-primary-smelter"))
def production_kg(ctx: CheckContext) -> None:
    for k, process in enumerate(ctx.submission.processes):
        band = production_in_kg(ctx, k)
        if band and process.production:
            ctx.report(f"processes[{k}].production[0].amount", value=ctx.result.processes[k].see_direct,
                       expected=f"{band['typical'][0]}-{band['typical'][1]}", process=process.name or process.id,
                       category=process.category)


@rule("UN-005", "carbon-content-band", "warning",
      "{stream}: carbon content {value} tC/t is outside the usual {expected} for {material}.",
      rationale="Carbon contents of coke, coal, carbonates and steel vary within narrow bands; outside, the value "
                "belongs to another material or another unit (per cent, CO2 instead of C).",
      remedy="Check the laboratory analysis and that the content is entered as tC per t (B_EmInst L).",
      reference="IR (EU) 2025/2547 Annex II B.3.2; methodology 10.3 (typical contents UNCONFIRMED)",
      bad=Example({"emissions.source_streams[0].carbon_content": 0.55}, "emissions.source_streams[0].carbon_content",
                  "B_EmInst!L17"),
      good=Example({}))
def carbon_content_band(ctx: CheckContext) -> None:
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        material = _named("materials", stream.name)
        value = stream.carbon_content
        if material is None or not finite(value) or value > 1:
            continue  # above 1 tC/t is a percentage: UN-001 names it
        lo, hi = material[1]["carbon"]
        if not lo <= value <= hi:
            ctx.report(f"emissions.source_streams[{k}].carbon_content", value=value, expected=f"{lo}-{hi}",
                       stream=stream.name, material=material[0].replace("_", " "))


@rule("UN-006", "fuel-energy-intensity", "warning",
      "The combustion streams deliver {value} GJ per t of {category}, outside the usual {expected} GJ/t.",
      rationale="Fuel energy per tonne is characteristic of a sector; far outside, an activity amount, an NCV or "
                "a unit is wrong (kg for t, MJ for GJ).",
      remedy="Check the fuels' activity data and NCV (B_EmInst F and H) and the production (D_Processes (a)).",
      reference="Methodology 10.6 G2 (sector ranges UNCONFIRMED)",
      bad=Example({"emissions.source_streams[2].activity_data": 1500000}, "emissions.source_streams[2].activity_data",
                  "B_EmInst!F19", base="cement-clinker-two-cements"),
      good=Example({}, base="cement-clinker-two-cements"))
def fuel_energy_intensity(ctx: CheckContext) -> None:
    processes = ctx.submission.processes
    for spec in plausibility()["fuel_energy_bands"]:
        mine = [k for k, p in enumerate(processes) if key(p.category) == key(spec["category"])]
        if not mine or (spec["alone"] and len(mine) != len(processes)):
            continue
        production = sum(ctx.result.processes[k].activity_level or 0 for k in mine)
        streams = [(k, s) for k, s in enumerate(ctx.result.streams) if key(s.method) == "combustion"]
        energies = [(s.energy_fossil or 0) + (s.energy_bio or 0) for _, s in streams if s.energy_fossil is not None]
        if not production or not energies or len(energies) != len(streams):
            return  # a stream without energy (MZ-004) makes the sum a lower bound
        per_t = sum(energies) * 1000 / production
        lo, hi = spec["band"]
        if not lo <= per_t <= hi:
            largest = max(streams, key=lambda ks: ks[1].energy_fossil or 0)[0]
            ctx.report(f"emissions.source_streams[{largest}].activity_data", value=round(per_t, 3),
                       expected=f"{lo}-{hi}", category=spec["category"])
        return
