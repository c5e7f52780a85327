"""The `care-monitor` command as a person runs it (subprocesses, real files, replayed feeds)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from care_monitor.replay import ReplayServer
from care_monitor.replay.receiver import WebhookReceiver

CLI = [sys.executable, "-m", "care_monitor.cli"]


def run(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None):
    import os

    return subprocess.run(
        [*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})}, cwd=cwd,
    )


def test_bad_config_is_one_clear_line_without_traceback(tmp_path):
    path = tmp_path / "care_monitor.yml"
    path.write_text("brands: [{name: A, queries: [{any: [a]}]}]\nsources: [{name: s, type: rss, poll_interval: soon}]\n")
    done = run("--config", str(path), "poll")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{path}: sources[0].poll_interval: 'soon' is not a duration" in done.stderr


def test_missing_config_names_the_file_and_the_variable(tmp_path):
    done = run("poll", cwd=tmp_path, env={"CARE_MONITOR_CONFIG": ""})
    assert done.returncode == 2
    assert "care_monitor.yml: file not found" in done.stderr
    assert "CARE_MONITOR_CONFIG" in done.stderr


def test_unmigrated_database_says_what_to_run(tmp_path):
    done = run("mentions", cwd=tmp_path, env={"CARE_MONITOR_CONFIG": "", "CARE_MONITOR_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert done.returncode == 2
    assert "has no care-monitor schema yet: run `care-monitor db upgrade`" in done.stderr


def test_score_writes_one_json_object_per_input_line():
    texts = ["I love this airline, great crew!", "my flight was cancelled and nobody answers", "Zborul a fost anulat, nimeni nu răspunde"]
    done = run("score", stdin="\n".join(texts) + "\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3
    for item in lines:
        assert item["label"] in {"negative", "neutral", "positive"}
        assert -1.0 <= item["score"] <= 1.0
        assert "language" in item and "reasons" in item
    assert lines[0]["label"] == "positive"
    assert lines[1]["label"] == "negative"
    assert lines[2]["language"] == "ro"


@pytest.fixture
def live_config(tmp_path):
    with ReplayServer() as replay, WebhookReceiver() as hook:
        config = {
            "database_url": f"sqlite:///{tmp_path / 'cm.db'}",
            "brands": [{"name": "Nordwind", "queries": [{"any": ["nordwind"], "none": ["wind farm", "windpark"]}]}],
            "sources": [{"name": "hn", "type": "hackernews", "base_url": replay.base_url("hackernews"),
                         "params": {"queries": ["nordwind"]}}],
            "alerts": {"threshold": -0.3, "channels": [{"name": "hook", "type": "webhook", "url": hook.url}]},
        }
        path = tmp_path / "care_monitor.yml"
        path.write_text(yaml.safe_dump(config))
        yield path, hook


def test_upgrade_poll_list_and_correct(live_config):
    path, hook = live_config
    assert run("--config", str(path), "db", "upgrade").returncode == 0

    polled = run("--config", str(path), "poll")
    assert polled.returncode == 0, polled.stderr
    assert "hn" in polled.stdout and "nordwind" in polled.stdout
    assert "alerts delivered:" in polled.stdout
    assert hook.received, "negative posts were delivered to the webhook"

    listed = run("--config", str(path), "mentions", "--label", "negative")
    assert listed.returncode == 0
    assert "hackernews" in listed.stdout and "negative" in listed.stdout

    from care_monitor.storage.repository import Storage

    storage = Storage.from_url(yaml.safe_load(path.read_text())["database_url"])
    target = storage.list_mentions(label="negative", limit=1)[0]
    corrected = run("--config", str(path), "correct", str(target.id), "positive", "--note", "sarcasm")
    assert corrected.returncode == 0, corrected.stderr
    assert storage.get_mention(target.id).effective_label == "positive"

    export_dir = path.parent / "sets"
    listed = run("--config", str(path), "corrections", "--export", str(export_dir))
    assert listed.returncode == 0, listed.stderr
    assert "Corrections (1)" in listed.stdout and "negative" in listed.stdout
    [exported] = export_dir.glob("corrections_*.tsv")
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\ttext" and len(lines) == 2 and lines[1].startswith("positive\t")
    assert f"wrote 1 post to {exported}" in " ".join(listed.stdout.split())

    bad = run("--config", str(path), "correct", str(target.id), "angry")
    assert bad.returncode != 0 and "'angry' is not one of negative, neutral, positive" in bad.stderr

    alerts = run("--config", str(path), "alerts")
    assert alerts.returncode == 0 and "hook:sent" in alerts.stdout

    status = run("--config", str(path), "sources", "status")
    assert status.returncode == 0 and "nordwind" in status.stdout


def test_unknown_source_is_named(live_config):
    path, _ = live_config
    done = run("--config", str(path), "poll", "--source", "nope")
    assert done.returncode == 2
    assert "no source named 'nope' (configured: hn)" in done.stderr


def test_sources_check_reports_reachable_and_failing_sources(live_config, tmp_path):
    path, _ = live_config
    config = yaml.safe_load(path.read_text())
    config["sources"].append({"name": "gone", "type": "rss", "params": {"feeds": ["http://127.0.0.1:9/feed.xml"]}})
    path.write_text(yaml.safe_dump(config))
    done = run("--config", str(path), "sources", "check")
    assert done.returncode == 1
    assert "reachable" in done.stdout and "nordwind: " in done.stdout
    assert "failed" in done.stdout and "gone: GET http://127.0.0.1:9/feed.xml failed after 1 attempts" in done.stdout
    assert not Path(yaml.safe_load(path.read_text())["database_url"].removeprefix("sqlite:///")).exists()
