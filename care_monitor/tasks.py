"""Entry points for scheduled runs: each reads the configuration and returns a JSON-able summary.

The DAGs call these and nothing else, so a scheduled run does exactly what the CLI does.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from care_monitor.config import Config, load_config
from care_monitor.pipeline import Pipeline
from care_monitor.storage.repository import Storage

log = logging.getLogger(__name__)


class SourcePollFailed(Exception):
    """Every stream of a source failed this run (the scheduler may retry it)."""


def _open() -> tuple[Config, Storage]:
    config = load_config()
    return config, Storage.from_url(config.resolved_database_url())


def migrate() -> None:
    from care_monitor.storage.migrate import upgrade_database

    upgrade_database(load_config().resolved_database_url())


def due_sources(now: datetime | None = None) -> list[str]:
    config, storage = _open()
    return Pipeline(config, storage).due_source_names(now or datetime.now(timezone.utc))


def poll_source(name: str) -> dict:
    config, storage = _open()
    outcomes = Pipeline(config, storage).poll_source(name)
    summary = {
        "source": name,
        "streams": [
            {"stream": o.stream, "status": o.status, "fetched": o.fetched, "matched": o.matched,
             "stored_new": o.stored_new, "alerts_raised": o.alerts_raised, "error": o.error}
            for o in outcomes
        ],
    }
    log.info("poll %s: %s", name, summary)
    if outcomes and all(o.status != "ok" for o in outcomes):
        raise SourcePollFailed(f"{name}: every stream failed: {outcomes[0].error}")
    return summary


def check_health() -> list[str]:
    config, storage = _open()
    return [f"{c.kind}: {c.source_name}: {c.reason}" for c in Pipeline(config, storage).check_health()]


def deliver_alerts() -> dict:
    config, storage = _open()
    report = Pipeline(config, storage).deliver()
    return {"sent": report.sent, "failed": report.failed, "pending": report.pending}
