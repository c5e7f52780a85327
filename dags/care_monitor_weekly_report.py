"""care_monitor_weekly_report: every Monday 08:00 (team time), each monitored brand's report
of the ISO week that just ended — rendered, archived and delivered through the alert outbox.

The week comes from the run's logical date in the team's time zone (never the wall clock),
so catch-up, backfills (`airflow backfill create --dag-id care_monitor_weekly_report ...`)
and reruns report the right past week; a rerun replaces that week's archived report and does
not send it twice.  The schedule's time zone is `$CARE_MONITOR_TIMEZONE` (default
Europe/Bucharest) because the DAG file must not read the configuration at parse time; set it
to the config's `timezone`.  Nothing here touches the network or a database at parse time.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import CronTriggerTimetable, dag, get_current_context, task

TIMEZONE = os.environ.get("CARE_MONITOR_TIMEZONE", "Europe/Bucharest")
SCHEDULE = CronTriggerTimetable("0 8 * * 1", timezone=TIMEZONE)

default_args = {
    "owner": "care-team",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
}


@dag(
    dag_id="care_monitor_weekly_report",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 5),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["care-monitor", "report"],
    doc_md=__doc__,
)
def care_monitor_weekly_report():
    @task
    def migrate_schema() -> None:
        from care_monitor import tasks

        tasks.migrate()

    @task
    def brands() -> list[str]:
        from care_monitor.report import tasks

        return tasks.brands_to_report()

    @task
    def report(brand: str) -> dict:
        from care_monitor.report import tasks

        context = get_current_context()
        return tasks.report_brand(
            brand, context.get("logical_date"), getattr(context.get("dag_run"), "run_after", None)
        )

    @task
    def deliver(_reports: list[dict]) -> dict:
        from care_monitor.report import tasks
        from care_monitor_connections import use_airflow_connections  # dags/: Airflow-side glue

        use_airflow_connections()
        return tasks.deliver()

    names = brands()
    migrate_schema() >> names
    deliver(report.expand(brand=names))


care_monitor_weekly_report()
