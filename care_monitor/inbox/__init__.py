"""The team's web inbox (FastAPI, no Airflow import); the Airflow plugin in plugins/ mounts it."""

from care_monitor.inbox.app import create_inbox_app
from care_monitor.inbox.queries import InboxFilter, InboxPage, list_inbox

__all__ = ["InboxFilter", "InboxPage", "create_inbox_app", "list_inbox"]
