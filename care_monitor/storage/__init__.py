"""The project's own database: engines, migrations and the `Storage` repository."""

from care_monitor.storage.db import StorageError, make_engine, redact_url, session_factory
from care_monitor.storage.migrate import current_revision, upgrade_database
from care_monitor.storage.repository import Storage
from care_monitor.storage.views import UpsertResult

__all__ = [
    "Storage",
    "StorageError",
    "UpsertResult",
    "current_revision",
    "make_engine",
    "redact_url",
    "session_factory",
    "upgrade_database",
]
