"""Loading and running the project's hand-written SQL in `sql/` (views and reporting queries).

The files live at the repository root (the project is installed with ``pip install -e``), found
from this module's location; ``$CARE_MONITOR_SQL_DIR`` points elsewhere (e.g. a deployed copy).
Each file is one statement with named parameters (``:brand``) that runs on SQLite and PostgreSQL.
The only dialect difference is one macro, ``epoch_seconds(x)``, which becomes whole seconds since
1970 on either database. Files under ``sql/views/`` hold the SELECT of a view named after the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, TextClause, bindparam, text

SQL_DIR_ENV_VAR = "CARE_MONITOR_SQL_DIR"
VIEWS = "views"
_EPOCH = re.compile(r"epoch_seconds\(([^()]*)\)")
_EPOCH_BY_DIALECT = {
    "sqlite": r"CAST(strftime('%s', \1) AS INTEGER)",
    "postgresql": r"CAST(FLOOR(EXTRACT(EPOCH FROM \1)) AS BIGINT)",
}


class SqlFileError(Exception):
    """A SQL file is missing or cannot be run; the message names it."""


def sql_dir() -> Path:
    override = os.environ.get(SQL_DIR_ENV_VAR)
    return Path(override) if override else Path(__file__).resolve().parents[2] / "sql"


def sql_path(name: str) -> Path:
    """`name` is relative to sql/ without the suffix: ``newest_negative_mentions``, ``views/x``."""
    root = sql_dir().resolve()
    path = (root / f"{name}.sql").resolve()
    if root not in path.parents:
        raise SqlFileError(f"SQL file name {name!r} points outside {root}")
    return path


def read_sql(name: str) -> str:
    path = sql_path(name)
    try:
        return path.read_text(encoding="utf-8").strip().rstrip(";")
    except FileNotFoundError:
        raise SqlFileError(f"SQL file {path} not found (set {SQL_DIR_ENV_VAR} if sql/ lives elsewhere)") from None


def load_sql(name: str, dialect: str = "sqlite") -> TextClause:
    """The statement in ``sql/<name>.sql`` for `dialect` (bind its parameters when executing)."""
    if dialect not in _EPOCH_BY_DIALECT:
        raise SqlFileError(f"sql/{name}.sql runs on SQLite or PostgreSQL, not {dialect!r}")
    return text(_EPOCH.sub(_EPOCH_BY_DIALECT[dialect], read_sql(name)))


def _bound(conn: Connection, name: str, params: Mapping[str, Any]) -> tuple[TextClause, dict[str, Any]]:
    """The statement with its parameters typed: datetimes as UTC DateTime (so SQLite compares
    them in its stored text format), lists and tuples as expanding ``IN`` parameters."""
    clause = load_sql(name, conn.dialect.name)
    wanted = set(clause._bindparams)
    missing = wanted - set(params)
    if missing:
        raise SqlFileError(f"sql/{name}.sql needs parameters: {', '.join(sorted(missing))}")
    clause = clause.bindparams(*_typed_binds(params, wanted))
    values = {
        key: value.astimezone(timezone.utc) if isinstance(value, datetime) else value
        for key, value in params.items()
        if key in wanted
    }
    return clause, values


def run_sql(conn: Connection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run ``sql/<name>.sql`` and return its rows as dicts."""
    clause, values = _bound(conn, name, params)
    return [dict(row) for row in conn.execute(clause, values).mappings()]


def stream_sql(conn: Connection, name: str, batch_size: int = 2000, **params: Any) -> Iterator[list[dict]]:
    """Run ``sql/<name>.sql`` with a server-side cursor, yielding batches of rows as dicts."""
    clause, values = _bound(conn, name, params)
    result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(clause, values)
    for partition in result.mappings().partitions(batch_size):
        yield [dict(row) for row in partition]


def _typed_binds(params: Mapping[str, Any], wanted: set[str]) -> list:
    binds = []
    for key, value in params.items():
        if key not in wanted:
            continue
        if isinstance(value, datetime):
            binds.append(bindparam(key, type_=DateTime(timezone=True)))
        elif isinstance(value, (list, tuple)):
            binds.append(bindparam(key, expanding=True))
    return binds


def view_names() -> list[str]:
    directory = sql_dir() / VIEWS
    return sorted(path.stem for path in directory.glob("*.sql")) if directory.is_dir() else []


def drop_views(conn: Connection) -> None:
    """Drop the project's views (before migrations change the tables they read)."""
    for name in view_names():
        conn.exec_driver_sql(f'DROP VIEW IF EXISTS "{name}"')


def create_views(conn: Connection) -> None:
    """(Re)create every view in ``sql/views/`` from its file."""
    for name in view_names():
        conn.exec_driver_sql(f'DROP VIEW IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE VIEW "{name}" AS\n{read_sql(f"{VIEWS}/{name}")}')
