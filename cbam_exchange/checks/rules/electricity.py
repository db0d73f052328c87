"""EL: electricity consumed and its emission factor (methodology 4.4, 10.6, 10.7)."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext

# Template codes of the electricity EF source that claim something other than the Commission's default factor.
# The mapping of the codes to the rules of IR 2025/2547 Annex II D.4 is read from the template's labels and is
# UNCONFIRMED against the OJ.
ACTUAL_SOURCES = {"d.4.1", "d.4.2", "d.4.3.1", "d.4.3.2", "mix"}


def _electricity_users(ctx: CheckContext):
    for k, p in enumerate(ctx.submission.processes):
        yield f"processes[{k}]", p.name or p.id, p.electricity_ef, p.electricity_ef_source
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        yield f"purchased_precursors[{k}]", pp.name or pp.id, pp.electricity_ef, pp.electricity_ef_source


@rule("EL-001", "actual-ef-needs-evidence", "warning",
      "{who}: electricity emission factor {factor} is claimed from source {value}, which needs evidence.",
      rationale="An emission factor other than the Commission's default is allowed only with a direct technical "
                "link or a power purchase agreement, backed by a single-line diagram or contract, hourly matched "
                "metering and proof of a physical grid connection.",
      remedy="Keep the contract, the hourly metering and the grid-connection evidence for the verifier, or use "
             "the default factor (D.4(a)).",
      reference="Reg. (EU) 2023/956 Annex IV pt 6; IR (EU) 2025/2547 Annex II D.4.3 (code mapping UNCONFIRMED)",
      bad=Example({"processes[3].electricity_ef_source": "D.4.3.2"}, "processes[3].electricity_ef_source",
                  "D_Processes!L262"),
      good=Example({}))
def actual_ef(ctx: CheckContext) -> None:
    for prefix, who, factor, source in _electricity_users(ctx):
        if (source or "").strip().casefold() in ACTUAL_SOURCES:
            ctx.report(f"{prefix}.electricity_ef_source", value=source, who=who, factor=factor)


@rule("EL-002", "ef-out-of-range", "error",
      "{who}: electricity emission factor {value} tCO2/MWh is outside 0..1.3.",
      rationale="No grid or power plant emits more than about 1.3 t CO2 per MWh (lignite) or less than nothing.",
      remedy="Enter the factor in tCO2/MWh (not kg or g per kWh).",
      reference="Methodology 10.6 and 10.7 L4",
      bad=Example({"processes[3].electricity_ef": 1.8}, "processes[3].electricity_ef", "D_Processes!L261"),
      good=Example({}))
def ef_range(ctx: CheckContext) -> None:
    for prefix, who, factor, _ in _electricity_users(ctx):
        if factor is not None and not 0 <= factor <= 1.3:
            ctx.report(f"{prefix}.electricity_ef", value=factor, expected="0..1.3", who=who)
