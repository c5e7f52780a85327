"""ISO weeks in the team's time zone, and the week each scheduled run reports on."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from care_monitor.report.errors import ReportError
from care_monitor.report.week import IsoWeek, week_for_run, week_reported_for

TZ = "Europe/Bucharest"
UTC = timezone.utc


@pytest.mark.parametrize("text", ["2026-W99", "2026-W00", "2026-47", "W47", "2026-W4", "", "2025-W53"])
def test_malformed_week_is_named(text: str) -> None:
    with pytest.raises(ReportError, match="malformed week") as error:
        IsoWeek.parse(text)
    assert repr(text) in str(error.value)


def test_week_parsing_and_53_week_years() -> None:
    assert str(IsoWeek.parse("2026-W47")) == "2026-W47"
    assert str(IsoWeek.parse("2026W05")) == "2026-W05"
    assert str(IsoWeek.parse("2026-W53")) == "2026-W53"  # 2026 has 53 ISO weeks
    assert str(IsoWeek.parse("2027-W01").shifted(-1)) == "2026-W53"


def test_week_across_autumn_daylight_saving_change_is_169_hours() -> None:
    start, end = IsoWeek.parse("2026-W43").bounds(TZ)
    assert (start, end) == (datetime(2026, 10, 18, 21, tzinfo=UTC), datetime(2026, 10, 25, 22, tzinfo=UTC))
    assert (end - start).total_seconds() == 169 * 3600
    days = IsoWeek.parse("2026-W43").day_bounds(TZ)
    assert (days[7] - days[6]).total_seconds() == 25 * 3600  # Sunday 25 October


def test_week_across_spring_change_is_167_hours() -> None:
    start, end = IsoWeek.parse("2026-W13").bounds(TZ)
    assert (end - start).total_seconds() == 167 * 3600


@pytest.mark.parametrize(
    ("logical_date", "week"),
    [
        (datetime(2026, 10, 26, 6, 0, tzinfo=UTC), "2026-W43"),  # Monday 08:00 EET after the change
        (datetime(2026, 10, 19, 5, 0, tzinfo=UTC), "2026-W42"),  # Monday 08:00 EEST
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), "2026-W43"),  # Sunday in UTC, Monday locally
        (datetime(2026, 1, 5, 6, 0, tzinfo=UTC), "2026-W01"),  # W01 starts on 29 Dec 2025
        (datetime(2027, 1, 4, 6, 0, tzinfo=UTC), "2026-W53"),
    ],
)
def test_week_reported_for_logical_date(logical_date: datetime, week: str) -> None:
    assert str(week_reported_for(logical_date, TZ)) == week


def test_manual_run_without_logical_date_uses_run_after() -> None:
    assert str(week_for_run(None, datetime(2026, 11, 2, 6, tzinfo=UTC), TZ)) == "2026-W44"
    with pytest.raises(ReportError):
        week_for_run(None, None, TZ)
