"""Alembic environment for the project's schema; configured in code by `care_monitor.storage.migrate`."""

from __future__ import annotations

from alembic import context

from care_monitor.storage.db import make_engine
from care_monitor.storage.models import Base


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("care-monitor migrations run online only (care-monitor db upgrade)")
run_migrations_online()
