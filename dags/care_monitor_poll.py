"""care_monitor_poll: poll every due source, store brand mentions, raise and deliver alerts.

Thin orchestration over `care_monitor.pipeline`; all logic lives in the library. Nothing here
touches the network, a database or a connection at parse time: the configuration
($CARE_MONITOR_CONFIG) is read inside the tasks.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import dag, task

SCHEDULE = os.environ.get("CARE_MONITOR_POLL_SCHEDULE", "*/5 * * * *")

default_args = {
    "owner": "care-team",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
}


@dag(
    dag_id="care_monitor_poll",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["care-monitor", "social", "alerts"],
    doc_md=__doc__,
)
def care_monitor_poll():
    @task
    def migrate_schema() -> None:
        """Bring the project's own database to the newest schema (a no-op when it is)."""
        from care_monitor import tasks

        tasks.migrate()

    @task
    def due_sources() -> list[str]:
        """Enabled sources whose poll interval has elapsed since their last poll."""
        from care_monitor import tasks

        return tasks.due_sources()

    @task(max_active_tis_per_dag=4)
    def poll_source(name: str) -> dict:
        """fetch -> match brands -> score -> store -> raise alerts, page by page."""
        from care_monitor import tasks
        from care_monitor_connections import use_airflow_connections  # dags/: Airflow-side glue

        use_airflow_connections()
        return tasks.poll_source(name)

    @task(trigger_rule="all_done")
    def check_source_health() -> list[str]:
        """One "source unhealthy" alert when a source failed or went quiet too long; one "recovered"."""
        from care_monitor import tasks

        return tasks.check_health()

    @task(trigger_rule="all_done", retries=0)
    def deliver_alerts() -> dict:
        """Send pending alert deliveries; failures stay in the outbox for the next run."""
        from care_monitor import tasks
        from care_monitor_connections import use_airflow_connections  # dags/: Airflow-side glue

        use_airflow_connections()
        return tasks.deliver_alerts()

    names = due_sources()
    migrate_schema() >> names
    poll_source.expand(name=names) >> check_source_health() >> deliver_alerts()


care_monitor_poll()
