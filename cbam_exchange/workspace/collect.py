"""`cbam collect`: ingest every supplier file of some folders into the workspace: workbooks, JSON submissions and
operators' Annex IV summary reports (JSON, workspace/summaries.py).

Each file is read, validated and recomputed (in worker processes, or on a Dask cluster), then stored in its own
transaction: an interrupted run keeps what it stored, and the same file (same SHA-256) is never stored twice, even by
two processes collecting at once. Which submission of an installation and reporting period is current is decided by
the file's own date (the workbook's core properties, a summary report's generated date; else its modification
time), never by its name. A file that cannot be read gets its one-line error, naming it, and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.fileinfo import sha256_of
from cbam_exchange.model.identity import IdentityKeys
from cbam_exchange.workspace.db import Workspace
from cbam_exchange.workspace.identity import registry_conflict, resolve
from cbam_exchange.workspace.precursors import Linkable, precursors_of, relink
from cbam_exchange.workspace.summaries import relink_summaries

SUFFIXES = (".xlsx", ".xlsm", ".json")
_CORE_DATE = re.compile(rb"<dcterms:(modified|created)[^>]*>([^<]{10,40})</dcterms:\1>")
# Submission s is current unless another of the same installation and period has a later file date (or the same
# date and was stored later). Decided when read: nothing to keep in step when two processes store at once.
CURRENT = ("NOT EXISTS (SELECT 1 FROM submissions t WHERE t.installation_id = s.installation_id "
           "AND COALESCE(t.period_start, '') = COALESCE(s.period_start, '') "
           "AND COALESCE(t.period_end, '') = COALESCE(s.period_end, '') "
           "AND (COALESCE(t.file_date, '') > COALESCE(s.file_date, '') "
           "OR (COALESCE(t.file_date, '') = COALESCE(s.file_date, '') AND t.id > s.id)))")


@dataclass
class CollectSummary:
    stored: int = 0
    unchanged: int = 0  # already in the workspace (an unreadable one also counts as unreadable)
    unreadable: int = 0
    superseded: int = 0
    older: int = 0  # stored, but an existing submission of the same installation and period is newer
    with_errors: int = 0
    linked: int = 0
    errors: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # precursors that could come from several suppliers


def supplier_files(folders: Iterable[Path]) -> list[Path]:
    out = []
    for folder in folders:
        paths = [folder] if folder.is_file() else folder.rglob("*")
        for p in paths:
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")):
                out.append(p)
    return sorted(set(out))


def file_date(path: Path, mtime: float) -> tuple[str, str]:
    """(UTC ISO date, where it comes from): a workbook's own modified (else created) date, else the file's
    modification time."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with zipfile.ZipFile(path) as z:
                core = z.read("docProps/core.xml")[:65536]
            found = {m[1]: m[2].decode("ascii", "replace").strip() for m in _CORE_DATE.finditer(core)}
            for kind in (b"modified", b"created"):
                if kind in found:
                    stamp = dt.datetime.fromisoformat(found[kind].replace("Z", "+00:00"))
                    if stamp.tzinfo is None:
                        stamp = stamp.replace(tzinfo=dt.UTC)
                    return _iso(stamp), f"workbook {kind.decode()} date"
        except (KeyError, OSError, ValueError, zipfile.BadZipFile):
            pass
    return _iso(dt.datetime.fromtimestamp(mtime, dt.UTC)), "file modification time"


