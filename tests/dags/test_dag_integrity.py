"""The DAG files import cleanly and touch no network, database or connection while parsed."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("airflow_home")
    mp.setenv("AIRFLOW_HOME", str(home))
    mp.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    # A config file that does not exist: a DAG reading it at parse time would fail to import.
    mp.setenv("CARE_MONITOR_CONFIG", str(home / "absent.yml"))

    def no_network(*args, **kwargs):
        raise AssertionError("a DAG file opened a network connection while being parsed")

    mp.setattr(socket.socket, "connect", no_network)
    import airflow.sdk.definitions.connection as connection_module
    from airflow.dag_processing.dagbag import DagBag

    def no_connection(*args, **kwargs):
        raise AssertionError("a DAG file looked up a connection while being parsed")

    mp.setattr(connection_module.Connection, "get", no_connection, raising=False)
    try:
        yield DagBag(dag_folder=str(DAGS))
    finally:
        mp.undo()


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_poll_dag_shape(dagbag):
    dag = dagbag.dags.get("care_monitor_poll")
    assert dag is not None
    assert {t.task_id for t in dag.tasks} == {"migrate_schema", "due_sources", "poll_source", "check_source_health", "deliver_alerts"}
    assert "care-monitor" in dag.tags
    assert dag.doc_md
    poll = dag.get_task("poll_source")
    assert poll.retries >= 1 and poll.retry_exponential_backoff
    assert dag.get_task("deliver_alerts").trigger_rule == "all_done"
    assert dag.get_task("check_source_health").upstream_task_ids == {"poll_source"}
    assert dag.get_task("check_source_health").trigger_rule == "all_done"
    assert dag.get_task("deliver_alerts").upstream_task_ids == {"check_source_health"}


def test_dag_files_import_only_the_task_sdk():
    for path in DAGS.glob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import airflow", "from airflow")):
                assert stripped.startswith("from airflow.sdk"), f"{path.name}: {stripped}"
