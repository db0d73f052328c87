"""The workspace database: one SQLite file, its schema versioned by migrations (PRAGMA user_version)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Each migration moves the schema one version up; never edit a released one, add the next.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        status TEXT NOT NULL,               -- read | unreadable
        error TEXT
    );
    CREATE TABLE installations (
        id TEXT PRIMARY KEY,                -- stable identifier (installation_id())
        name TEXT, country_code TEXT, unlocode TEXT
    );
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sha256 TEXT NOT NULL UNIQUE REFERENCES files(sha256),
        installation_id TEXT NOT NULL REFERENCES installations(id),
        period_start TEXT, period_end TEXT,
        format TEXT, template_version TEXT,
        collected_at TEXT NOT NULL,
        errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
        superseded_by INTEGER REFERENCES submissions(id),
        model_json TEXT NOT NULL
    );
    CREATE TABLE findings (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        rule TEXT NOT NULL, severity TEXT NOT NULL, sheet TEXT, cell TEXT, path TEXT,
        message TEXT NOT NULL, fingerprint TEXT NOT NULL
    );
    CREATE TABLE products (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        row INTEGER NOT NULL, cn_code TEXT, name TEXT, process TEXT,
        see_direct REAL, see_indirect REAL, see_total REAL,
        carbon_price_effective REAL, currency TEXT
    );
    CREATE TABLE processes (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        process TEXT NOT NULL, name TEXT, category TEXT, see_direct REAL, see_indirect REAL
    );
    CREATE TABLE precursor_links (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        precursor TEXT NOT NULL,
        upstream_submission_id INTEGER NOT NULL REFERENCES submissions(id),
        see_declared REAL, see_upstream REAL
    );
    CREATE INDEX submissions_by_installation ON submissions(installation_id, period_start, period_end);
    CREATE INDEX products_by_cn ON products(cn_code);
    """,
]


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating on first use) and migrate the workspace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(f"{path}: workspace schema version {version} is newer than this toolkit knows "
                           f"({len(MIGRATIONS)}); upgrade cbam-exchange")
    for number in range(version, len(MIGRATIONS)):
        with db:
            db.executescript(MIGRATIONS[number])
            db.execute(f"PRAGMA user_version = {number + 1}")
    return db
