"""EL: electricity consumed and its emission factor (methodology 4.4, 10.6, 10.7)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, by_key, finite, key
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.country_data import grid_factor
from cbam_exchange.reference.tables import LAST_TRANSITIONAL_YEAR, cn_codes


def indirect_priced(category: str | None) -> bool | None:
    """Whether the indirect emissions of goods of a category are priced in the definitive period (not in Annex II
    of Reg. (EU) 2023/956); None for an unknown category."""
    return _priced_by_category().get(key(category))


@cache
def _priced_by_category() -> dict[str, bool]:
    """Category -> whether any of its CN codes has its indirect emissions priced: derived once per process from
    the CN table (asked for every process and precursor of every file)."""
    priced: dict[str, bool] = {}
    for code in cn_codes().values():
        category = key(code.category)
        priced[category] = priced.get(category, False) or code.indirect_counted
    return priced


def _users(ctx: CheckContext) -> Iterator[tuple[str, str, float | None, str | None, bool | None]]:
    """(path prefix, name, factor, source, indirect priced) per process and purchased precursor; a purchased
    precursor's indirect emissions are priced where those of a good it goes into are."""
    by_id = {p.id: p for p in ctx.submission.processes}
    for k, p in enumerate(ctx.submission.processes):
        yield f"processes[{k}]", p.name or p.id, p.electricity_ef, p.electricity_ef_source, indirect_priced(p.category)
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        consumers = [by_id[u.process] for u in pp.consumed_by if u.process in by_id and u.amount]
        priced = [indirect_priced(c.category) for c in consumers] or [indirect_priced(pp.category)]
        yield (f"purchased_precursors[{k}]", pp.name or pp.id, pp.electricity_ef, pp.electricity_ef_source,
               None if all(v is None for v in priced) else any(bool(v) for v in priced))


def _claims(ctx: CheckContext, priced: bool) -> Iterator[tuple[str, str, float | None, str, dict]]:
    for prefix, who, factor, source, is_priced in _users(ctx):
        spec = by_key(plausibility()["electricity_ef_sources"], source)
        if isinstance(spec, dict) and spec["actual"] and bool(is_priced) == priced:
            yield prefix, who, factor, source or "", spec


@rule("EL-001", "actual-ef-needs-evidence", "warning",
      "{who}: electricity emission factor {factor} tCO2/MWh is claimed as {meaning} (source {value}): {evidence}.",
      rationale="For goods whose indirect emissions count, a factor other than the Commission's default is allowed "
                "only with the evidence its source requires: a direct technical link or a PPA needs the contract or "
                "diagram, hourly metering and proof of a physical connection; own generation and CHP need their "
                "own monitored emissions; a mix needs the weighted average of its sources.",
      remedy="Keep the evidence named in the finding for the verifier, or use the Commission's default factor "
             "(D.4(a)).",
      reference="Reg. (EU) 2023/956 Annex IV pt 6; IR (EU) 2025/2547 Art. 9 and Annex II D.4.3 (code mapping "
                "UNCONFIRMED)",
      bad=Example({"processes[0].electricity_ef_source": "D.4.3.2"}, "processes[0].electricity_ef_source",
                  "D_Processes!L67", base="cement-clinker-two-cements"),
      good=Example({"processes[0].electricity_ef_source": "D.4(a)"}, base="cement-clinker-two-cements"))
def actual_ef(ctx: CheckContext) -> None:
    for prefix, who, factor, source, spec in _claims(ctx, priced=True):
        ctx.report(f"{prefix}.electricity_ef_source", value=source, who=who, factor=factor,
                   meaning=spec["meaning"], evidence=spec["evidence"])


@rule("EL-003", "actual-ef-indirect-not-priced", "info",
      "{who}: electricity emission factor {factor} tCO2/MWh is claimed as {meaning} (source {value}); the "
      "indirect emissions of these goods are not priced (Annex II), so the choice does not change what is paid.",
      rationale="For iron and steel, aluminium and hydrogen only direct emissions are priced in the definitive "
                "period; their indirect emissions are reported for information, so an actual factor needs no PPA "
                "or direct-link evidence to be declared.",
      remedy="Nothing to fix; keep the basis of the factor for the record.",
      reference="Reg. (EU) 2023/956 Art. 7(1) and Annex II; IR (EU) 2025/2547 Annex IV item 15(e)",
      bad=Example({"processes[3].electricity_ef_source": "D.4.3.2"}, "processes[3].electricity_ef_source",
                  "D_Processes!L262"),
      good=Example({}))
def actual_ef_not_priced(ctx: CheckContext) -> None:
    for prefix, who, factor, source, spec in _claims(ctx, priced=False):
        ctx.report(f"{prefix}.electricity_ef_source", value=source, who=who, factor=factor,
                   meaning=spec["meaning"])


@rule("EL-002", "ef-out-of-range", "error",
      "{who}: electricity emission factor {value} tCO2/MWh is outside {expected}.",
      rationale="No grid or power plant emits more than about 1.3 t CO2 per MWh (lignite) or less than nothing.",
      remedy="Enter the factor in tCO2/MWh (not kg or g per kWh).",
      reference="Methodology 10.6 and 10.7 L4",
      bad=Example({"processes[3].electricity_ef": 1.8}, "processes[3].electricity_ef", "D_Processes!L261"),
      good=Example({}))
def ef_range(ctx: CheckContext) -> None:
    lo, hi = plausibility()["bands"]["electricity_ef"]
    for prefix, who, factor, _, _ in _users(ctx):
        if factor is not None and not (finite(factor) and lo <= factor <= hi):
            ctx.report(f"{prefix}.electricity_ef", value=factor, expected=f"{lo:g}..{hi:g}", who=who)


@rule("EL-004", "default-ef-not-commission", "warning",
      "{who}: the electricity factor {value} tCO2/MWh is declared as the Commission's default (D.4(a)), but the "
      "default for {country} is {expected} ({confirmation}).",
      rationale="Source D.4(a) means the Commission's default factor of the country; any other figure under that "
                "label is an actual factor without its evidence, or an outdated or foreign grid factor.",
      remedy="Enter the Commission's default factor for the country, or declare the factor's real source.",
      reference="IR (EU) 2025/2621 Annex II; IR (EU) 2025/2547 Annex II D.4; methodology 10.6 G4 (grid table "
                "PARTIAL)",
      bad=Example({"installation.country_code": "BR", "installation.country": "Brazil",
                   "installation.unlocode": "BRSSZ", "installation.latitude": -23.96,
                   "installation.longitude": -46.33}, "processes[0].electricity_ef", "D_Processes!L66"),
      good=Example({}))
def default_ef_not_commission(ctx: CheckContext) -> None:
    if ctx.year <= LAST_TRANSITIONAL_YEAR:
        return  # transitional grid factors came through the Registry, not in a published table
    grid = grid_factor(ctx.submission.installation.country_code)
    if grid is None:
        return
    for prefix, who, factor, source, _ in _users(ctx):
        if not prefix.startswith("processes") or key(source) != "d.4(a)" or not finite(factor):
            continue
        if abs(factor - grid.tco2_per_mwh) > max(0.0005, grid.tco2_per_mwh * 0.005):
            ctx.report(f"{prefix}.electricity_ef", value=factor, expected=grid.tco2_per_mwh, who=who,
                       country=grid.iso2, confirmation=grid.confirmation)
