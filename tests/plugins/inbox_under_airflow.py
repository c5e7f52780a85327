"""Run by test_inbox_plugin.py in a fresh interpreter (Airflow reads AIRFLOW_HOME once, at import).

Migrates Airflow's metadata database in AIRFLOW_HOME, builds Airflow's own API server app with
the repository's plugins folder, talks to the mounted inbox through it and prints what it saw
as one JSON object.  The test process asserts on that.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import sys
from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "care_monitor_inbox.py"


def import_plugin_offline() -> str:
    """Import the plugin file with no configuration and no network: it must need neither."""
    real_config = os.environ["CARE_MONITOR_CONFIG"]
    os.environ["CARE_MONITOR_CONFIG"] = str(Path(real_config).with_name("absent.yml"))
    connect = socket.socket.connect

    def refuse(*args, **kwargs):
        raise AssertionError("the plugin opened a network connection at import")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        spec = importlib.util.spec_from_file_location("care_monitor_inbox_offline_check", PLUGIN)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]
        os.environ["CARE_MONITOR_CONFIG"] = real_config
    return module.CareMonitorInboxPlugin.fastapi_apps[0]["url_prefix"]


def main() -> None:
    seen: dict[str, object] = {"offline_import_prefix": import_plugin_offline()}

    from airflow.utils.db import upgradedb

    upgradedb()

    from airflow.api_fastapi.app import create_app, get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from fastapi.testclient import TestClient

    client = TestClient(create_app())
    token = get_auth_manager().generate_jwt(SimpleAuthManagerUser(username="admin", role="admin"))
    bearer = {"Authorization": f"Bearer {token}"}

    anonymous = client.get("/care/inbox")
    seen["anonymous_status"] = anonymous.status_code
    seen["anonymous_api_status"] = client.get("/care/inbox/api/mentions").status_code
    seen["bad_token_status"] = client.get(
        "/care/inbox", headers={"Authorization": "Bearer not-a-jwt"}
    ).status_code

    page = client.get("/care/inbox", headers=bearer)
    seen["bearer_status"] = page.status_code
    seen["bearer_page"] = page.text

    # the UI's session: Airflow's JWT in the `_token` cookie
    client.cookies.set("_token", token)
    cookie_page = client.get("/care/inbox")
    seen["cookie_status"] = cookie_page.status_code
    seen["api_json"] = client.get("/care/inbox/api/mentions").json()

    match = re.search(
        r'action="(?P<action>[^"]+)">\s*<input type="hidden" name="csrf_token" value="(?P<token>[0-9a-f]+)"',
        cookie_page.text,
    )
    seen["form_action"] = match["action"] if match else None
    if match:
        form = {"label": "neutral", "note": "order number, not a complaint", "csrf_token": match["token"]}
        cross_site = client.post(
            match["action"], data=form, headers={"Origin": "https://evil.example"}, follow_redirects=False
        )
        seen["cross_site_status"] = cross_site.status_code
        same_site = client.post(
            match["action"], data=form, headers={"Origin": "http://testserver"}, follow_redirects=False
        )
        seen["same_site_status"] = same_site.status_code
        seen["same_site_location"] = same_site.headers.get("location")

    plugins = client.get("/api/v2/plugins", headers=bearer).json()
    seen["plugins"] = [
        {"name": p["name"], "external_views": p.get("external_views", []), "fastapi_apps": p.get("fastapi_apps", [])}
        for p in plugins.get("plugins", [])
    ]
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
