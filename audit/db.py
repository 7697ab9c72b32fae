"""The audit database: one SQLAlchemy Core code path for SQLite (default, WAL mode) and PostgreSQL.

DATABASE_URL=postgresql+psycopg://user:pw@host/db     # PostgreSQL
(unset)                                               # SQLite file beside the warehouse: <DIR>.audit.sqlite
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_path(warehouse: Path | str) -> Path:
    """The SQLite file of a warehouse folder: beside it, never inside (a build swaps the folder whole)."""
    wh = Path(warehouse)
    return wh.with_name(wh.name + ".audit.sqlite")


def database_url(warehouse: Path | str | None) -> str | None:
    """DATABASE_URL when set; else the SQLite file beside a local warehouse; None for a warehouse on object storage
    without DATABASE_URL (there is no folder to put the file beside)."""
    env = os.environ.get("DATABASE_URL")
    if env:
        if env.startswith("postgres://"):  # the short form many hosts hand out
            env = "postgresql://" + env[len("postgres://") :]
        if env.startswith("postgresql://"):
            env = "postgresql+psycopg://" + env[len("postgresql://") :]
        return env
    if warehouse is None or "://" in str(warehouse):
        return None
    return f"sqlite:///{sqlite_path(warehouse)}"


def exists(url: str | None) -> bool:
    """Whether the database may hold anything (a SQLite file that was never created holds nothing)."""
    if not url:
        return False
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :]).exists()
    return True


@cache
def engine(url: str) -> sa.Engine:
    """An engine for `url`, its schema migrated to the newest version."""
    if url.startswith("sqlite:///"):
        _private_sqlite(Path(url[len("sqlite:///") :]))
        eng = sa.create_engine(url, connect_args={"timeout": 30})
        event.listen(eng, "connect", _sqlite_pragmas)
        # let SQLAlchemy, not pysqlite, open transactions, so BEGIN IMMEDIATE serialises writers
        event.listen(eng, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        eng = sa.create_engine(url, pool_pre_ping=True)
    migrate(eng)
    return eng


def _private_sqlite(path: Path) -> None:
    """The SQLite file holds password hashes: readable by the server's user only (0600), made so before SQLite
    opens it; SQLite gives its -wal and -shm files the database file's mode."""
    from audit.secret import private_file

    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p == path or p.exists():
            private_file(p)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def migrate(eng: sa.Engine) -> None:
    """Upgrade the schema to the newest Alembic revision (migrations/versions/)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def revision(eng: sa.Engine) -> str | None:
    with eng.connect() as conn:
        try:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DatabaseError:
            return None


def first_row(conn_or_engine, query) -> dict | None:
    """The first row of `query` as a dict (None: no row), read on an open connection or, given an engine, on a
    connection of its own."""
    if isinstance(conn_or_engine, sa.Engine):
        with conn_or_engine.connect() as conn:
            row = conn.execute(query).mappings().first()
    else:
        row = conn_or_engine.execute(query).mappings().first()
    return dict(row) if row else None
