"""The weekly-report DAG: imports cleanly, fires Monday 08:00 team time, reports the week before."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from care_monitor.report.week import week_reported_for

DAG_FILE = Path(__file__).resolve().parents[2] / "dags" / "care_monitor_weekly_report.py"


@pytest.fixture(scope="module")
def dag(tmp_path_factory):  # noqa: ANN001, ANN201
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("airflow_home")
    mp.setenv("AIRFLOW_HOME", str(home))
    mp.setenv("CARE_MONITOR_CONFIG", str(home / "absent.yml"))  # must not be read at parse time
    mp.delenv("CARE_MONITOR_TIMEZONE", raising=False)
    from airflow.dag_processing.dagbag import DagBag

    try:
        bag = DagBag(dag_folder=str(DAG_FILE))
        assert bag.import_errors == {}
        yield bag.dags["care_monitor_weekly_report"]
    finally:
        mp.undo()


def test_schedule_is_monday_0800_in_team_time_zone(dag) -> None:  # noqa: ANN001
    timetable = dag.timetable
    assert type(timetable).__name__ == "CronTriggerTimetable"
    assert (timetable.expression, str(timetable.timezone)) == ("0 8 * * 1", "Europe/Bucharest")
    assert {t.task_id for t in dag.tasks} == {"migrate_schema", "brands", "report", "deliver"}


def test_each_run_reports_the_week_before_it_across_dst(dag) -> None:  # noqa: ANN001
    import pendulum
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    # The scheduler's timetable for the DAG's expression and zone: the runs it creates.
    timetable = CronTriggerTimetable(dag.timetable.expression, timezone=dag.timetable.timezone)
    restriction = TimeRestriction(earliest=pendulum.datetime(2026, 10, 13, tz="UTC"), latest=None, catchup=True)
    runs, last = [], None
    for _ in range(3):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        runs.append(info.logical_date)
        last = info.data_interval
    assert [r.astimezone(timezone.utc).replace(tzinfo=None) for r in runs] == [
        datetime(2026, 10, 19, 5), datetime(2026, 10, 26, 6), datetime(2026, 11, 2, 6)
    ]  # 08:00 EEST, then 08:00 EET after summer time ended
    assert [str(week_reported_for(r, "Europe/Bucharest")) for r in runs] == [
        "2026-W42", "2026-W43", "2026-W44"
    ]
