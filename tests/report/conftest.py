"""Report fixtures: the seeded data set on SQLite and PostgreSQL (see seed.py)."""

from __future__ import annotations

import pytest

from care_monitor.report.build import build_report
from care_monitor.report.week import IsoWeek
from care_monitor.storage.db import make_engine
from tests.report.seed import WEEK, config, seed


@pytest.fixture
def seeded_engine(database_url: str):  # noqa: ANN201
    engine = make_engine(database_url)
    seed(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def report(seeded_engine):  # noqa: ANN001, ANN201
    with seeded_engine.connect() as conn:
        return build_report(conn, config(), "Nordwind", IsoWeek.parse(WEEK))
