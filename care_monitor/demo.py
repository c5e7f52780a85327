"""The offline demo: replayed feeds on loopback -> one poll cycle (twice) -> local receivers.

The replay server answers in each service's real response shapes from bundled sample posts;
the alert channels point at a local webhook receiver (which refuses its first request, to show
the outbox retrying) and a local SMTP receiver. The poll runs twice: the second cycle finds
nothing new, retries the refused delivery, and every alert arrives exactly once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from care_monitor.config import CONFIG_ENV_VAR, load_config
from care_monitor.replay.credentials import replay_credentials
from care_monitor.replay.receiver import SmtpReceiver, WebhookReceiver
from care_monitor.replay.server import ReplayServer

# The Slack webhook comes as an Airflow connection (from the environment, as Airflow reads it),
# so the demo exercises both kinds of secret reference.
SLACK_CONNECTION = "care_monitor_slack"


DEMO_BRANDS = [  # as in care_monitor.example.yml
    {"name": "Nordwind",
     "queries": [{"any": ["nordwind", "nordwindair", "@nordwindair", "#nordwind"], "none": ["wind farm", "windpark"]},
                 {"phrases": ["nordwind air", "nordwind airlines"]}],
     "lexicon": {"lit": 2.0}},
    {"name": "SkyJet", "competitor": True, "queries": [{"any": ["skyjet", "@skyjet"]}]},
]


def demo_config(
    replay: ReplayServer, webhook_url: str, smtp_port: int, database_url: str, secrets: dict[str, str]
) -> dict[str, Any]:
    """The example brands, every source pointed at the replay server, channels at the receivers.

    The replay server's fake credentials are added to `secrets` (environment variables), and
    the config refers to them by name, as a real deployment does.
    """
    sources = [
        {"name": "hn", "type": "hackernews", "params": {"queries": ["nordwind", "skyjet"], "hits_per_page": 4}},
        {"name": "reddit", "type": "reddit",
         "params": {"search": ["nordwind", "skyjet"], "subreddits": ["travel", "flights", "Romania"]}},
        {"name": "mastodon", "type": "mastodon",
         "params": {"hashtags": ["nordwind", "skyjet"], "search": ["nordwind"], "limit": 3}},
        {"name": "google-alerts", "type": "rss",
         "params": {"feeds": ["google-alerts-nordwind.xml", "travel-news.xml"]}},
    ]
    sources += [
        {"name": "bluesky", "type": "bluesky", "params": {"search": ["nordwind", "skyjet"]}},
        {"name": "app-store", "type": "appstore", "params": {"apps": ["1234567890"], "countries": ["us", "de", "gb"]}},
        {"name": "google-play", "type": "googleplay", "params": {"packages": ["com.nordwind.app"]}},
        {"name": "youtube", "type": "youtube",
         "params": {"videos": ["dQw4nordw1A", "xYz9nordw2B"], "channels": ["UCnordwindAirOfficial00"]}},
        {"name": "stackexchange", "type": "stackexchange", "params": {"search": ["nordwind"], "sites": ["stackoverflow", "travel"]}},
        {"name": "trustpilot", "type": "trustpilot", "params": {"business_units": ["5f0c4e7a2b3d4c0001a1b2c3"]}},
        {"name": "x", "type": "x", "params": {"search": ["nordwind", "skyjet"]}},
    ]
    for source in sources:
        source["base_url"] = replay.base_url(source["type"])
        source["poll_interval"] = 1  # every run of the demo polls every source
        references, environment = replay_credentials(source["type"], replay)
        if references:
            source["credentials"] = references
            secrets.update(environment)
    return {
        "timezone": "Europe/Bucharest",
        "database_url": database_url,
        "brands": DEMO_BRANDS,
        "sources": sources,
        "reports_dir": str(Path(database_url.removeprefix("sqlite:///")).parent / "reports"),
        "alerts": {
            "threshold": -0.3,
            "channels": [
                {"name": "ops-webhook", "type": "webhook", "url": webhook_url},
                {"name": "slack-care", "type": "slack", "webhook_url": {"airflow_conn": SLACK_CONNECTION}},
                {"name": "care-inbox", "type": "email", "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
                 "starttls": False, "sender": "care-monitor@demo.local", "recipients": ["care-team@demo.local"]},
            ],
        },
    }


@dataclass
class DemoEnvironment:
    workdir: Path
    config_path: Path
    database_path: Path
    replay: ReplayServer
    webhook: WebhookReceiver
    smtp: SmtpReceiver
    secrets: dict[str, str]

    @property
    def env(self) -> dict[str, str]:
        """What the demo's processes need in their environment (config path, fake secrets)."""
        return {
            CONFIG_ENV_VAR: str(self.config_path),
            f"AIRFLOW_CONN_{SLACK_CONNECTION.upper()}": json.dumps(
                {"conn_type": "http", "password": self.webhook.url.replace("/hook", "/slack")}
            ),
            **self.secrets,
        }


