"""`airflow dags test care_monitor_poll` against the replay server, twice, with a receiver that fails first."""

from __future__ import annotations

import os
from contextlib import ExitStack

import pytest

from care_monitor.demo import run_cycle_with_airflow, start_demo_environment
from care_monitor.storage.repository import Storage

pytestmark = pytest.mark.airflow


def test_dag_run_stores_mentions_and_delivers_each_alert_exactly_once(tmp_path, monkeypatch):
    from rich.console import Console

    with ExitStack() as stack:
        env = start_demo_environment(tmp_path / "demo", stack, fail_first=1)
        for key, value in env.env.items():
            monkeypatch.setenv(key, value)
        run_cycle_with_airflow(env, Console(file=open(os.devnull, "w")))

        storage = Storage.from_url(f"sqlite:///{env.database_path}")
        mentions = storage.list_mentions(limit=10_000)
        assert {m.source for m in mentions} >= {"hackernews", "reddit", "mastodon", "rss"}
        alerts = storage.list_alerts(limit=10_000)
        assert alerts
        assert storage.delivery_status_counts().get("failed") == 1  # the refused request

        run_cycle_with_airflow(env, Console(file=open(os.devnull, "w")))  # rerun: polls again, retries
        assert len(storage.list_mentions(limit=10_000)) == len(mentions)
        assert len(storage.list_alerts(limit=10_000)) == len(alerts)
        counts = storage.delivery_status_counts()
        assert counts == {"sent": len(alerts) * 3}

        webhook_ids = [r.body["alert"]["id"] for r in env.webhook.received if r.path == "/hook"]
        assert sorted(webhook_ids) == sorted(a.id for a in alerts)
        assert len(env.smtp.messages) == len(alerts)
