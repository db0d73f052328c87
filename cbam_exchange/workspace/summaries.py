"""Operator summary reports (Annex IV §1.2) in the importer's workspace: what `cbam collect` stores for one, and
what the chase list says about one.

A summary carries results, not inputs: its SEE per good (§1.2 (4)(a), (4)(c), (4)(d)), SEFA (4)(e), default-value
shares (4)(b) and precursor origins (12)-(16) take the place of a workbook's recomputed values. What the declarant
must chase: no CBAM Registry installation identifier (§1.2 (2)(b)), and actual values without a verifier's opinion
that covers them (IR 2025/2547 says nothing of how a summary shows its verification: not specified by IR 2025/2547;
the summary-report contract has an optional `verification` block for it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cbam_exchange.model.identity import identity_keys
from cbam_exchange.model.summary_report import SummaryReport


def summary_item(path: Path, shown: str, digest: str, data: dict[str, Any]) -> dict[str, Any]:
    """What the workspace stores about one summary report (the shape of collect's item for a submission)."""
    from cbam_exchange.readers.summary_report import read_summary_report

    report = read_summary_report(path, data)
    inst = report.installation
    keys = identity_keys(country=inst.get("country_code"), unlocode=inst.get("unlocode"), name=inst.get("name"),
                         latitude=inst.get("latitude"), longitude=inst.get("longitude"), operator=report.operator,
                         registry=report.registry_installation_id)
    products = []
    for g in report.goods:
        total = None if g.see_direct is None else g.see_direct + (g.see_indirect or 0.0)
        products.append((g.row, g.cn_code, g.name, g.process, g.see_direct, g.see_indirect, total, None, None))
    reasons = chase_reasons(report, Path(shown).name)
    return {
        "sha256": digest, "path": shown, "keys": (keys.registry, keys.place), "file_date": report.generated,
        "file_date_basis": "summary report generated date", "registry_id": report.registry_installation_id,
        "installation": (inst.get("name"), inst.get("country_code"), inst.get("unlocode")),
        "period": (report.period_start, report.period_end), "format": "annex-iv-summary-report",
        "template_version": None, "summary": {"errors": 0, "warnings": len(reasons)}, "model": report.to_dict(),
        "findings": [], "products": products, "processes": [], "precursors": [],
    }


def _origins(report: SummaryReport) -> list[tuple[Any, ...]]:
    """(precursor, Registry identifier, CN code, SEE, period) of each actual-valued precursor whose origin names a
    CBAM Registry identifier (§1.2 (16))."""
    return [(p.id, p.origin_registry_id, p.cn_code, p.see_direct, p.period_start, p.period_end)
            for p in report.precursors if p.values == "actual" and p.origin_registry_id]


def relink_summaries(db: Any, current: str) -> int:
    """Link the named precursors of every current summary report not linked yet to the current submission of the
    installation its origin names, for the precursor's reporting period, where one holds a good of its CN code:
    the origin is named, so nothing is guessed from category and country. Run once a run's files are stored, so
    that neither the order of files nor of runs decides a link. Links made."""
    import json

    import sqlalchemy as sa

    todo = db.rows(f"SELECT s.id, s.model_json FROM submissions s WHERE {current} AND s.format = "
                   "'annex-iv-summary-report' AND NOT EXISTS (SELECT 1 FROM precursor_links l WHERE "
                   "l.submission_id = s.id)")
    linked = 0
    with db.transaction() as conn:
        for submission_id, model in todo:
            for precursor, registry, cn, see, start, end in _origins(SummaryReport.from_dict(json.loads(model))):
                rows = conn.execute(sa.text(
                    "SELECT DISTINCT s.id, p.see_direct FROM installation_keys k JOIN submissions s ON "
                    f"s.installation_id = k.installation_id JOIN products p ON p.submission_id = s.id WHERE k.key = "
                    f":key AND {current} AND s.id != :id AND COALESCE(s.period_start, '') = COALESCE(:start, '') "
                    "AND COALESCE(s.period_end, '') = COALESCE(:end, '') AND p.cn_code = :cn"),
                    {"key": "registry|" + registry.strip().upper(), "id": submission_id, "start": start,
                     "end": end, "cn": cn}).all()
                if len({r[0] for r in rows}) == 1:
                    conn.execute(sa.text(
                        "INSERT INTO precursor_links (submission_id, precursor, upstream_submission_id, "
                        "see_declared, see_upstream) VALUES (:s, :p, :u, :d, :up)"),
                        {"s": submission_id, "p": precursor, "u": rows[0][0], "d": see,
                         "up": max((r[1] for r in rows if r[1] is not None), default=None)})
                    linked += 1
    return linked


def actual_values(report: SummaryReport) -> list[str]:
    """The summary's values that rest on actual data: each good's SEE unless its default share is 100 %, and the
    SEE of each precursor on actual values."""
    out = [f"item (4)(a) SEE of row {g.row} (CN {g.cn_code or '?'})" for g in report.goods
           if g.see_direct is not None and g.default_share != 100]
    out += [f"item (13) SEE of precursor {p.id}" for p in report.precursors
            if p.values == "actual" and p.see_direct is not None]
    return out


def far_above_default(report: SummaryReport) -> list[str]:
    """Goods whose SEE is more than the plausibility tolerance (or the default's own mark-up) above the default value
    of the summary's period: the check a workbook's SEE gets as PH-001, here where a typing error would otherwise
    multiply the declaration's certificates silently. Only above: a summary does not show the route that makes a
    low value plausible."""
    from cbam_exchange.reference import plausibility
    from cbam_exchange.reference.tables import applicable_default

    if not report.period_start or not report.goods:
        return []
    tolerance = plausibility()["see_versus_default"]["above_tolerance_pct"]
    out = []
    for g in report.goods:
        dv = applicable_default(g.cn_code, report.installation.get("country_code"), int(report.period_start[:4]))
        if g.see_direct is None or dv is None or not dv.total:
            continue
        ours, theirs = ((g.see_direct, dv.direct or dv.total) if dv.indirect is None
                        else (g.see_direct + (g.see_indirect or 0.0), dv.total))
        if theirs and ours > theirs * (1 + max(dv.markup_pct or 0.0, tolerance) / 100):
            out.append(f"item (4)(a) SEE of row {g.row} (CN {g.cn_code}) is {ours:g}, {ours / theirs:.3g} times the "
                       f"default value {theirs:g} ({dv.table})")
    return out


def chase_reasons(report: SummaryReport, file: str) -> list[str]:
    """What to ask the supplier for, each naming the Annex IV §1.2 item and the file."""
    reasons = [f"summary report {file}: {text}: confirm it or correct it" for text in far_above_default(report)]
    if not report.registry_installation_id:
        reasons.append(f"summary report {file}: Annex IV §1.2 item (2)(b), the installation's unique identifier in "
                       "the CBAM Registry, is not provided")
    actual = actual_values(report)
    if actual and not report.verified:
        opinion = (report.verification or {}).get("opinion")
        state = f"the verifier's opinion is {opinion!r}" if opinion else "no verifier's opinion is attached"
        reasons.append(f"summary report {file}: actual values not verified ({state}): "
                       + "; ".join(actual[:5]) + (f"; and {len(actual) - 5} more" if len(actual) > 5 else ""))
    return reasons


def precursor_origins(report: SummaryReport) -> str | None:
    """The summary's precursors with their values and origin (§1.2 (12), (13), (16)), for the declaration's lines."""
    parts = []
    for p in report.precursors:
        text = f"{p.id} {p.cn_code or ''} {p.name or ''}".replace("  ", " ").strip() + f", {p.values} values"
        origin = [x for x in (p.origin_operator, p.origin_installation) if x]
        if p.origin_registry_id:
            origin.append(f"Registry {p.origin_registry_id}")
        if origin:
            text += ", from " + ", ".join(origin)
        elif p.country_code:
            text += f", {p.country_code}"
        parts.append(text)
    return "; ".join(parts) or None


def summary_chase(model_json: str, path: str) -> list[str]:
    """The chase reasons of a stored summary report (its model as the workspace keeps it)."""
    import json

    return chase_reasons(SummaryReport.from_dict(json.loads(model_json)), Path(path).name)


def summary_details(model: dict[str, Any], row: int, year: int) -> tuple[float | None, str, float | None, str | None]:
    """(SEFA per unit, how, default share %, precursor origins) of product `row` of a stored summary report. The
    summary's SEFA is for its own free-allocation year; for another year it is scaled by the two CBAM factors
    (SEFA is benchmark x CBAM factor x CSCF, IR 2025/2620)."""
    from cbam_exchange.reference.tables import cbam_factor

    report = SummaryReport.from_dict(model)
    good = next((g for g in report.goods if g.row == row), None)
    origins = precursor_origins(report)
    if good is None or good.sefa is None:
        return (None, "free-allocation adjustment unknown (the summary report does not provide Annex IV §1.2 item "
                "(4)(e)): counted as 0", good.default_share if good else None, origins)
    how = f"SEFA {good.sefa:g} of the summary report, Annex IV §1.2 item (4)(e)"
    own = report.free_allocation_year
    if own is None or own == year:
        return good.sefa, how, good.default_share, origins
    theirs, ours = cbam_factor(own), cbam_factor(year)
    if not theirs or ours is None:
        return (None, f"free-allocation adjustment unknown (the summary's SEFA is for {own}, and the CBAM factor of "
                f"{own} or {year} is not known): counted as 0", good.default_share, origins)
    return (good.sefa * ours / theirs, f"{how}, for {own}, scaled by the CBAM factors {ours:g} ({year}) / {theirs:g} "
            f"({own})", good.default_share, origins)


def submission_origins(submission: Any) -> str | None:
    """A workbook's or JSON submission's purchased precursors told as a summary report tells them (§1.2 (12)-(16)):
    actual or default values by the SEE source, origin from the definitive-period data where the file has it."""
    from cbam_exchange.model.summary_report import SummaryPrecursor

    definitive = {p.precursor_id: p for p in (submission.definitive.precursors if submission.definitive else [])}
    out = []
    for pp in submission.purchased_precursors:
        extra = definitive.get(pp.id)
        source = (pp.see_direct_source or "").strip().casefold()
        values = (extra.values if extra and extra.values else
                  "default" if source == "default" else "actual" if source == "measured" else "unstated")
        origin = extra.origin if extra else None
        out.append(SummaryPrecursor(pp.id, values, extra.cn_code if extra else None, pp.name, pp.country_code,
                                    pp.see_direct, origin_operator=origin.operator if origin else None,
                                    origin_installation=origin.installation if origin else None,
                                    origin_registry_id=origin.registry_id if origin else None))
    return precursor_origins(SummaryReport(None, None, None, None, {}, None, None, precursors=out))
