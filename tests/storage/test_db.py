import pytest
from sqlalchemy import text

from care_monitor.storage import StorageError, make_engine, redact_url
from care_monitor.storage.db import parse_database_url


def test_plain_postgresql_url_uses_psycopg() -> None:
    assert parse_database_url("postgresql://u:pw@db/care").drivername == "postgresql+psycopg"


def test_redacts_password() -> None:
    shown = redact_url("postgresql+psycopg://care:s3cret@db.internal/care")
    assert "s3cret" not in shown and "care@db.internal" not in shown.replace("***", "")
    assert shown == "postgresql+psycopg://care:***@db.internal/care"


def test_unsupported_database_is_named_without_password() -> None:
    with pytest.raises(StorageError) as raised:
        make_engine("mysql://root:hunter2@db/care")
    assert "mysql" in str(raised.value) and "hunter2" not in str(raised.value)


def test_sqlite_creates_parent_directory_and_uses_wal_and_foreign_keys(tmp_path) -> None:
    path = tmp_path / "nested" / "dir" / "care.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    finally:
        engine.dispose()
    assert path.exists()


def test_unreachable_postgres_error_hides_password() -> None:
    from care_monitor.storage import upgrade_database

    with pytest.raises(StorageError) as raised:
        upgrade_database("postgresql://care:topsecret@127.0.0.1:1/care")
    assert "topsecret" not in str(raised.value)
    assert "127.0.0.1" in str(raised.value)
