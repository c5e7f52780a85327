"""Running the report's SQL files (`sql/report/*.sql`) through the project's SQL loader
(`care_monitor.storage.sql_files`), and shaping the values they return on either dialect."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection

from care_monitor.report.errors import ReportError
from care_monitor.storage.sql_files import SqlFileError, run_sql, stream_sql

REPORT_SQL = "report"  # the report's files live in sql/report/


def fetch_all(conn: Connection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run one report query (``sql/report/<name>.sql``) and return its rows as dicts."""
    try:
        return run_sql(conn, f"{REPORT_SQL}/{name}", **params)
    except SqlFileError as error:
        raise ReportError(str(error)) from None


def stream(conn: Connection, name: str, batch_size: int = 2000, **params: Any) -> Iterator[list[dict]]:
    """Run one report query with a server-side cursor, yielding batches of rows."""
    try:
        yield from stream_sql(conn, f"{REPORT_SQL}/{name}", batch_size, **params)
    except SqlFileError as error:
        raise ReportError(str(error)) from None


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
