"""ISO weeks bounded in the team's time zone.

A week runs from Monday 00:00 local time to the next Monday 00:00 local time, so a week that
contains a daylight-saving change lasts 167 or 169 hours; every boundary is computed in local
time first and only then converted to UTC for the queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from care_monitor.report.errors import ReportError

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        """``2026-W47`` (or ``2026W47``) -> IsoWeek; anything else raises ReportError."""
        match = _WEEK.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ReportError(f"malformed week {text!r}: expected an ISO week like 2026-W47")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ReportError(f"malformed week {text!r}: {year} has no ISO week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> "IsoWeek":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def shifted(self, weeks: int) -> "IsoWeek":
        return IsoWeek.containing(self.monday + timedelta(weeks=weeks))

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def bounds(self, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the week in UTC: local Monday 00:00 to the next local Monday 00:00."""
        return local_midnight_utc(self.monday, tz), local_midnight_utc(self.monday + timedelta(7), tz)

    def day_bounds(self, tz: str | ZoneInfo) -> list[datetime]:
        """The 8 UTC instants that cut the week into its 7 local days."""
        return [local_midnight_utc(self.monday + timedelta(days=i), tz) for i in range(8)]


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def local_midnight_utc(day: date, tz: str | ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=_zone(tz)).astimezone(timezone.utc)


def week_reported_for(logical_date: datetime, tz: str | ZoneInfo) -> IsoWeek:
    """The ISO week a scheduled run reports on: the last full week before its logical date.

    The logical date is taken in the team's time zone, so a run at Monday 08:00 local time
    (Monday 05:00 or 06:00 UTC) reports the week that ended at Monday 00:00 local time.
    """
    if logical_date.tzinfo is None:
        raise ReportError(f"logical date {logical_date.isoformat()} has no time zone")
    local_day = logical_date.astimezone(_zone(tz)).date()
    return IsoWeek.containing(local_day).shifted(-1)


def last_full_week(now: datetime, tz: str | ZoneInfo) -> IsoWeek:
    """The week before the one containing `now` (the CLI's default)."""
    return week_reported_for(now, tz)


def week_for_run(
    logical_date: datetime | None, run_after: datetime | None, tz: str | ZoneInfo
) -> IsoWeek:
    """The week an Airflow run reports on: from its logical date, or (a manual run triggered
    without one) from the time it was scheduled to run after — never from the wall clock."""
    moment = logical_date or run_after
    if moment is None:
        raise ReportError("the run has neither a logical date nor a run-after time")
    return week_reported_for(moment, tz)
