"""Fake credentials for the replay server, given to sources by reference (environment variables),
as a real deployment gives them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from care_monitor.replay import ReplayServer
from care_monitor.replay.routes import bluesky, googleplay, stackexchange, trustpilot, x, youtube

BUSINESS_UNIT = "5f0c4e7a2b3d4c0001a1b2c3"


def use_replay_credentials(type_name: str, replay: ReplayServer,
                           monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Set the environment variables a source of this type reads; return its `credentials`."""
    values: dict[str, str] = {}
    if type_name == "bluesky":
        values = {"handle": bluesky.HANDLE, "app_password": bluesky.APP_PASSWORD}
    elif type_name == "googleplay":
        account = googleplay.demo_service_account(f"{replay.base_url('googleplay')}/token")
        values = {"service_account": json.dumps(account)}
    elif type_name == "youtube":
        values = {"api_key": next(iter(youtube.API_KEYS))}
    elif type_name == "stackexchange":
        values = {"key": next(iter(stackexchange.KEYS))}
    elif type_name == "trustpilot":
        values = {"api_key": next(iter(trustpilot.API_KEYS))}
    elif type_name == "x":
        values = {"bearer_token": next(iter(x.BEARER_TOKENS))}
    credentials = {}
    for name, value in values.items():
        variable = f"CM_TEST_{type_name.upper()}_{name.upper()}"
        monkeypatch.setenv(variable, value)
        credentials[name] = {"env": variable}
    return credentials
