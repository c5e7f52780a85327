"""What the weekly-report DAG runs; Airflow-free, JSON-able results (see dags/)."""

from __future__ import annotations

import logging
from datetime import datetime

from care_monitor.config import load_config
from care_monitor.report.command import produce_report, report_brands
from care_monitor.report.week import week_for_run
from care_monitor.storage.db import make_engine

log = logging.getLogger(__name__)


def brands_to_report() -> list[str]:
    return report_brands(load_config(), None)


def report_brand(brand: str, logical_date: datetime | None, run_after: datetime | None) -> dict:
    """Render, archive (replacing a previous run's files) and queue delivery of one report."""
    config = load_config()
    week = week_for_run(logical_date, run_after, config.timezone)
    engine = make_engine(config.resolved_database_url())
    try:
        result = produce_report(config, brand, week, engine=engine, deliver=True)
    finally:
        engine.dispose()
    log.info("report %s %s: %s", brand, week, {k: str(v) for k, v in result.paths.items()})
    return {
        "brand": result.data.brand,
        "week": str(week),
        "paths": {fmt: str(path) for fmt, path in result.paths.items()},
        "queued_alert_id": result.alert_id,  # None: queued by an earlier run, not sent twice
    }


def deliver() -> dict:
    from care_monitor.report.delivery import deliver_reports
    from care_monitor.storage.repository import Storage

    config = load_config()
    storage = Storage.from_url(config.resolved_database_url())
    try:
        outcome = deliver_reports(storage, config)
    finally:
        storage.dispose()
    return {"sent": outcome.sent, "failed": outcome.failed, "pending": outcome.pending,
            "errors": outcome.errors[:10]}