def _iso(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def process_file(path: Path, name: str | None = None, mtime: float | None = None) -> dict[str, Any]:
    """Worker: everything the workspace stores about one file (plain data, cheap to send between processes). Never
    raises for one file: an unreadable file, or a bug met while reading it, comes back as its one-line error."""
    shown = name or str(path)
    try:
        digest = sha256_of(path)
        date, basis = file_date(path, path.stat().st_mtime if mtime is None else mtime)
        return _process(path, shown, digest, date, basis)
    except UnreadableInput as exc:
        exc.file = shown
        return {"sha256": _digest_or_name(path, shown), "path": shown, "error": exc.describe()}
    except Exception as exc:  # a bug met on this file: reported with the file named, the batch goes on
        return {"sha256": _digest_or_name(path, shown), "path": shown,
                "error": f"{shown}: internal error while reading: {type(exc).__name__}: {exc} (please report)"}


def process_bytes(name: str, data: bytes, mtime: float) -> dict[str, Any]:
    """Worker on a cluster: the file's bytes were sent; read them from a private temporary file."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cbam-") as tmp:
        target = Path(tmp) / f"file{Path(name).suffix.lower()}"
        target.write_bytes(data)
        return process_file(target, name, mtime)


def _digest_or_name(path: Path, shown: str) -> str:
    try:
        return sha256_of(path)
    except OSError:
        import hashlib
        return "unreadable:" + hashlib.sha256(shown.encode()).hexdigest()


def _summary_data(path: Path) -> dict[str, Any] | None:
    """The parsed JSON of an Annex IV summary report (told by its format near the top), else None."""
    if path.suffix.lower() != ".json":
        return None
    with path.open("rb") as fh:
        if b"cbam-exchange/annex-iv-" not in fh.read(4096):
            return None
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None  # the submission reader names what is wrong with it
    from cbam_exchange.readers.summary_report import is_summary_report

    return data if is_summary_report(data) else None


def _process(path: Path, shown: str, digest: str, date: str, basis: str) -> dict[str, Any]:
    data = _summary_data(path)
    if data is not None:
        from cbam_exchange.workspace.summaries import summary_item

        return summary_item(path, shown, digest, data)
    from cbam_exchange.checks.run import validate
    from cbam_exchange.model.identity import submission_keys
    from cbam_exchange.readers import read_submission

    # DP (missing definitive-period elements) goes to follow-up, it does not make the figures unusable
    report = validate(read_submission(path), ignore=["DP"])
    s = report.submission
    products = []
    for product, result in zip(s.products, report.result.products):
        effective = None
        if product.carbon_price_due is not None:
            effective = product.carbon_price_due - (product.rebate or 0.0)
        products.append((product.row, result.cn_code, product.name, result.process, result.see_direct,
                         result.see_indirect, result.see_total, effective, product.currency))
    processes = [(p.id, p.name, p.category, p.see_direct, p.see_indirect) for p in report.result.processes]
    registry = s.definitive.registry_installation_id if s.definitive else None
    keys = submission_keys(s)
    model = s.to_dict()
    precursors, origins = precursors_of(model)
    return {
        "sha256": digest, "path": shown, "keys": (keys.registry, keys.place), "file_date": date,
        "file_date_basis": basis, "registry_id": registry,
        "installation": (s.installation.name or s.installation.name_local, s.installation.country_code,
                         s.installation.unlocode),
        "period": (s.reporting_period.start.isoformat() if s.reporting_period.start else None,
                   s.reporting_period.end.isoformat() if s.reporting_period.end else None),
        "format": s.source.format, "template_version": s.source.template_version,
        "summary": report.summary(), "model": model,
        "findings": [(f.rule, f.severity.value, f.sheet, f.cell, f.path, f.message, f.fingerprint)
                     for f in report.findings],
        "products": products, "processes": processes, "precursors": precursors,
        "precursor_origins": origins,
    }


def _insert(conn: sa.Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    if rows:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
        conn.execute(sa.text(sql), [dict(zip(columns, r)) for r in rows])


def _store(db: Workspace, item: dict[str, Any], summary: CollectSummary) -> int | None:
    """Store one file's item; the new submission's id, or None where nothing new was stored."""
    now = _iso(dt.datetime.now(dt.UTC))
    with db.transaction() as conn:  # one transaction per file: an interruption loses nothing already stored
        claimed = conn.execute(sa.text(
            "INSERT INTO files (sha256, path, first_seen, status, error) VALUES (:sha, :path, :now, :status, "
            ":error) ON CONFLICT (sha256) DO NOTHING RETURNING sha256"),
            {"sha": item["sha256"], "path": item["path"], "now": now,
             "status": "unreadable" if "error" in item else "read", "error": item.get("error")}).first()
        if claimed is None:  # the same content stored meanwhile (another process, or twice in this run)
            stored = conn.execute(sa.text("SELECT error FROM files WHERE sha256 = :sha"),
                                  {"sha": item["sha256"]}).scalar()
            _seen(summary, stored)
            return None
        if "error" in item:
            summary.unreadable += 1
            summary.errors.append(item["error"])
            return None
        name, country, unlocode = item["installation"]
        conflict = registry_conflict(conn, IdentityKeys(*item["keys"]), country)
        if conflict:
            error = f"{item['path']}: {conflict}"
            conn.execute(sa.text("UPDATE files SET status = 'unreadable', error = :error WHERE sha256 = :sha"),
                         {"error": error, "sha": item["sha256"]})
            summary.unreadable += 1
            summary.errors.append(error)
            return None
        installation = resolve(conn, IdentityKeys(*item["keys"]), name, country, unlocode, item["registry_id"])
        start, end = item["period"]
        new_id = conn.execute(sa.text(
            "INSERT INTO submissions (sha256, installation_id, period_start, period_end, format, template_version, "
            "collected_at, errors, warnings, model_json, file_date, file_date_basis) VALUES (:sha, :inst, :start, "
            ":end, :format, :template, :now, :errors, :warnings, :model, :date, :basis) RETURNING id"),
            {"sha": item["sha256"], "inst": installation, "start": start, "end": end,
             "format": item["format"], "template": item["template_version"], "now": now,
             "errors": item["summary"]["errors"], "warnings": item["summary"]["warnings"],
             "model": json.dumps(item["model"], ensure_ascii=False), "date": item["file_date"],
             "basis": item["file_date_basis"]}).scalar_one()
        _insert(conn, "findings", ["submission_id", "rule", "severity", "sheet", "cell", "path", "message",
                                   "fingerprint"], [(new_id, *f) for f in item["findings"]])
        _insert(conn, "products", ["submission_id", "row", "cn_code", "name", "process", "see_direct",
                                   "see_indirect", "see_total", "carbon_price_effective", "currency"],
                [(new_id, *p) for p in item["products"]])
        _insert(conn, "processes", ["submission_id", "process", "name", "category", "see_direct", "see_indirect"],
                [(new_id, *p) for p in item["processes"]])
        current = conn.execute(sa.text(f"SELECT {CURRENT} FROM submissions s WHERE s.id = :id"),
                               {"id": new_id}).scalar()
        if current:
            summary.superseded += conn.execute(sa.text(
                "SELECT COUNT(*) FROM submissions s WHERE s.installation_id = :inst AND s.id != :id AND "
                "COALESCE(s.period_start, '') = COALESCE(:start, '') AND COALESCE(s.period_end, '') = "
                "COALESCE(:end, '')"), {"inst": installation, "id": new_id, "start": start,
                                        "end": end}).scalar()
        else:
            summary.older += 1
        summary.stored += 1
        summary.with_errors += 1 if item["summary"]["errors"] else 0
    return new_id


def collect(db: Workspace, folders: Iterable[Path], *, jobs: int = 0, scheduler: str | None = None,
            progress: Callable[[int], None] | None = None) -> CollectSummary:
    summary = CollectSummary()
    stored: list[Linkable] = []
    try:
        _collect(db, folders, jobs, scheduler, progress, summary, stored)
    finally:  # links are decided once the run's files are stored (an interrupted run links what it stored)
        summary.linked, summary.ambiguous = relink(db, CURRENT, stored)
        summary.linked += relink_summaries(db, CURRENT)
    return summary


def _collect(db: Workspace, folders: Iterable[Path], jobs: int, scheduler: str | None,
             progress: Callable[[int], None] | None, summary: CollectSummary,
             stored: list[Linkable]) -> None:
    known = {sha: error for sha, error in db.rows("SELECT sha256, error FROM files")}
    todo = []
    for path in supplier_files(folders):
        try:
            digest = sha256_of(path)
        except OSError as exc:
            summary.unreadable += 1
            summary.errors.append(f"{path}: cannot be read ({exc.strerror})")
            continue
        if digest in known:
            _seen(summary, known[digest])
            if progress:
                progress(1)
        else:
            todo.append(path)
    if scheduler:
        from cbam_exchange.cluster import run_on_cluster

        _drain(db, run_on_cluster(scheduler, todo), summary, progress, stored)
        return
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(todo) < 2:
        _drain(db, map(process_file, todo), summary, progress, stored)
        return
    import gc
    from concurrent.futures import ProcessPoolExecutor

    from cbam_exchange.workers import context

    gc.freeze()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context()) as pool:
        _drain(db, pool.map(process_file, todo, chunksize=4), summary, progress, stored)


def _seen(summary: CollectSummary, stored_error: str | None) -> None:
    """A file already in the workspace: unchanged, and still unreadable if it was (its error said again)."""
    summary.unchanged += 1
    if stored_error:
        summary.unreadable += 1
        summary.errors.append(f"{stored_error} (recorded before)")


def _drain(db: Workspace, results: Iterable[dict[str, Any]], summary: CollectSummary,
           progress: Callable[[int], None] | None, stored: list[Linkable]) -> None:
    for item in results:
        new_id = _store(db, item, summary)
        if new_id is not None:
            stored.append((new_id, item["period"], item["precursors"], item.get("precursor_origins") or {}))
        if progress:
            progress(1)


def listing(db: Workspace) -> list[dict[str, Any]]:
    """Every submission with its installation, period, file, the file's date and where it came from, and whether
    it is current, superseded (by which file) or unusable (errors)."""
    rows = db.rows(
        "SELECT s.id, s.installation_id, i.name, s.period_start, s.period_end, f.path, s.file_date, "
        f"s.file_date_basis, s.errors, CASE WHEN {CURRENT} THEN 1 ELSE 0 END FROM submissions s "
        "JOIN installations i ON i.id = s.installation_id JOIN files f ON f.sha256 = s.sha256 "
        "ORDER BY i.name, s.installation_id, s.period_start, s.file_date DESC, s.id DESC")
    out: list[dict[str, Any]] = []
    newest: dict[tuple[str, str | None, str | None], str] = {}
    for sid, inst, name, start, end, path, date, basis, errors, current in rows:
        key = (inst, start, end)
        state = "current" if current else f"superseded by {newest.get(key, '?')}"
        if current and errors:
            state = "current, not usable (errors)"
        newest.setdefault(key, path)
        out.append({"id": sid, "installation_id": inst, "name": name, "period": (start, end), "path": path,
                    "file_date": date, "file_date_basis": basis, "state": state})
    return out
