"""Purchased precursors linked to the upstream supplier's own submission in the workspace (issue 6 item 2).

A link is made only when it is certain: the submission names the producing installation (its definitive-period
data: the CBAM Registry identifier, else the installation's name and country), or exactly one current submission
of another installation makes that category in that country for that period. Where several could be the producer,
or the precursor lacks its category or country, nothing is picked: the ambiguity is stored as a warning finding of
the downstream submission naming the candidates, and the declaration chases it. A link only serves comparison: the
declared figures always rest on the precursor SEE that the downstream submission itself declares (its measured
value, else the default value it states), never on a linked or guessed upstream value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa

from cbam_exchange.workspace.db import Workspace

# (submission id, period, purchased precursors, producers named): what deciding a submission's links needs
Linkable = tuple[int, tuple[str | None, str | None], list[tuple[Any, ...]], dict[str, tuple[Any, ...]]]
AMBIGUOUS = "LINK-AMBIGUOUS"  # stored finding of a downstream submission: its producer could not be decided


def precursors_of(model: dict[str, Any]) -> tuple[list[tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """From a submission's canonical JSON: its purchased precursors (id, category, country, SEE direct declared),
    and precursor id -> (Registry identifier, installation name, country) of the producer the file names."""
    precursors = [(p.get("id"), p.get("category"), p.get("country_code"), p.get("see_direct"))
                  for p in model.get("purchased_precursors") or []]
    origins = {}
    for p in (model.get("definitive") or {}).get("precursors") or []:
        o = p.get("origin") or {}
        if o.get("registry_id") or o.get("installation"):
            origins[p.get("precursor_id")] = (o.get("registry_id"), o.get("installation"), o.get("country_code"))
    return precursors, origins


def _candidates(conn: sa.Connection, current: str, submission_id: int, category: str | None, country: str | None,
                period: tuple[str | None, str | None]) -> list[tuple[int, str, str | None, float | None]]:
    """(submission, installation id, name, SEE direct) of every other current submission with a process of this
    category (and country, where given) in this period."""
    sql = ("SELECT DISTINCT s.id, i.id, i.name, p.see_direct FROM submissions s "
           "JOIN installations i ON i.id = s.installation_id JOIN processes p ON p.submission_id = s.id "
           f"WHERE {current} AND s.id != :id AND s.installation_id != (SELECT installation_id FROM submissions "
           "WHERE id = :id) AND p.category = :category AND COALESCE(s.period_start, '') = COALESCE(:start, '') "
           "AND COALESCE(s.period_end, '') = COALESCE(:end, '')")
    params: dict[str, Any] = {"id": submission_id, "category": category, "start": period[0], "end": period[1]}
    if country:
        sql += " AND i.country_code = :country"
        params["country"] = country
    rows = conn.execute(sa.text(sql + " ORDER BY i.id, s.id"), params).all()
    first: dict[int, tuple[int, str, str | None, float | None]] = {}
    for sid, inst, name, see in rows:  # one row per submission (its first process of the category)
        first.setdefault(sid, (sid, inst, name, see))
    return list(first.values())


def _named(conn: sa.Connection, current: str, origin: tuple[str | None, str | None, str | None],
           period: tuple[str | None, str | None]) -> list[int]:
    """Current submissions, for this period, of the installation a precursor's origin names."""
    registry, name, country = origin
    if registry and registry.strip():
        where, params = "UPPER(TRIM(i.registry_id)) = :key", {"key": registry.strip().upper()}
    else:
        where, params = "LOWER(TRIM(i.name)) = :key", {"key": (name or "").strip().lower()}
        if country:
            where += " AND i.country_code = :country"
            params["country"] = country
    return [r[0] for r in conn.execute(sa.text(
        f"SELECT s.id FROM submissions s JOIN installations i ON i.id = s.installation_id WHERE {current} AND "
        f"{where} AND COALESCE(s.period_start, '') = COALESCE(:start, '') AND COALESCE(s.period_end, '') = "
        "COALESCE(:end, '') ORDER BY s.id"), {**params, "start": period[0], "end": period[1]}).all()]


