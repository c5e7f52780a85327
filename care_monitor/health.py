"""Source health and coverage, from the `source_runs` rows every poll writes.

* `stream_health` — per source and stream: last successful poll, last error, items fetched,
  pages skipped and rate-limited waits over a window, and the quota left.
* `render_status_table` — those rows as the `care-monitor sources status` table.
* `evaluate_health` — one "source_unhealthy" alert when a source has failed or returned
  nothing for longer than its configured expectation (`unhealthy_after`, default three poll
  intervals but at least an hour), and one "source_recovered" alert when it next fetches
  items. An *episode* starts at the source's last productive poll (or its first poll); the
  alerts' dedupe keys name it, so evaluating after every run raises each alert once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select

from care_monitor.config import Config, SourceConfig
from care_monitor.storage.models import AlertRow, SourceRunRow
from care_monitor.storage.repository import Storage
from care_monitor.storage.views import as_utc

SOURCE_UNHEALTHY = "source_unhealthy"
SOURCE_RECOVERED = "source_recovered"
DEFAULT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class StreamHealth:
    """What the runs of one (source, stream) say; counts cover the window."""

    source_name: str
    source_type: str
    stream: str
    last_run_at: datetime | None = None
    last_status: str | None = None  # ok | error | running; None: never polled
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    runs: int = 0
    items_fetched: int = 0
    pages_skipped: int = 0
    rate_limited_waits: int = 0
    quota_remaining: int | None = None


@dataclass(frozen=True)
class HealthChange:
    """An alert `evaluate_health` raised just now."""

    source_name: str
    kind: str  # source_unhealthy | source_recovered
    alert_id: int
    episode_start: datetime
    reason: str


# --- coverage per stream -------------------------------------------------------------------


def stream_health(
    storage: Storage,
    *,
    now: datetime | None = None,
    window: timedelta = DEFAULT_WINDOW,
    config: Config | None = None,
) -> list[StreamHealth]:
    """One row per (source, stream) that ever ran, plus configured sources never polled."""
    now = now or datetime.now(timezone.utc)
    rows: dict[tuple[str, str], StreamHealth] = {}
    for run in storage.latest_source_runs():
        rows[(run.source_name, run.stream)] = StreamHealth(
            source_name=run.source_name, source_type=run.source_type, stream=run.stream,
            last_run_at=as_utc(run.started_at), last_status=run.status,
        )
    run = SourceRunRow
    key = (run.source_name, run.stream)
    with storage.engine.connect() as conn:
        in_window = conn.execute(
            select(*key, func.count(run.id), func.sum(run.items_fetched),
                   func.sum(run.pages_skipped), func.sum(run.rate_limited_waits))
            .where(run.started_at >= now - window).group_by(*key)
        ).all()
        successes = conn.execute(
            select(*key, func.max(run.finished_at)).where(run.status == "ok").group_by(*key)
        ).all()
        errors = conn.execute(
            select(run.source_name, run.stream, run.error, run.finished_at).where(
                run.id.in_(select(func.max(run.id)).where(run.status == "error").group_by(*key))
            )
        ).all()
        quotas = conn.execute(
            select(run.source_name, run.stream, run.quota_remaining).where(
                run.id.in_(select(func.max(run.id))
                           .where(run.quota_remaining.is_not(None)).group_by(*key))
            )
        ).all()
    for name, stream, count, items, skipped, waits in in_window:
        _update(rows, name, stream, runs=count, items_fetched=int(items or 0),
                pages_skipped=int(skipped or 0), rate_limited_waits=int(waits or 0))
    for name, stream, finished in successes:
        _update(rows, name, stream, last_success_at=as_utc(finished))
    for name, stream, error, finished in errors:
        _update(rows, name, stream, last_error=error, last_error_at=as_utc(finished))
    for name, stream, quota in quotas:
        _update(rows, name, stream, quota_remaining=quota)
    if config is not None:
        polled = {name for name, _ in rows}
        for source in config.sources:
            if source.name not in polled:
                rows[(source.name, "*")] = StreamHealth(source.name, source.type, "*")
    return sorted(rows.values(), key=lambda r: (r.source_name, r.stream))


def _update(rows: dict[tuple[str, str], StreamHealth], name: str, stream: str, **values) -> None:
    if (name, stream) in rows:
        rows[(name, stream)] = replace(rows[(name, stream)], **values)


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        age = f"{seconds}s"
    elif seconds < 7200:
        age = f"{seconds // 60}m"
    elif seconds < 172800:
        age = f"{seconds // 3600}h"
    else:
        age = f"{seconds // 86400}d"
    return f"{moment:%Y-%m-%d %H:%M}Z ({age} ago)"


def render_status_table(
    rows: Sequence[StreamHealth], now: datetime | None = None, window: timedelta = DEFAULT_WINDOW
) -> Table:
    """The `care-monitor sources status` table. Cells are `Text`, so an error message that
    happens to contain rich markup is shown as written, not interpreted."""
    now = now or datetime.now(timezone.utc)
    hours = int(window.total_seconds() // 3600)
    table = Table(title=f"Source health and coverage (counts: last {hours} h)")
    for header, justify in [
        ("Source", "left"), ("Type", "left"), ("Stream", "left"), ("Last run", "left"),
        ("Last successful poll", "left"), ("Items", "right"), ("Pages skipped", "right"),
        ("Rate-limit waits", "right"), ("Quota left", "right"), ("Last error", "left"),
    ]:
        table.add_column(header, justify=justify, overflow="fold")
    styles = {"ok": "green", "error": "red", "running": "yellow"}
    for row in rows:
        status = row.last_status or "never polled"
        error = "" if row.last_error is None else f"{_when(row.last_error_at, now)}: {row.last_error}"
        table.add_row(
            Text(row.source_name), Text(row.source_type), Text(row.stream),
            Text(status, style=styles.get(status, "dim")),
            Text(_when(row.last_success_at, now)),
            Text(str(row.items_fetched)), Text(str(row.pages_skipped)),
            Text(str(row.rate_limited_waits)),
            Text("" if row.quota_remaining is None else str(row.quota_remaining)),
            Text(error[:300], style="red" if row.last_status == "error" else ""),
        )
    return table


# --- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SourceState:
    first_run_at: datetime | None
    last_productive_at: datetime | None  # last ok run that fetched at least one item
    last_run_at: datetime | None
    last_error: str | None


def _source_state(storage: Storage, source_name: str) -> _SourceState:
    run = SourceRunRow
    mine = run.source_name == source_name
    with storage.engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(run.started_at), func.max(run.started_at)).where(mine)
        ).one()
        productive = conn.execute(
            select(func.max(run.finished_at))
            .where(mine, run.status == "ok", run.items_fetched > 0)
        ).scalar_one()
        latest = conn.execute(
            select(run.status, run.error).where(mine).order_by(run.id.desc()).limit(1)
        ).first()
    error = latest.error if latest is not None and latest.status == "error" else None
    return _SourceState(as_utc(first), as_utc(productive), as_utc(last), error)


def _episode_key(kind: str, source_name: str, episode_start: datetime) -> str:
    prefix = "health" if kind == SOURCE_UNHEALTHY else "health-recovered"
    return f"{prefix}:{source_name}:{episode_start:%Y-%m-%dT%H:%M:%SZ}"


def _open_episode(storage: Storage, source_name: str) -> AlertRow | None:
    """The latest unhealthy alert of a source, if no recovery followed it."""
    with storage.engine.connect() as conn:
        alert = conn.execute(
            select(AlertRow.dedupe_key, AlertRow.payload)
            .where(AlertRow.kind == SOURCE_UNHEALTHY,
                   AlertRow.dedupe_key.startswith(f"health:{source_name}:", autoescape=True))
            .order_by(AlertRow.id.desc()).limit(1)
        ).first()
        if alert is None:
            return None
        recovered_key = "health-recovered:" + alert.dedupe_key.removeprefix("health:")
        recovered = conn.execute(
            select(AlertRow.id).where(AlertRow.dedupe_key == recovered_key)
        ).first()
    return None if recovered is not None else alert


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def evaluate_health(
    storage: Storage, config: Config, now: datetime | None = None
) -> list[HealthChange]:
    """Raise the health alerts due now; returns the ones newly raised (usually none)."""
    now = now or datetime.now(timezone.utc)
    channels = [channel.name for channel in config.alerts.channels]
    changes: list[HealthChange] = []
    for source in config.sources:
        if not source.enabled:
            continue
        change = _evaluate_source(storage, source, channels, now)
        if change is not None:
            changes.append(change)
    return changes


def _evaluate_source(
    storage: Storage, source: SourceConfig, channels: list[str], now: datetime
) -> HealthChange | None:
    state = _source_state(storage, source.name)
    if state.first_run_at is None:
        return None  # never polled: nothing to judge yet
    expectation = source.unhealthy_after_seconds
    episode_start = state.last_productive_at or state.first_run_at
    if (now - episode_start).total_seconds() > expectation:
        return _raise_unhealthy(storage, source, channels, now, state, episode_start, expectation)
    open_alert = _open_episode(storage, source.name)
    if open_alert is None or state.last_productive_at is None:
        return None
    opened = datetime.fromisoformat(open_alert.payload["episode_start"])
    if state.last_productive_at <= opened:
        return None
    reason = (f"{source.name} is fetching again (last productive poll "
              f"{state.last_productive_at:%Y-%m-%d %H:%M}Z)")
    alert_id = storage.raise_alert(
        SOURCE_RECOVERED, _episode_key(SOURCE_RECOVERED, source.name, opened),
        {"title": f"Source {source.name} recovered", "text": reason, "source": source.name,
         "episode_start": opened.isoformat(),
         "fields": {"Source": source.name, "Type": source.type,
                    "Unhealthy since": f"{opened:%Y-%m-%d %H:%M}Z"}},
        channels, now=now,
    )
    if alert_id is None:
        return None
    return HealthChange(source.name, SOURCE_RECOVERED, alert_id, opened, reason)


def _raise_unhealthy(
    storage: Storage, source: SourceConfig, channels: list[str], now: datetime,
    state: _SourceState, episode_start: datetime, expectation: int,
) -> HealthChange | None:
    if state.last_productive_at is None:
        what = f"has fetched nothing since its first poll at {episode_start:%Y-%m-%d %H:%M}Z"
    else:
        what = f"has fetched nothing since {episode_start:%Y-%m-%d %H:%M}Z"
    reason = f"{source.name} {what} (expected within {_duration(expectation)})"
    if state.last_error:
        reason += f"; last error: {state.last_error}"
    fields = {"Source": source.name, "Type": source.type,
              "Last productive poll": f"{episode_start:%Y-%m-%d %H:%M}Z",
              "Expected within": _duration(expectation)}
    if state.last_run_at is not None:
        fields["Last poll"] = f"{state.last_run_at:%Y-%m-%d %H:%M}Z"
    alert_id = storage.raise_alert(
        SOURCE_UNHEALTHY, _episode_key(SOURCE_UNHEALTHY, source.name, episode_start),
        {"title": f"Source {source.name} is unhealthy", "text": reason, "source": source.name,
         "episode_start": episode_start.isoformat(), "fields": fields},
        channels, now=now,
    )
    if alert_id is None:
        return None
    return HealthChange(source.name, SOURCE_UNHEALTHY, alert_id, episode_start, reason)