def start_demo_environment(workdir: Path, stack: ExitStack, *, fail_first: int = 1) -> DemoEnvironment:
    """Fresh database and receivers, the replay server, and a config file pointing at them."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database_path = workdir / "care_monitor.db"
    for stale in workdir.glob("care_monitor.db*"):
        stale.unlink()
    replay = stack.enter_context(ReplayServer())
    webhook = stack.enter_context(WebhookReceiver(fail_first=fail_first))
    smtp = stack.enter_context(SmtpReceiver())
    config_path = workdir / "care_monitor.yml"
    secrets: dict[str, str] = {}
    config = demo_config(replay, webhook.url, smtp.port, f"sqlite:///{database_path}", secrets)
    config_path.write_text(
        "# Written by `care-monitor demo`: sources replayed on loopback, channels to local receivers.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return DemoEnvironment(workdir, config_path, database_path, replay, webhook, smtp, secrets)


def run_cycle_in_process(env: DemoEnvironment) -> None:
    from care_monitor.pipeline import Pipeline
    from care_monitor.storage.migrate import upgrade_database
    from care_monitor.storage.repository import Storage

    config = load_config(env.config_path)
    url = config.resolved_database_url()
    upgrade_database(url)
    pipeline = Pipeline(config, Storage.from_url(url))
    pipeline.poll()
    pipeline.deliver()


def airflow_env(env: DemoEnvironment) -> dict[str, str]:
    repo = Path(__file__).resolve().parents[1]
    airflow_home = env.workdir / "airflow"
    return {
        **os.environ,
        **env.env,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(repo / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(repo / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }


def run_cycle_with_airflow(env: DemoEnvironment, console: Console) -> None:
    """`airflow dags test care_monitor_poll` against the demo config (Airflow's own SQLite home)."""
    airflow = Path(sys.executable).with_name("airflow")
    process_env = airflow_env(env)
    log_path = env.workdir / "airflow-dags-test.log"
    if not (env.workdir / "airflow" / "airflow.db").exists():
        _run([str(airflow), "db", "migrate"], process_env, log_path)
    _run([str(airflow), "dags", "test", "care_monitor_poll"], process_env, log_path)


def _run(command: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        done = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[-3:])} failed (exit {done.returncode}); see {log_path}")


def run_demo(workdir: Path, *, use_airflow: bool, console: Console) -> None:
    with ExitStack() as stack:
        env = start_demo_environment(Path(workdir), stack)
        console.print(f"replay server: {env.replay.url}   webhook receiver: {env.webhook.url}   "
                      f"SMTP receiver: 127.0.0.1:{env.smtp.port}")
        saved = {key: os.environ.get(key) for key in env.env}
        os.environ.update(env.env)
        try:
            for cycle in (1, 2):
                how = "airflow dags test care_monitor_poll" if use_airflow else "in-process poll"
                console.print(f"[bold]cycle {cycle}[/]: {how} ...")
                if use_airflow:
                    run_cycle_with_airflow(env, console)
                else:
                    run_cycle_in_process(env)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        print_summary(env, console)


def print_summary(env: DemoEnvironment, console: Console) -> None:
    from care_monitor.storage.repository import Storage

    storage = Storage.from_url(f"sqlite:///{env.database_path}")
    table = Table(title="Mentions stored per source", title_justify="left")
    table.add_column("source")
    for label in ("negative", "neutral", "positive", "total"):
        table.add_column(label, justify="right")
    by_source: dict[str, Counter] = {}
    for mention in storage.list_mentions(limit=100_000):
        by_source.setdefault(mention.source, Counter())[mention.effective_label or "unscored"] += 1
    for source, counts in sorted(by_source.items()):
        table.add_row(source, str(counts["negative"]), str(counts["neutral"]), str(counts["positive"]),
                      str(sum(counts.values())))
    console.print(table)
    alerts = storage.list_alerts(limit=100_000)
    statuses = storage.delivery_status_counts()
    refused = len(env.webhook.all_requests) - len(env.webhook.received)
    console.print(
        f"alerts raised: [bold]{len(alerts)}[/]   deliveries: "
        + ", ".join(f"{status} {count}" for status, count in sorted(statuses.items()))
    )
    console.print(
        f"local receivers got: {len(env.webhook.received)} webhook/Slack requests "
        f"({refused} refused on purpose and retried), {len(env.smtp.messages)} e-mails"
    )
    sample = next((r for r in env.webhook.received if r.path.endswith("/slack")), None)
    if sample is not None:
        console.print("a Slack message as received:", style="bold")
        console.print_json(data=sample.body)
    from care_monitor.report.command import generate_demo_report

    report_path = generate_demo_report(load_config(env.config_path), f"sqlite:///{env.database_path}")
    console.print(f"weekly report of the replayed data: [bold]{report_path}[/] (and .json/.pdf beside it)")
    console.print(f"SQLite database: [bold]{env.database_path}[/]   config: {env.config_path}")
    console.print(f"try: care-monitor --config {env.config_path} mentions --label negative\n"
                  f"     care-monitor --config {env.config_path} sources status")
    shutil.rmtree(env.workdir / "airflow" / "logs", ignore_errors=True)
