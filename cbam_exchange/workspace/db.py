"""The workspace database: a SQLite file (the embedded default) or a PostgreSQL database a compliance team shares,
chosen by URL, with one schema kept by one migration tool (Alembic, migrations/) for both.

`--db workspace.sqlite` is a file; `--db postgresql://user@host/db` a server (driven by psycopg 3). Writes run in
short transactions; on SQLite each begins IMMEDIATE so that two processes collecting at once wait for each other
instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from cbam_exchange.errors import UnreadableInput

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0004"  # the newest revision in migrations/versions (a test holds them equal)
_LEGACY_VERSION = 1  # PRAGMA user_version of workspaces made before Alembic: the schema of revision 0001


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a path or a URL given on the command line (postgresql:// means psycopg 3)."""
    text = str(target)
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix):]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).resolve()}"


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


class Workspace:
    """An open workspace: `rows`/`scalar` for reading, `transaction()` for a unit of writes."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine, self.name = engine, name
        self.dialect = engine.dialect.name

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: str, *, foreign_keys: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 120})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi.cursor()
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _migrate(url: str) -> None:
    """Bring the schema to HEAD with Alembic (a workspace made before Alembic is first stamped at 0001)."""
    from alembic import command
    from alembic.config import Config

    engine = _engine(url, foreign_keys=False)  # SQLite rebuilds tables in a migration: no cascade checks meanwhile
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two processes opening a new database: one migrates, one waits
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242018)"))
            revision = _revision(conn)
            if revision == HEAD:
                return
            if revision not in (None, *_known()):
                raise UnreadableInput(shown(url), f"workspace schema revision {revision} is newer than this "
                                                  f"toolkit knows ({HEAD}); upgrade cbam-exchange")
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            if revision is None and conn.dialect.name == "sqlite" and sa.inspect(conn).has_table("submissions"):
                if conn.exec_driver_sql("PRAGMA user_version").scalar() != _LEGACY_VERSION:
                    raise UnreadableInput(shown(url), "not a workspace this toolkit knows",
                                          expected="a file made by cbam collect")
                command.stamp(config, "0001")
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def _known() -> list[str]:
    return [p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*.py")]


def connect(target: str | Path, *, create: bool = True) -> Workspace:
    """Open a workspace (creating and migrating it on first use unless `create` is false). A path whose folder does
    not exist, a file that is not a workspace or a server that cannot be reached is UnreadableInput (exit 2)."""
    url = database_url(target)
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.is_dir():
            raise UnreadableInput(str(target), "is a folder", expected="a workspace file such as workspace.sqlite")
        if not path.parent.is_dir():
            raise UnreadableInput(str(target), "its folder does not exist", found=str(path.parent))
        if not create and not path.exists():
            raise UnreadableInput(str(target), "no such workspace", expected="a file made by cbam collect")
    try:
        engine = _engine(url, foreign_keys=True)
    except ImportError:
        raise UnreadableInput(shown(url), "a PostgreSQL workspace needs psycopg",
                              expected="pip install 'cbam-exchange[postgresql]'") from None
    try:
        with engine.connect() as conn:
            current = _revision(conn)
        if current != HEAD:
            _migrate(url)
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise UnreadableInput(shown(url), "cannot open the workspace", found=detail,
                              expected="a workspace file (SQLite) or a reachable postgresql:// database") from None
    except sa.exc.ArgumentError as exc:
        raise UnreadableInput(str(target), "not a database URL or path", found=str(exc)) from None
    return Workspace(engine, shown(url))
