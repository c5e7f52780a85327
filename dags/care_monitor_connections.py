"""Airflow-side glue shared by the care-monitor DAGs (not a DAG; listed in .airflowignore).

Lets the library resolve `{airflow_conn: ...}` secret references through Airflow's own
connections (secrets backends included) inside a running task, while `care_monitor` itself
never imports Airflow.
"""

from __future__ import annotations


def use_airflow_connections() -> None:
    """Resolve `airflow_conn` references with `airflow.sdk.Connection.get` from now on."""
    from airflow.sdk import Connection

    from care_monitor.secrets import ConnectionSecret, register_connection_resolver

    def resolve(conn_id: str) -> ConnectionSecret:
        conn = Connection.get(conn_id)
        return ConnectionSecret(
            login=conn.login, password=conn.password, host=conn.host, extra=conn.extra_dejson
        )

    register_connection_resolver(resolve)
