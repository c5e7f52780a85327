"""Resolving secrets given by reference; the values are never logged or stored.

`env` references read the process environment. `airflow_conn` references read
`AIRFLOW_CONN_<ID>` from the environment by default (Airflow's own convention); a DAG task
may register a resolver that asks Airflow's secrets backend instead, so the library never
imports Airflow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from care_monitor.config import SecretRef


class SecretError(Exception):
    """A referenced secret is missing; the message names the reference, never a value."""


@dataclass(frozen=True)
class ConnectionSecret:
    """The parts of an Airflow-style connection a source or channel may use."""

    login: str | None = None
    password: str | None = None
    host: str | None = None
    extra: dict | None = None

    @property
    def token(self) -> str | None:
        """The usual place for an API key or bearer token: password, else extra.token."""
        return self.password or (self.extra or {}).get("token")


ConnectionResolver = Callable[[str], ConnectionSecret]
_connection_resolver: ConnectionResolver | None = None


def register_connection_resolver(resolver: ConnectionResolver | None) -> None:
    """Let Airflow (or a test) resolve `airflow_conn` references."""
    global _connection_resolver
    _connection_resolver = resolver


def _connection_from_env(conn_id: str) -> ConnectionSecret:
    var = f"AIRFLOW_CONN_{conn_id.upper()}"
    raw = os.environ.get(var)
    if not raw:
        raise SecretError(f"connection {conn_id!r} is not defined (set {var} or define it in Airflow)")
    if raw.lstrip().startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            raise SecretError(f"connection {conn_id!r}: {var} is not valid JSON") from None
        return ConnectionSecret(
            login=data.get("login"),
            password=data.get("password"),
            host=data.get("host"),
            extra=data.get("extra") if isinstance(data.get("extra"), dict) else None,
        )
    parts = urlsplit(raw)
    return ConnectionSecret(
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname,
    )


def resolve_connection(ref: SecretRef) -> ConnectionSecret:
    if ref.env:
        value = os.environ.get(ref.env)
        if not value:
            raise SecretError(f"environment variable {ref.env} is not set")
        return ConnectionSecret(password=value)
    resolver = _connection_resolver or _connection_from_env
    return resolver(ref.airflow_conn or "")


def resolve_secret(ref: SecretRef) -> str:
    """The secret's single value: the variable's value, or the connection's password/token."""
    connection = resolve_connection(ref)
    value = connection.token
    if not value and ref.airflow_conn and connection.host:
        value = connection.host
    if not value:
        raise SecretError(f"secret {ref.describe()} has no value (expected a password or token)")
    return value
