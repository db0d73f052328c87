"""MZ (continued): inputs required only in some cases. Missing is "not provided", never zero: a stream without the
input its method needs contributes no emissions (the installation total is then a lower bound), a precursor
without SEE leaves every good that uses it without SEE."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite, key

_PER_TJ = "tco2/tj"


def _streams(ctx: CheckContext, method: str | None = None):
    for k, stream in enumerate(ctx.submission.emissions.source_streams):
        if stream.activity_data is None and stream.name is None:
            continue  # an unused row
        if method is None or key(stream.method) == method:
            yield k, stream


@rule("MZ-004", "stream-without-ncv", "error",
      "{stream}: the emission factor is per TJ but no net calorific value is given; the stream's emissions are "
      "not provided (not 0), so the installation total lacks them.",
      rationale="With an emission factor in tCO2/TJ the energy content (activity data x NCV) is what the factor "
                "applies to; without the NCV the stream cannot be computed and must not count as zero.",
      remedy="Enter the NCV in GJ/t (or GJ/1000 Nm3) in B_EmInst column H, or give the factor per t.",
      reference="IR (EU) 2025/2547 Annex II B.3.1 (Eq. 1); template B_EmInst H",
      bad=Example({"emissions.source_streams[2].ncv": None}, "emissions.source_streams[2].ncv", "B_EmInst!H19"),
      good=Example({}))
def stream_without_ncv(ctx: CheckContext) -> None:
    for k, stream in _streams(ctx):
        if key(stream.method) in ("combustion", "process emissions") and key(stream.ef_unit) == _PER_TJ \
                and stream.ncv is None:
            ctx.report(f"emissions.source_streams[{k}].ncv", stream=stream.name or f"B_EmInst row {stream.row}")


@rule("MZ-005", "stream-without-ef", "error",
      "{stream}: a {method} stream without an emission factor; its emissions are not provided (not 0).",
      rationale="A combustion or process-emission stream is computed as activity data x emission factor; without "
                "the factor it contributes nothing and the installation's emissions are understated.",
      remedy="Enter the emission factor and its unit (B_EmInst J and K).",
      reference="IR (EU) 2025/2547 Annex II B.3.1 (Eq. 1 and 2)",
      bad=Example({"emissions.source_streams[3].ef": None}, "emissions.source_streams[3].ef", "B_EmInst!J20"),
      good=Example({}))
def stream_without_ef(ctx: CheckContext) -> None:
    for k, stream in _streams(ctx):
        if key(stream.method) in ("combustion", "process emissions") and stream.ef is None:
            ctx.report(f"emissions.source_streams[{k}].ef", stream=stream.name or f"B_EmInst row {stream.row}",
                       method=stream.method)


@rule("MZ-006", "mass-balance-without-carbon", "error",
      "{stream}: a mass-balance stream without a carbon content; its emissions are not provided (not 0).",
      rationale="A mass-balance stream is activity data x carbon content x 3.664; without the carbon content the "
                "carbon entering or leaving the installation is not counted.",
      remedy="Enter the carbon content in tC/t (B_EmInst L).",
      reference="IR (EU) 2025/2547 Annex II B.3.2 (Eq. 12)",
      bad=Example({"emissions.source_streams[0].carbon_content": None}, "emissions.source_streams[0].carbon_content",
                  "B_EmInst!L17"),
      good=Example({}))
def mass_balance_without_carbon(ctx: CheckContext) -> None:
    for k, stream in _streams(ctx, "mass balance"):
        if stream.carbon_content is None:
            ctx.report(f"emissions.source_streams[{k}].carbon_content",
                       stream=stream.name or f"B_EmInst row {stream.row}")


@rule("MZ-007", "precursor-without-see", "error",
      "{precursor}: {amount} t are consumed but no SEE (direct) is given; the SEE of every good using it is not "
      "provided (not 0).",
      rationale="A purchased precursor carries its embedded emissions into the goods made from it; without its SEE "
                "those goods cannot be valued, and a blank must never count as an emission-free precursor.",
      remedy="Enter the precursor's SEE from its producer's verified data, or its default value (E_PurchPrec (d)).",
      reference="IR (EU) 2025/2547 Annex II A.1(4)-(5) and Annex III B; methodology 10.8 D1",
      bad=Example({"purchased_precursors[0].see_direct": None}, "purchased_precursors[0].see_direct",
                  "E_PurchPrec!L49"),
      good=Example({}))
def precursor_without_see(ctx: CheckContext) -> None:
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        consumed = sum(u.amount for u in pp.consumed_by if finite(u.amount))
        if consumed and pp.see_direct is None:
            ctx.report(f"purchased_precursors[{k}].see_direct", precursor=pp.name or pp.id,
                       amount=f"{consumed:,.0f}")


@rule("MZ-008", "emissions-without-production", "error",
      "{process}: {value} tCO2e are attributed but the production is {production}; the SEE is undefined, not 0.",
      rationale="Specific embedded emissions are emissions per tonne produced; with no production the emissions of "
                "the process cannot go into any good, and the template would show 0 where nothing can be computed.",
      remedy="Enter the process's production per route (D_Processes (a)), or move its emissions to the process "
             "that produces.",
      reference="IR (EU) 2025/2547 Annex III B (SEE = AttrEm / AL)",
      bad=Example({"processes[3].production[0].amount": 0}, "processes[3].production[0].amount",
                  "D_Processes!L211"),
      good=Example({}))
def emissions_without_production(ctx: CheckContext) -> None:
    for k, process in enumerate(ctx.submission.processes):
        amounts = [r.amount for r in process.production if finite(r.amount)]
        level = sum(amounts) if amounts else None
        if finite(process.direct_emissions) and process.direct_emissions and not level:
            path = f"processes[{k}].production[0].amount" if process.production else f"processes[{k}].production"
            ctx.report(path, value=process.direct_emissions, process=process.name or process.id,
                       production="0" if level == 0 else "not provided")
