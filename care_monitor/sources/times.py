"""Timestamps in the shapes feeds use, and cursors that sort correctly as text.

`cursor_sort_key` in `base.py` compares non-numeric cursors as text, so every time cursor
is written in one fixed-width UTC form (`2025-01-31T12:00:00.000000Z`).
"""

from __future__ import annotations

from datetime import datetime, timezone


def parse_iso(value: str) -> datetime:
    """An ISO 8601 time (`Z`, an offset, or none meaning UTC) as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected an ISO 8601 time, got {value!r}")
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def from_epoch(seconds: float | int | str) -> datetime:
    return datetime.fromtimestamp(float(seconds), timezone.utc)


def time_cursor(moment: datetime) -> str:
    """The fixed-width text form of a time cursor."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def api_time(moment: datetime) -> str:
    """A time for an API filter parameter (`since=`, `startTime=`), second precision."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
