"""Source health: coverage rows, the status table and one alert per unhealthy episode."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rich.console import Console

from care_monitor.config import Config
from care_monitor.health import (
    SOURCE_RECOVERED,
    SOURCE_UNHEALTHY,
    evaluate_health,
    render_status_table,
    stream_health,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def make_config(**source_extra) -> Config:
    return Config.model_validate({
        "brands": [{"name": "Nordwind", "queries": [{"any": ["nordwind"]}]}],
        "sources": [
            {"name": "bsky", "type": "bluesky", "poll_interval": "5m", **source_extra},
            {"name": "quiet", "type": "trustpilot", "poll_interval": "5m", "enabled": False},
        ],
        "alerts": {"channels": [{"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/"}]},
    })


def record_run(storage, at: datetime, status: str = "ok", items: int = 0, *, source: str = "bsky",
               stream: str = "nordwind", error: str | None = None, **counts) -> None:
    run_id = storage.start_source_run(source, "bluesky", stream, now=at)
    storage.finish_source_run(run_id, status, error=error, items_fetched=items,
                              now=at + timedelta(seconds=2), **counts)


def health_alerts(storage):
    return [a for a in storage.list_alerts(limit=100) if a.kind in (SOURCE_UNHEALTHY, SOURCE_RECOVERED)]


def test_one_unhealthy_and_one_recovered_alert_per_episode(storage) -> None:
    config = make_config(unhealthy_after="1h")
    record_run(storage, T0, items=3)
    assert evaluate_health(storage, config, now=T0 + timedelta(minutes=30)) == []

    # failing every 5 minutes for two hours: one alert, however often health is evaluated
    raised = []
    for minute in range(5, 125, 5):
        at = T0 + timedelta(minutes=minute)
        record_run(storage, at, "error", error="bsky: GET https://x returned HTTP 503")
        raised += evaluate_health(storage, config, now=at + timedelta(seconds=5))
    assert [c.kind for c in raised] == [SOURCE_UNHEALTHY]
    assert raised[0].episode_start == T0 + timedelta(seconds=2)
    assert "HTTP 503" in raised[0].reason and "1h" in raised[0].reason
    alert = storage.get_alert(raised[0].alert_id)
    assert alert.dedupe_key == "health:bsky:2026-03-02T08:00:02Z"
    assert [d.channel for d in alert.deliveries] == ["hook"]
    assert alert.payload["title"] == "Source bsky is unhealthy"

    # an empty successful poll is not a recovery; one that fetches items is, once
    record_run(storage, T0 + timedelta(minutes=130), items=0)
    assert evaluate_health(storage, config, now=T0 + timedelta(minutes=131)) == []
    record_run(storage, T0 + timedelta(minutes=135), items=2)
    recovered = evaluate_health(storage, config, now=T0 + timedelta(minutes=136))
    assert [c.kind for c in recovered] == [SOURCE_RECOVERED]
    assert storage.get_alert(recovered[0].alert_id).dedupe_key == "health-recovered:bsky:2026-03-02T08:00:02Z"
    assert evaluate_health(storage, config, now=T0 + timedelta(minutes=140)) == []

    # a second outage is a new episode with its own alert
    assert [c.kind for c in evaluate_health(storage, config, now=T0 + timedelta(hours=4))] == [
        SOURCE_UNHEALTHY
    ]
    assert len(health_alerts(storage)) == 3


def test_a_source_that_never_fetched_anything_is_unhealthy_after_the_default_expectation(storage) -> None:
    config = make_config()  # 5m polls -> default expectation max(3 x 5m, 1h) = 1h
    for minute in range(0, 70, 5):
        record_run(storage, T0 + timedelta(minutes=minute), items=0)
    assert evaluate_health(storage, config, now=T0 + timedelta(minutes=50)) == []
    changes = evaluate_health(storage, config, now=T0 + timedelta(minutes=70))
    assert [c.kind for c in changes] == [SOURCE_UNHEALTHY]
    assert "since its first poll" in changes[0].reason


def test_never_polled_and_disabled_sources_raise_nothing(storage) -> None:
    assert evaluate_health(storage, make_config(), now=T0 + timedelta(days=3)) == []
    record_run(storage, T0, "error", source="quiet", error="boom")
    assert evaluate_health(storage, make_config(), now=T0 + timedelta(days=3)) == []


def test_stream_health_reports_coverage_per_stream(storage) -> None:
    now = T0 + timedelta(days=2)
    record_run(storage, T0, items=50, pages_skipped=0)  # outside the 24 h window
    record_run(storage, now - timedelta(hours=3), items=4, rate_limited_waits=2, quota_remaining=90)
    record_run(storage, now - timedelta(hours=2), "error", error="bsky: quota used up",
               pages_skipped=1)
    record_run(storage, now - timedelta(hours=1), items=1, stream="skyjet", quota_remaining=7)

    rows = {r.stream: r for r in stream_health(storage, now=now, config=make_config())}
    nordwind = rows["nordwind"]
    assert nordwind.last_status == "error"
    assert nordwind.last_success_at == now - timedelta(hours=3) + timedelta(seconds=2)
    assert nordwind.last_error == "bsky: quota used up"
    assert (nordwind.runs, nordwind.items_fetched, nordwind.pages_skipped) == (2, 4, 1)
    assert nordwind.rate_limited_waits == 2
    assert nordwind.quota_remaining == 90  # the latest run that reported one
    assert rows["skyjet"].quota_remaining == 7 and rows["skyjet"].last_error is None
    never = rows["*"]
    assert never.source_name == "quiet" and never.last_status is None


def test_status_table_shows_rows_and_does_not_interpret_markup_in_errors(storage) -> None:
    now = T0 + timedelta(hours=1)
    record_run(storage, T0, "error", error="bad [bold red]markup[/] from a feed")
    table = render_status_table(stream_health(storage, now=now), now=now)
    console = Console(width=300, record=True, color_system=None)
    console.print(table)
    output = console.export_text()
    assert "bad [bold red]markup[/] from a feed" in output
    assert "bsky" in output and "nordwind" in output and "error" in output
    assert "never" in output  # no successful poll yet
