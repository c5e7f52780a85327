"""Running the project's Alembic migrations from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from care_monitor.storage.db import StorageError, make_engine, redact_url
from care_monitor.storage.sql_files import create_views, drop_views

# Serialises concurrent upgrades on PostgreSQL (several tasks or processes starting at once).
_PG_MIGRATION_LOCK_ID = 0x63617265  # "care"

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`; running it again is harmless."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _lock_for_migration(connection)
            drop_views(connection)
            command.upgrade(alembic_config(connection), revision)
            if revision == "head":
                create_views(connection)
    except OperationalError as error:
        raise StorageError(
            f"cannot migrate database {redact_url(engine.url)}: {error.orig}"
        ) from None
    finally:
        engine.dispose()


def _lock_for_migration(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK_ID})")


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise StorageError(f"cannot read database {redact_url(engine.url)}: {error.orig}") from None
    finally:
        engine.dispose()
