"""Fake credentials the replay server accepts, handed to sources the way a deployment does:
as environment variables named in the source's `credentials` references."""

from __future__ import annotations

import json

from care_monitor.replay.routes import bluesky, googleplay, stackexchange, trustpilot, x, youtube
from care_monitor.replay.server import ReplayServer


def replay_secrets(type_name: str, replay: ReplayServer) -> dict[str, str]:
    """Credential name -> value for a source of this type (empty when it needs none)."""
    if type_name == "bluesky":
        return {"handle": bluesky.HANDLE, "app_password": bluesky.APP_PASSWORD}
    if type_name == "googleplay":
        account = googleplay.demo_service_account(f"{replay.base_url('googleplay')}/token")
        return {"service_account": json.dumps(account)}
    if type_name == "youtube":
        return {"api_key": next(iter(youtube.API_KEYS))}
    if type_name == "stackexchange":
        return {"key": next(iter(stackexchange.KEYS))}
    if type_name == "trustpilot":
        return {"api_key": next(iter(trustpilot.API_KEYS))}
    if type_name == "x":
        return {"bearer_token": next(iter(x.BEARER_TOKENS))}
    return {}


def replay_credentials(
    type_name: str, replay: ReplayServer, prefix: str = "CARE_MONITOR_REPLAY"
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(`credentials` references for the config, environment variables that hold the values)."""
    references: dict[str, dict[str, str]] = {}
    environment: dict[str, str] = {}
    for name, value in replay_secrets(type_name, replay).items():
        variable = f"{prefix}_{type_name.upper()}_{name.upper()}"
        environment[variable] = value
        references[name] = {"env": variable}
    return references, environment
