"""Shared fixtures.

Databases: `database_url` runs a test on SQLite (a file in tmp_path) and on PostgreSQL (one
database per test module, created on the server's `test` database and dropped afterwards, so
parallel runs do not collide).  PostgreSQL tests skip when the server is down, but FAIL when
CARE_MONITOR_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "CARE_MONITOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES_ENV = "CARE_MONITOR_REQUIRE_POSTGRES"
DIALECTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _postgres_unavailable(reason: str) -> None:
    message = f"PostgreSQL at {POSTGRES_ADMIN_URL} unreachable: {reason}"
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_POSTGRES_ENV}=1)", pytrace=False)
    pytest.skip(message)


def _admin_connect():  # noqa: ANN202
    import psycopg

    conninfo = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    return psycopg.connect(conninfo, autocommit=True, connect_timeout=3)


def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"cm_test_{uuid.uuid4().hex[:12]}"
    try:
        with _admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        _postgres_unavailable(str(error).strip().splitlines()[0])
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with _admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def postgres_module_url() -> Iterator[str]:
    """An empty PostgreSQL database for the whole test module."""
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(params=DIALECTS)
def blank_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """An empty database without any schema: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(params=DIALECTS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # noqa: ANN001
    """A migrated database with empty tables, on SQLite and on PostgreSQL."""
    from care_monitor.storage import upgrade_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'care_monitor.db'}"
        upgrade_database(url)
        return url
    url = request.getfixturevalue("postgres_module_url")
    upgrade_database(url)
    _truncate_postgres(url)
    return url


def _truncate_postgres(url: str) -> None:
    from sqlalchemy import text

    from care_monitor.storage import make_engine
    from care_monitor.storage.models import Base

    engine = make_engine(url)
    try:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def storage(database_url: str):  # noqa: ANN201
    """A `Storage` on the migrated, empty `database_url`."""
    from care_monitor.storage import Storage

    store = Storage.from_url(database_url)
    try:
        yield store
    finally:
        store.dispose()
