"""Airflow plugin: the care team's inbox at /care/inbox, with a "Care inbox" entry in the UI's nav.

Thin on purpose: the app is `care_monitor.inbox.create_inbox_app`.  Airflow does not
authenticate plugin routes, so every inbox route depends on `airflow_user`, which accepts exactly
what Airflow's own API accepts (the UI's JWT cookie or a Bearer token) and answers 401 otherwise.

Importing this module (every Airflow component does) touches no database and no network: the
care-monitor configuration and database are opened at the first request.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from urllib.parse import urlsplit

from airflow.configuration import conf
from airflow.plugins_manager import AirflowPlugin
from fastapi import Request

from care_monitor.inbox import create_inbox_app
from care_monitor.inbox.csrf import SECRET_ENV_VAR

URL_PREFIX = "/care"


async def airflow_user(request: Request) -> str:
    """The signed-in Airflow user's name, through Airflow's own `get_user` (401 when anonymous)."""
    # Imported here: the API server's security module pulls in much of Airflow, which the
    # scheduler, workers and triggerer (which import plugins too) do not need.
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user

    credentials = await bearer_scheme(request)
    user = await get_user(request, None, credentials)
    return user.get_name()


def open_storage():
    from care_monitor.config import load_config
    from care_monitor.storage import Storage

    config = load_config()  # $CARE_MONITOR_CONFIG, else ./care_monitor.yml
    return Storage.from_url(config.resolved_database_url())


def _form_secret() -> str | None:
    """$CARE_MONITOR_INBOX_SECRET, else a key derived from Airflow's JWT secret.

    Every api-server worker shares the JWT secret, so a form served by one worker is accepted by
    another; the derivation keeps the JWT secret itself out of the inbox.
    """
    if os.environ.get(SECRET_ENV_VAR):
        return os.environ[SECRET_ENV_VAR]
    jwt_secret = conf.get("api_auth", "jwt_secret", fallback="")
    if not jwt_secret:
        return None
    return hmac.new(jwt_secret.encode(), b"care-monitor inbox forms", hashlib.sha256).hexdigest()


def _base_url() -> str | None:
    return conf.get("api", "base_url", fallback=None) or None


def _home_path() -> str:
    base = _base_url()
    return (urlsplit(base).path.rstrip("/") if base else "") + "/"


inbox_app = create_inbox_app(
    storage_factory=open_storage,
    current_user=airflow_user,
    secret=_form_secret(),
    allowed_origins=[base] if (base := _base_url()) else [],
    login_url=_home_path(),
)


class CareMonitorInboxPlugin(AirflowPlugin):
    name = "care_monitor_inbox"
    fastapi_apps = [{"app": inbox_app, "url_prefix": URL_PREFIX, "name": "care-monitor inbox"}]
    external_views = [
        {
            "name": "Care inbox",
            "href": f"{URL_PREFIX}/inbox",
            "destination": "nav",
        }
    ]
