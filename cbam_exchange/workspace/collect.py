"""`cbam collect`: ingest every supplier file of some folders into the workspace.

Each file is read, validated and recomputed (in worker processes), then stored in its own transaction: an
interrupted run keeps what it stored, and the same file (same SHA-256) is never stored twice. A newer submission of
the same installation and period supersedes the older one, which is kept. A file that cannot be read is recorded
with its error and does not stop the batch.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.fileinfo import sha256_of

SUFFIXES = (".xlsx", ".xlsm", ".json")


@dataclass
class CollectSummary:
    stored: int = 0
    unchanged: int = 0
    unreadable: int = 0
    superseded: int = 0
    linked: int = 0
    errors: list[str] = field(default_factory=list)


def supplier_files(folders: Iterable[Path]) -> list[Path]:
    out = []
    for folder in folders:
        paths = [folder] if folder.is_file() else folder.rglob("*")
        for p in paths:
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")):
                out.append(p)
    return sorted(set(out))


def process_file(path: Path) -> dict[str, Any]:
    """Worker: everything the workspace stores about one file (plain data, cheap to send between processes)."""
    from cbam_exchange.checks.run import validate
    from cbam_exchange.model.identity import installation_id
    from cbam_exchange.readers import read_submission

    digest = sha256_of(path)
    try:
        submission = read_submission(path)
    except UnreadableInput as exc:
        return {"sha256": digest, "path": str(path), "error": exc.describe()}
    report = validate(submission)
    s = report.submission
    products = []
    for product, result in zip(s.products, report.result.products):
        effective = None
        if product.carbon_price_due is not None:
            effective = product.carbon_price_due - (product.rebate or 0.0)
        products.append((product.row, result.cn_code, product.name, result.process, result.see_direct,
                         result.see_indirect, result.see_total, effective, product.currency))
    processes = [(p.id, p.name, p.category, p.see_direct, p.see_indirect) for p in report.result.processes]
    precursors = [(pp.id, pp.category, pp.country_code, pp.see_direct) for pp in s.purchased_precursors]
    return {
        "sha256": digest, "path": str(path), "installation_id": installation_id(s),
        "installation": (s.installation.name, s.installation.country_code, s.installation.unlocode),
        "period": (s.reporting_period.start.isoformat() if s.reporting_period.start else None,
                   s.reporting_period.end.isoformat() if s.reporting_period.end else None),
        "format": s.source.format, "template_version": s.source.template_version,
        "summary": report.summary(), "model": s.to_dict(),
        "findings": [(f.rule, f.severity.value, f.sheet, f.cell, f.path, f.message, f.fingerprint)
                     for f in report.findings],
        "products": products, "processes": processes, "precursors": precursors,
    }


def _store(db: sqlite3.Connection, item: dict[str, Any], summary: CollectSummary) -> None:
    import json

    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with db:  # one transaction per file: an interruption loses nothing already stored
        if "error" in item:
            db.execute("INSERT INTO files VALUES (?, ?, ?, 'unreadable', ?)", (item["sha256"], item["path"], now,
                                                                               item["error"]))
            summary.unreadable += 1
            summary.errors.append(item["error"])
            return
        db.execute("INSERT INTO files VALUES (?, ?, ?, 'read', NULL)", (item["sha256"], item["path"], now))
        name, country, unlocode = item["installation"]
        db.execute("INSERT INTO installations VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                   (item["installation_id"], name, country, unlocode))
        start, end = item["period"]
        cur = db.execute(
            "INSERT INTO submissions (sha256, installation_id, period_start, period_end, format, template_version, "
            "collected_at, errors, warnings, model_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item["sha256"], item["installation_id"], start, end, item["format"], item["template_version"], now,
             item["summary"]["errors"], item["summary"]["warnings"], json.dumps(item["model"], ensure_ascii=False)))
        new_id = cur.lastrowid
        superseded = db.execute(
            "UPDATE submissions SET superseded_by = ? WHERE installation_id = ? AND period_start IS ? AND "
            "period_end IS ? AND id != ? AND superseded_by IS NULL", (new_id, item["installation_id"], start, end,
                                                                      new_id)).rowcount
        summary.superseded += superseded
        db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(new_id, *f) for f in item["findings"]])
        db.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(new_id, *p) for p in item["products"]])
        db.executemany("INSERT INTO processes VALUES (?, ?, ?, ?, ?, ?)", [(new_id, *p) for p in item["processes"]])
        summary.linked += _link_precursors(db, new_id, item)
        summary.stored += 1


def _link_precursors(db: sqlite3.Connection, submission_id: int, item: dict[str, Any]) -> int:
    """Link each purchased precursor to the one current upstream submission of its category, country and period."""
    start, end = item["period"]
    linked = 0
    for precursor, category, country, see_declared in item["precursors"]:
        rows = db.execute(
            "SELECT s.id, p.see_direct FROM submissions s JOIN installations i ON i.id = s.installation_id "
            "JOIN processes p ON p.submission_id = s.id WHERE s.superseded_by IS NULL AND s.id != ? AND "
            "i.country_code = ? AND p.category = ? AND s.period_start IS ? AND s.period_end IS ?",
            (submission_id, country, category, start, end)).fetchall()
        if len({r[0] for r in rows}) == 1:
            db.execute("INSERT INTO precursor_links VALUES (?, ?, ?, ?, ?)",
                       (submission_id, precursor, rows[0][0], see_declared, rows[0][1]))
            linked += 1
    return linked


def collect(db: sqlite3.Connection, folders: Iterable[Path], *, jobs: int = 0,
            progress: Callable[[int], None] | None = None) -> CollectSummary:
    import os

    summary = CollectSummary()
    known = {row[0] for row in db.execute("SELECT sha256 FROM files")}
    todo = []
    for path in supplier_files(folders):
        if sha256_of(path) in known:
            summary.unchanged += 1
            if progress:
                progress(1)
        else:
            todo.append(path)
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(todo) < 2:
        results: Iterable[dict[str, Any]] = map(process_file, todo)
        _drain(db, results, summary, known, progress)
        return summary
    import gc
    from concurrent.futures import ProcessPoolExecutor

    from cbam_exchange.workers import context

    gc.freeze()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context()) as pool:
        _drain(db, pool.map(process_file, todo, chunksize=4), summary, known, progress)
    return summary


def _drain(db: sqlite3.Connection, results: Iterable[dict[str, Any]], summary: CollectSummary, known: set[str],
           progress: Callable[[int], None] | None) -> None:
    for item in results:
        if item["sha256"] in known:  # the same content twice in this run
            summary.unchanged += 1
        else:
            _store(db, item, summary)
            known.add(item["sha256"])
        if progress:
            progress(1)
