from __future__ import annotations

import pytest

from care_monitor.sentiment import Scorer


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    """One scorer (and its lazily loaded models) for the whole session."""
    return Scorer(brand_lexicons={"SkateCo": {"sick": 3.0, "gnarly": 2.5}, "AirCo": {"on time": 2.0}})
