"""The weekly reputation report: per brand and ISO week, built from the SQL in sql/report/.

Entry points live in `care_monitor.report.command`; see docs/report.md.
"""

from care_monitor.report.errors import ReportError
from care_monitor.report.week import IsoWeek, week_reported_for

__all__ = ["IsoWeek", "ReportError", "week_reported_for"]