def link_precursors(conn: sa.Connection, current: str, submission_id: int, period: tuple[str | None, str | None],
                    precursors: list[tuple[Any, ...]], origins: dict[str, tuple[Any, ...]]) -> tuple[int, list[str]]:
    """(Re)decide the links of one submission's purchased precursors; (links made, ambiguities told)."""
    conn.execute(sa.text("DELETE FROM precursor_links WHERE submission_id = :id"), {"id": submission_id})
    conn.execute(sa.text(f"DELETE FROM findings WHERE submission_id = :id AND rule = '{AMBIGUOUS}'"),
                 {"id": submission_id})
    links, findings, told = [], [], []
    for precursor, category, country, see_declared in precursors:
        origin = origins.get(precursor)
        if origin is not None:  # explicit: the file names its producer
            named = _named(conn, current, origin, period)
            if len(named) == 1:
                see = conn.execute(sa.text("SELECT see_direct FROM processes WHERE submission_id = :s AND "
                                           "category = :c ORDER BY process"), {"s": named[0], "c": category}).scalar()
                links.append((submission_id, precursor, named[0], see_declared, see))
            candidates = [c for c in _candidates(conn, current, submission_id, category, None, period)
                          if c[0] in named] if len(named) > 1 else []
            why = f"the producer it names, {origin[1] or origin[0]}, fits {len(named)} installations"
        else:
            candidates = _candidates(conn, current, submission_id, category, country, period) if category else []
            if len(candidates) == 1 and country:
                links.append((submission_id, precursor, candidates[0][0], see_declared, candidates[0][3]))
                continue
            why = "no country of origin is given" if not country else f"{len(candidates)} suppliers make it there"
        if candidates:
            names = "; ".join(f"{name or inst} ({inst}, submission {sid})" for sid, inst, name, _ in candidates)
            text = (f"purchased precursor {precursor} ({category}{', ' + country if country else ''}) could come "
                    f"from any of: {names}; {why}, so it is not linked to any of them and the SEE this submission "
                    "declares for it is used; name the producer (its CBAM Registry identifier) to link it")
            findings.append(_finding(submission_id, AMBIGUOUS, precursor, text))
            told.append(text)
    if links:
        conn.execute(sa.text(
            "INSERT INTO precursor_links (submission_id, precursor, upstream_submission_id, see_declared, "
            "see_upstream) VALUES (:a, :b, :c, :d, :e)"), [dict(zip("abcde", r)) for r in links])
    if findings:
        conn.execute(sa.text(
            "INSERT INTO findings (submission_id, rule, severity, sheet, cell, path, message, fingerprint) VALUES "
            "(:a, :b, 'warning', 'E_PurchPrec', NULL, :c, :d, :e)"), [dict(zip("abcde", f)) for f in findings])
    return len(links), told


def _finding(submission_id: int, rule: str, precursor: str, text: str) -> tuple[int, str, str, str, str]:
    digest = hashlib.sha256(f"{rule}|{precursor}|{text}".encode()).hexdigest()[:16]
    return (submission_id, rule, f"purchased_precursors.{precursor}", text, digest)


def precursor_chase(db: Workspace, current: str) -> dict[str, list[str]]:
    """Installation -> what to chase about the precursors of its current submissions (the stored findings)."""
    out: dict[str, list[str]] = {}
    for inst, message in db.rows(
            "SELECT s.installation_id, f.message FROM findings f JOIN submissions s ON s.id = f.submission_id "
            f"WHERE {current} AND f.rule = '{AMBIGUOUS}' ORDER BY s.id, f.path"):
        out.setdefault(inst, []).append(message)
    return out


def relink(db: Workspace, current: str, stored: list[Linkable]) -> tuple[int, list[str]]:
    """After a run stored `stored`: decide the links of those submissions, and of earlier
    current ones without any link or link finding (their producer may have arrived now), so that neither the order
    of files nor of runs decides a link. (links made, ambiguities told)."""
    if not stored:
        return 0, []
    todo = list(stored)
    done = {item[0] for item in stored}
    for sid, start, end, model in db.rows(
            f"SELECT s.id, s.period_start, s.period_end, s.model_json FROM submissions s WHERE {current} AND "
            "NOT EXISTS (SELECT 1 FROM precursor_links l WHERE l.submission_id = s.id) AND NOT EXISTS (SELECT 1 "
            f"FROM findings f WHERE f.submission_id = s.id AND f.rule = '{AMBIGUOUS}')"):
        if sid not in done and '"purchased_precursors"' in model:
            todo.append((sid, (start, end), *precursors_of(json.loads(model))))
    linked, told = 0, []
    with db.transaction() as conn:
        for sid, period, precursors, origins in todo:
            if precursors:
                n, t = link_precursors(conn, current, sid, period, precursors, origins)
                linked, told = linked + n, told + t
    return linked, told
