"""The inbox through Airflow itself: the plugin is mounted at /care and guarded by Airflow's auth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from care_monitor.storage import Storage, upgrade_database
from care_monitor.storage.models import CorrectionRow

from ..storage.factories import make_mention

pytestmark = pytest.mark.airflow

REPO = Path(__file__).resolve().parents[2]
CLIENT_SCRIPT = Path(__file__).with_name("inbox_under_airflow.py")


def _seed(database_url: str) -> int:
    upgrade_database(database_url)
    storage = Storage.from_url(database_url)
    try:
        result = storage.upsert_mentions(
            [make_mention("p1", text="Nordwind cancelled my flight <b>again</b>", score=-0.7)]
        )
        storage.raise_mention_alerts(result.ids, -0.3, ["slack"])
        return result.ids[0]
    finally:
        storage.dispose()


def _airflow_env(tmp_path: Path, config_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.pop("CARE_MONITOR_INBOX_SECRET", None)  # the plugin derives one from Airflow's JWT secret
    env.pop("CARE_MONITOR_DATABASE_URL", None)
    (tmp_path / "dags").mkdir()
    env.update(
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        AIRFLOW__CORE__DAGS_FOLDER=str(tmp_path / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__AUTH_MANAGER=(
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        CARE_MONITOR_CONFIG=str(config_path),
        PYTHONPATH=str(REPO),
    )
    return env


def test_inbox_is_mounted_and_requires_an_airflow_login(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'care.db'}"
    mention_id = _seed(database_url)
    config_path = tmp_path / "care_monitor.yml"
    config_path.write_text(
        f"database_url: {database_url}\nbrands:\n  - name: Nordwind\n    queries:\n      - any: [nordwind]\n"
    )

    run = subprocess.run(
        [sys.executable, str(CLIENT_SCRIPT)],
        check=False,
        env=_airflow_env(tmp_path, config_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["offline_import_prefix"] == "/care"  # imported without config, DB or network
    # Airflow does not guard plugin routes; the inbox's own dependency does.
    assert seen["anonymous_status"] == 401
    assert seen["anonymous_api_status"] == 401
    assert seen["bad_token_status"] in (401, 403)

    assert seen["bearer_status"] == 200
    assert "Nordwind cancelled my flight &lt;b&gt;again&lt;/b&gt;" in seen["bearer_page"]
    assert "<b>again</b>" not in seen["bearer_page"]
    assert "Signed in as <strong>admin</strong>" in seen["bearer_page"]
    assert seen["cookie_status"] == 200
    assert [item["id"] for item in seen["api_json"]["items"]] == [mention_id]
    assert seen["api_json"]["items"][0]["alert"]["deliveries"][0]["channel"] == "slack"

    # the form posts to the mounted path, and only from this site
    assert seen["form_action"] == f"/care/inbox/mentions/{mention_id}/label"
    assert seen["cross_site_status"] == 403
    assert seen["same_site_status"] == 303
    assert seen["same_site_location"].startswith("/care/inbox?")

    storage = Storage.from_url(database_url)
    try:
        assert storage.get_mention(mention_id).corrected_label == "neutral"
        with storage.engine.connect() as conn:
            correction = conn.execute(CorrectionRow.__table__.select()).one()
        assert correction.corrected_by == "admin"
        assert correction.note == "order number, not a complaint"
    finally:
        storage.dispose()

    plugin = next(p for p in seen["plugins"] if p["name"] == "care_monitor_inbox")
    assert {"name": "care-monitor inbox", "url_prefix": "/care"}.items() <= plugin["fastapi_apps"][0].items()
    assert plugin["external_views"][0]["href"] == "/care/inbox"
    assert plugin["external_views"][0]["name"] == "Care inbox"
