"""Fake credentials for the replay server, given to sources by reference (environment variables),
as a real deployment gives them."""

from __future__ import annotations

from typing import Any

import pytest

from care_monitor.replay import ReplayServer
from care_monitor.replay.credentials import replay_credentials

BUSINESS_UNIT = "5f0c4e7a2b3d4c0001a1b2c3"


def use_replay_credentials(type_name: str, replay: ReplayServer,
                           monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Set the environment variables a source of this type reads; return its `credentials`."""
    references, environment = replay_credentials(type_name, replay, prefix="CM_TEST")
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    return references
