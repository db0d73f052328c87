"""UN: units and scale. A value outside its plausible band is offered the usual single swaps (kg/t, MJ/GJ/TJ,
tCO2/GJ vs tCO2/TJ, fraction vs percent, kWh/MWh, kg vs t of CO2 per MWh, Nm3 vs 1000 Nm3); the swap that brings it
back into its band is reported with what it changes in the recomputation."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, by_key
from cbam_exchange.model.paths import set_path
from cbam_exchange.reference import plausibility


@dataclass
class Candidate:
    path: str
    value: float
    kind: str  # key of [bands] and [unit_swaps]
    band: tuple[float, float]


def _band(kind: str) -> tuple[float, float]:
    lo, hi = plausibility()["bands"][kind]
    return float(lo), float(hi)


def candidates(ctx: CheckContext) -> Iterator[Candidate]:
    from cbam_exchange.checks.rules.energy import better_unit

    s = ctx.submission
    for k, stream in enumerate(s.emissions.source_streams):
        prefix = f"emissions.source_streams[{k}]"
        unit = (stream.ef_unit or "").strip().casefold()
        per_gas = (stream.activity_unit or "").strip().casefold() == "1000nm3"
        if stream.ef is not None and better_unit(stream) is None:  # else UN-003 names the unit
            kind = {"tco2/tj": "ef_per_tj", "tco2/t": "ef_per_t", "tco2/1000nm3": "ef_per_1000nm3"}.get(unit)
            if kind:
                yield Candidate(f"{prefix}.ef", stream.ef, kind, _band(kind))
        if stream.ncv is not None and unit == "tco2/tj":
            kind = "ncv_per_1000nm3" if per_gas else "ncv_per_t"
            yield Candidate(f"{prefix}.ncv", stream.ncv, kind, _band(kind))
        if stream.carbon_content is not None:
            yield Candidate(f"{prefix}.carbon_content", stream.carbon_content, "carbon_content",
                            _band("carbon_content"))
        for name in ("oxidation_factor", "conversion_factor"):
            value = getattr(stream, name)
            if value is not None:
                yield Candidate(f"{prefix}.{name}", value, "percent_factor", _band("percent_factor"))
    intensity = plausibility()["electricity_intensity"]
    for k, process in enumerate(s.processes):
        if process.electricity_ef is not None:
            yield Candidate(f"processes[{k}].electricity_ef", process.electricity_ef, "electricity_ef",
                            _band("electricity_ef"))
        level = ctx.result.processes[k].activity_level
        band = by_key(intensity, process.category)
        if process.electricity_consumed and level and isinstance(band, list):
            # the band of the amount follows from the category's intensity band and the production
            yield Candidate(f"processes[{k}].electricity_consumed", process.electricity_consumed,
                            "electricity_consumed", (band[0] * level, band[1] * level * 1.5))
    for k, pp in enumerate(s.purchased_precursors):
        if pp.see_direct is not None:
            yield Candidate(f"purchased_precursors[{k}].see_direct", pp.see_direct, "precursor_see_direct",
                            _band("precursor_see_direct"))
        if pp.electricity_ef is not None:
            yield Candidate(f"purchased_precursors[{k}].electricity_ef", pp.electricity_ef, "electricity_ef",
                            _band("electricity_ef"))
    yield from _activity_data(ctx)


def _activity_data(ctx: CheckContext) -> Iterator[Candidate]:
    """A fuel in kg: one stream alone emits far more than all processes are attributed."""
    attributed = sum(p.direct_emissions or 0 for p in ctx.result.processes)
    if attributed <= 0:
        return
    for k, stream in enumerate(ctx.result.streams):
        amount = ctx.submission.emissions.source_streams[k].activity_data
        if stream.fossil and amount and stream.fossil > 3 * attributed:
            # the band: what keeps this stream's emissions within the installation's attributed total
            ratio = attributed / stream.fossil
            yield Candidate(f"emissions.source_streams[{k}].activity_data", amount, "activity_data",
                            (0.0, abs(amount) * ratio * 1.5) if amount > 0 else (abs(amount) * ratio * -1.5, 0.0))


def effects_of(ctx: CheckContext, path: str, corrected: float) -> dict[str, object]:
    """What the recomputation gives with the corrected value: products' SEE and the installation total."""
    patched = copy.deepcopy(ctx.submission)
    set_path(patched, path, corrected)
    _, result = recompute(patched)
    before = {p.row: p for p in ctx.result.products}
    products = []
    for p in result.products:
        old = before.get(p.row)
        if old and (old.see_direct, old.see_indirect) != (p.see_direct, p.see_indirect):
            products.append({"row": p.row, "cn_code": p.cn_code, "see_direct": [old.see_direct, p.see_direct],
                             "see_indirect": [old.see_indirect, p.see_indirect]})
    return {"installation_direct": [ctx.result.totals.direct, result.totals.direct], "products": products}


def summary_of(effects: dict[str, object]) -> str:
    products = effects["products"]
    if products:
        first = products[0]  # type: ignore[index]
        old, new = first["see_direct"] if first["see_direct"][0] != first["see_direct"][1] else first["see_indirect"]
        which = "direct" if first["see_direct"][0] != first["see_direct"][1] else "indirect"
        return f"product row {first['row']} ({first['cn_code']}) SEE {which} {old:.5f} -> {new:.5f} tCO2e/t"
    old, new = effects["installation_direct"]  # type: ignore[misc]
    return f"installation direct emissions {old:,.0f} -> {new:,.0f} tCO2e"


@rule("UN-001", "unit-swap", "error",
      "{value} is outside the plausible range {band}; it looks like {meaning}. Corrected to {expected}: {effect}.",
      rationale="Unit and scale slips (kg for t, kWh for MWh, tCO2/GJ for tCO2/TJ, fractions for percentages) are "
                "the commonest supplier error; each shows up as a value off by a round factor.",
      remedy="Enter the value in the unit the template states beside the cell.",
      reference="Methodology 10.2 U4; template 2.1.1 unit columns",
      bad=Example({"emissions.source_streams[2].ef": 0.0561}, "emissions.source_streams[2].ef", "B_EmInst!J19"),
      good=Example({}))
def unit_swap(ctx: CheckContext) -> None:
    swaps = plausibility()["unit_swaps"]
    for c in candidates(ctx):
        lo, hi = c.band
        if lo <= c.value <= hi or c.value == 0:
            continue
        for factor, meaning in swaps[c.kind]:
            corrected = c.value * factor
            if lo <= corrected <= hi:
                effects = effects_of(ctx, c.path, corrected)
                ctx.report(c.path, value=c.value, expected=corrected, band=f"{lo:g}..{hi:g}", meaning=meaning,
                           effect=summary_of(effects), details={"swap": meaning, "factor": factor,
                                                              "corrected": corrected, "effects": effects})
                break
