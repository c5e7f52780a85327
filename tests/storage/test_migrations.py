from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from care_monitor.storage import current_revision, make_engine, upgrade_database
from care_monitor.storage.models import Base


def _head() -> str:
    from alembic.script import ScriptDirectory

    from care_monitor.storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_creates_exactly_the_models_schema(blank_database_url: str) -> None:
    assert current_revision(blank_database_url) is None
    upgrade_database(blank_database_url)
    upgrade_database(blank_database_url)  # a second run is harmless
    assert current_revision(blank_database_url) == _head()

    engine = make_engine(blank_database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
