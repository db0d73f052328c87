"""PH (continued): process-emission physics and zero-rated fuels: carbonate stoichiometry, N2O per tonne of
nitric acid against the abatement claimed, the PFC share of a smelter, and biomass zero-rated without evidence."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite, key
from cbam_exchange.reference import calculation_constants, plausibility
from cbam_exchange.reference.tables import LAST_TRANSITIONAL_YEAR


@rule("PH-011", "zero-rated-without-demonstration", "warning",
      "{stream}: {value} % biomass zero-rates {zero:,.0f} tCO2 without a statement of how the sustainability "
      "criteria are met.",
      rationale="In the definitive period biomass counts with an emission factor of zero only where it meets the "
                "sustainability and greenhouse-gas saving criteria of RED II Art. 29, shown with certificates; "
                "otherwise its CO2 is fossil.",
      remedy="Keep the sustainability certificates and state how zero rating is shown (definitive-period data: "
             "zero-rated fuels), or report the stream as fossil.",
      reference="IR (EU) 2025/2547 Annex II B.3.3; Directive (EU) 2018/2001 Art. 29; methodology 10.3 P4",
      bad=Example({"emissions.source_streams[3].biomass_content": 45, "definitive.zero_rated_fuels": None},
                  "emissions.source_streams[3].biomass_content",
                  "B_EmInst!R20", base="cement-clinker-two-cements"),
      good=Example({"emissions.source_streams[3].biomass_content": 0}, base="cement-clinker-two-cements"))
def zero_rated(ctx: CheckContext) -> None:
    if ctx.year <= LAST_TRANSITIONAL_YEAR:
        return  # the demonstration is a requirement of the definitive period (IR 2025/2547)
    definitive = getattr(ctx.submission, "definitive", None)
    zero_rated_fuels = getattr(definitive, "zero_rated_fuels", None)
    if zero_rated_fuels is not None and (zero_rated_fuels.evidence or "").strip():
        return
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        biomass = ctx.result.streams[k].biomass
        if finite(stream.biomass_content) and stream.biomass_content > 0 and finite(biomass) and biomass > 0:
            ctx.report(f"emissions.source_streams[{k}].biomass_content", value=stream.biomass_content,
                       stream=stream.name or f"B_EmInst row {stream.row}", zero=biomass,
                       details={"zero_rated_tco2": biomass})


@rule("PH-012", "carbonate-ef", "warning",
      "{stream}: emission factor {value} tCO2/t differs by {deviation:+.1f} % from the stoichiometric {expected} "
      "of {carbonate}.",
      rationale="A pure carbonate releases a fixed amount of CO2 by stoichiometry; a factor far from it needs the "
                "analysis of the raw material's purity, or belongs to another carbonate.",
      remedy="Check the factor (B_EmInst J) against the carbonate's analysis, or name the stream after its "
             "carbonate.",
      reference="IR (EU) 2025/2547 Annex II B.3.1 (process emissions); methodology 10.3 P5",
      bad=Example({"emissions.source_streams[3].name": "Limestone", "emissions.source_streams[3].ef": 0.52},
                  "emissions.source_streams[3].ef", "B_EmInst!J20"),
      good=Example({"emissions.source_streams[3].name": "Limestone", "emissions.source_streams[3].ef": 0.44}))
def carbonate_ef(ctx: CheckContext) -> None:
    table = plausibility()["carbonates"]
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        if key(stream.ef_unit) != "tco2/t" or not finite(stream.ef) or key(stream.method) != "process emissions":
            continue
        name = key(stream.name)
        found = [(n, spec) for n, spec in table.items() if isinstance(spec, dict) and any(w in name for w in
                                                                                        spec["words"])]
        if len(found) != 1:
            continue  # a mix ("limestone and dolomite") has no single stoichiometry
        carbonate, spec = found[0]
        deviation = stream.ef / spec["ef"] - 1
        if abs(deviation) > table["tolerance"]:
            ctx.report(f"emissions.source_streams[{k}].ef", value=stream.ef, expected=spec["ef"],
                       stream=stream.name, carbonate=carbonate.replace("_", " "), deviation=deviation * 100)


@rule("PH-013", "nitric-acid-n2o", "warning",
      "{process}: {value} kg N2O per t of nitric acid {why}.",
      rationale="Nitric acid plants emit about 2-9 kg N2O per t unabated and below 1-2 kg with abatement; a value "
                "that contradicts the abatement claimed, or exceeds what any plant emits, means a wrong "
                "measurement, unit or production.",
      remedy="Check the N2O measurement (B_EmInst measurements) and the nitric acid production; state the "
             "abatement technology in the measurement point's name or under additional information.",
      reference="IR (EU) 2025/2547 Annex II B.6 (N2O); methodology 10.3 P8 (ranges UNCONFIRMED)",
      bad=Example({"emissions.measurements[0].hourly_concentration": 1.0}, "processes[0].direct_emissions",
                  "D_Processes!L54", base="nitric-acid-n2o"),
      good=Example({}, base="nitric-acid-n2o"))
def nitric_acid_n2o(ctx: CheckContext) -> None:
    cfg = plausibility()["nitric_acid_n2o"]
    gwp = calculation_constants().gwp_n2o.value
    n2o_co2e = ctx.result.totals.n2o
    acid = [k for k, p in enumerate(ctx.submission.processes) if key(p.category) == "nitric acid"]
    if len(acid) != 1 or not finite(n2o_co2e) or not n2o_co2e:
        return
    level = ctx.result.processes[acid[0]].activity_level
    if not finite(level) or not level:
        return
    kg_per_t = n2o_co2e / gwp * 1000 / level
    texts = [ctx.submission.additional_information, ctx.submission.data_quality.general,
             *(m.name for m in ctx.submission.emissions.measurements)]
    words = set(key(" ".join(t for t in texts if t)).replace("(", " ").replace(")", " ").split())
    abated = bool(words & set(cfg["abatement_words"]))
    why = None
    if kg_per_t > cfg["unabated_max"]:
        why = f"is above what even an unabated plant emits (about {cfg['unabated_max']} kg/t)"
    elif abated and kg_per_t > cfg["abated_max"]:
        why = f"is above the {cfg['abated_max']} kg/t of an abated plant, although abatement is stated"
    if why:
        process = ctx.submission.processes[acid[0]]
        ctx.report(f"processes[{acid[0]}].direct_emissions", value=round(kg_per_t, 3),
                   process=process.name or process.id, why=why)


@rule("PH-014", "pfc-share", "warning",
      "{process}: PFC are {share:.0%} of the direct emissions, above the {limit:.0%} a smelter reaches even "
      "with frequent anode effects.",
      rationale="PFC from anode effects are a few per cent of a modern smelter's direct emissions; a large share "
                "points to anode-effect data in the wrong unit (minutes for seconds) or a wrong technology "
                "coefficient.",
      remedy="Check the anode-effect frequency and duration, the slope or overvoltage coefficient and the "
             "technology (B_EmInst PFC rows).",
      reference="IR (EU) 2025/2547 Annex II B.7; methodology 10.3 P7 (threshold UNCONFIRMED)",
      bad=Example({"emissions.pfc[0].anode_effect_duration": 300}, "processes[0].direct_emissions",
                  "D_Processes!L54", base="aluminium-primary-smelter"),
      good=Example({}, base="aluminium-primary-smelter"))
def pfc_share(ctx: CheckContext) -> None:
    totals = ctx.result.totals
    smelters = [k for k, p in enumerate(ctx.submission.processes) if key(p.category) == "unwrought aluminium"]
    if not smelters or not finite(totals.pfc) or not finite(totals.direct) or totals.direct <= 0:
        return
    share = totals.pfc / totals.direct
    limit = plausibility()["pfc"]["max_share"]
    if share > limit:
        process = ctx.submission.processes[smelters[0]]
        ctx.report(f"processes[{smelters[0]}].direct_emissions", value=share, expected=limit, share=share,
                   limit=limit, process=process.name or process.id)


@rule("PH-015", "heat-ef-band", "warning",
      "{process}: the emission factor {value} tCO2/TJ of measurable heat {direction} is outside {expected} tCO2/TJ.",
      rationale="Heat from fossil fuels carries about 50-120 tCO2/TJ (fuel factor over boiler efficiency); outside "
                "the band the factor is in another unit (per GJ, per MWh) or the efficiency is wrong. Zero is "
                "accepted for waste heat and biomass.",
      remedy="Enter the heat's emission factor in tCO2/TJ (D_Processes (h)), from the fuel mix and the efficiency.",
      reference="IR (EU) 2025/2547 Annex II C (measurable heat); methodology 10.6 G6 (band UNCONFIRMED)",
      bad=Example({"processes[0].heat_imported": 500, "processes[0].heat_imported_ef": 0.062},
                  "processes[0].heat_imported_ef", "D_Processes!L58"),
      good=Example({"processes[0].heat_imported": 500, "processes[0].heat_imported_ef": 62}))
def heat_ef(ctx: CheckContext) -> None:
    lo, hi = plausibility()["heat_ef"]["band"]
    for k, p in enumerate(ctx.submission.processes):
        for amount, factor, name, direction in ((p.heat_imported, p.heat_imported_ef, "heat_imported_ef", "imported"),
                                                (p.heat_exported, p.heat_exported_ef, "heat_exported_ef", "exported")):
            if finite(amount) and amount and finite(factor) and factor and not lo <= factor <= hi:
                ctx.report(f"processes[{k}].{name}", value=factor, expected=f"{lo:g}-{hi:g}",
                           process=p.name or p.id, direction=direction)
