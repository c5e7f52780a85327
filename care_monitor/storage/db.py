"""Engines and sessions for the project's own database (SQLite by default, PostgreSQL in production).

URLs are only ever shown with the password hidden (`redact_url`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option for connections that only read: on SQLite they skip the write lock.
READ_ONLY_OPTION = "care_monitor_read_only"


class StorageError(Exception):
    """The database cannot be used; the message never contains a password."""


def parse_database_url(url: str | URL) -> URL:
    """Parse a database URL, mapping plain ``postgresql://`` to the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(f"invalid database URL {redact_url(url)!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"unsupported database {parsed.get_backend_name()!r} in {redact_url(parsed)!r}"
            " (use sqlite:///path.db or postgresql+psycopg://user@host/db)"
        )
    return parsed


def redact_url(url: str | URL) -> str:
    """The URL as text with any password replaced by ``***``."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        # Not parseable: hide everything between '://' and '@', which is where a password lives.
        head, sep, rest = str(url).partition("://")
        if sep and "@" in rest:
            return f"{head}://***@{rest.split('@', 1)[1]}"
        return str(url)


def make_engine(url: str | URL, **kwargs) -> Engine:
    """An engine for `url`; SQLite gets its parent directory, foreign keys, WAL and a busy timeout."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = kwargs.pop("connect_args", {})
    # Sessions in UTC, like the stored times, so that text casts and date parts of timestamps in
    # the hand-written SQL give the same answers as on SQLite whatever the server's TimeZone.
    connect_args.setdefault("options", "-c TimeZone=UTC")
    return create_engine(parsed, connect_args=connect_args, **kwargs)


def _sqlite_engine(url: URL, **kwargs) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Take over transaction control from the sqlite3 module so that `begin` below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:  # noqa: ANN001
        # A deferred transaction that reads and then writes can fail with SQLITE_BUSY when another
        # writer got in between (busy_timeout does not help there).  Taking the write lock at BEGIN
        # makes concurrent writers queue up instead, which is what two mapped tasks need.
        # Connections marked READ_ONLY_OPTION start deferred and so never wait for writers (WAL).
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def read_connection(engine: Engine) -> Connection:
    """A connection for queries only (on SQLite it does not queue behind writers)."""
    return engine.connect().execution_options(**{READ_ONLY_OPTION: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
