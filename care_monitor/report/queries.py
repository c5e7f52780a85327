"""Running the report's SQL files (`sql/report/*.sql`) on SQLite and PostgreSQL.

Each file is plain SQL with named parameters (``:brand``); the runner binds datetimes with
SQLAlchemy's DateTime type (so SQLite compares them in its stored text format) and lists as
expanding ``IN`` parameters.  The only dialect difference is one macro, ``epoch_seconds(x)``,
which becomes whole seconds since 1970 on either database.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, TextClause, bindparam, text

from care_monitor.report.errors import ReportError

SQL_DIR_ENV_VAR = "CARE_MONITOR_SQL_DIR"
_EPOCH = re.compile(r"epoch_seconds\(([^()]*)\)")
_EPOCH_BY_DIALECT = {
    "sqlite": r"CAST(strftime('%s', \1) AS INTEGER)",
    "postgresql": r"CAST(FLOOR(EXTRACT(EPOCH FROM \1)) AS BIGINT)",
}


def sql_dir() -> Path:
    """`sql/report` of the project (override with $CARE_MONITOR_SQL_DIR)."""
    override = os.environ.get(SQL_DIR_ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "sql" / "report"


@cache
def _read(name: str, directory: Path) -> str:
    path = directory / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"report query {path} is missing") from None


def load_sql(name: str, dialect: str) -> str:
    """The text of `sql/report/<name>.sql` for `dialect` (``sqlite`` or ``postgresql``)."""
    if dialect not in _EPOCH_BY_DIALECT:
        raise ReportError(f"the report runs on SQLite or PostgreSQL, not {dialect!r}")
    return _EPOCH.sub(_EPOCH_BY_DIALECT[dialect], _read(name, sql_dir()))


def _statement(sql: str, params: Mapping[str, Any]) -> TextClause:
    clause = text(sql)
    missing = set(clause._bindparams) - set(params)
    if missing:
        raise ReportError(f"report query needs parameters {sorted(missing)}")
    binds = []
    for key, value in params.items():
        if key not in clause._bindparams:
            continue
        if isinstance(value, datetime):
            binds.append(bindparam(key, type_=DateTime(timezone=True)))
        elif isinstance(value, (list, tuple)):
            binds.append(bindparam(key, expanding=True))
    return clause.bindparams(*binds)


def _utc(clause: TextClause, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value.astimezone(timezone.utc) if isinstance(value, datetime) else value
        for key, value in params.items()
        if key in clause._bindparams
    }


def fetch_all(conn: Connection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run one report query and return its rows as dicts."""
    sql = load_sql(name, conn.dialect.name)
    statement = _statement(sql, params)
    result = conn.execute(statement, _utc(statement, params))
    return [dict(row) for row in result.mappings()]


def stream(conn: Connection, name: str, batch_size: int = 2000, **params: Any) -> Iterator[list[dict]]:
    """Run one report query with a server-side cursor, yielding batches of rows."""
    sql = load_sql(name, conn.dialect.name)
    statement = _statement(sql, params)
    result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
        statement, _utc(statement, params)
    )
    for partition in result.mappings().partitions(batch_size):
        yield [dict(row) for row in partition]


def as_utc(value: Any) -> datetime | None:
    """A timestamp from a text() result: an aware datetime (PostgreSQL) or a string (SQLite)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def as_list(value: Any) -> list[str]:
    """A JSON list column from a text() result (parsed on PostgreSQL, text on SQLite)."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def as_int(value: Any) -> int:
    return int(value or 0)
