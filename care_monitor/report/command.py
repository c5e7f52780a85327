"""Entry points: the CLI command, the DAG task and `make demo` call these.

`produce_report` is the whole job for one brand and week: build (SQL), render, archive (files
plus `report_archive` rows, replaced on rerun) and, when asked, queue delivery through the
outbox.  `run_report_command` is `care-monitor report`.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, inspect, select, func

from care_monitor.config import Config
from care_monitor.report import archive
from care_monitor.report.build import build_report, resolve_brand
from care_monitor.report.charts import Chart, all_charts
from care_monitor.report.chromium import find_chromium, html_to_pdf
from care_monitor.report.errors import ReportError
from care_monitor.report.model import ReportData
from care_monitor.report.render import render_html, render_json, render_markdown
from care_monitor.report.week import IsoWeek, last_full_week
from care_monitor.storage.db import make_engine
from care_monitor.storage.models import MentionBrandRow

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf", "json", "md")
ARCHIVE_FORMATS = ("html", "pdf", "json")


@dataclass
class ReportResult:
    data: ReportData
    charts: dict[str, Chart]
    paths: dict[str, Path] = field(default_factory=dict)
    alert_id: int | None = None


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    return fmt


def report_brands(config: Config, brand: str | None) -> list[str]:
    """The named brand, or every configured brand that is not a competitor."""
    if brand is not None:
        return [resolve_brand(config, brand).name]
    return [b.name for b in config.brands if not b.competitor]


def render_to(data: ReportData, charts: dict[str, Chart], fmt: str, path: Path) -> Path:
    """Write one format of the report to `path` (atomically)."""
    check_format(fmt)
    if fmt == "pdf":
        with tempfile.TemporaryDirectory(prefix="care-monitor-report-") as work:
            html_path = Path(work) / "report.html"
            html_path.write_text(render_html(data, charts), encoding="utf-8")
            pdf_path = html_to_pdf(html_path, Path(work) / "report.pdf")
            archive.write_atomically(path, pdf_path.read_bytes())
        return path
    text = {
        "html": lambda: render_html(data, charts),
        "json": lambda: render_json(data),
        "md": lambda: render_markdown(data),
    }[fmt]()
    archive.write_atomically(path, text.encode("utf-8"))
    return path


def _require_archive_table(engine: Engine) -> None:
    if not inspect(engine).has_table("report_archive"):
        raise ReportError("the database has no report_archive table: run `care-monitor db upgrade`")


def produce_report(
    config: Config,
    brand: str,
    week: IsoWeek,
    *,
    engine: Engine,
    formats: Sequence[str] = ARCHIVE_FORMATS,
    deliver: bool = False,
    now: datetime | None = None,
) -> ReportResult:
    """Build, render and archive one brand's report (and queue its delivery when `deliver`)."""
    for fmt in formats:
        check_format(fmt)
    _require_archive_table(engine)
    with engine.connect() as conn:
        data = build_report(conn, config, brand, week, now=now)
    charts = all_charts(data)
    result = ReportResult(data, charts)
    reports_dir = Path(config.reports_dir)
    generated_at = now or datetime.now(timezone.utc)
    for fmt in formats:
        path = render_to(data, charts, fmt, archive.report_path(reports_dir, data.brand, data.week, fmt))
        archive.record(engine, data.brand, data.week, fmt, path, generated_at)
        result.paths[fmt] = path
    if deliver:
        from care_monitor.report.delivery import raise_report_alert
        from care_monitor.storage.repository import Storage

        html_path = result.paths.get("html") or archive.report_path(
            reports_dir, data.brand, data.week, "html"
        )
        result.alert_id = raise_report_alert(Storage(engine), config, data, charts, html_path)
    return result


def _parse_week(config: Config, week: str | None) -> IsoWeek:
    if week is None:
        return last_full_week(datetime.now(timezone.utc), config.timezone)
    return IsoWeek.parse(week)


def run_report_command(
    config: Config, *, brand: str | None, week: str | None, fmt: str, out: Path | None
) -> list[Path]:
    """`care-monitor report`: one file per brand.

    Without `out` the reports go to the archive (reports_dir, recorded in report_archive).
    With `out`: a file path when one brand is reported, else (or when `out` is a directory)
    the directory the files are written to.
    """
    check_format(fmt)
    iso_week = _parse_week(config, week)
    brands = report_brands(config, brand)
    engine = make_engine(config.resolved_database_url())
    try:
        if out is None:
            return [
                produce_report(config, name, iso_week, engine=engine, formats=[fmt]).paths[fmt]
                for name in brands
            ]
        paths = []
        for name in brands:
            with engine.connect() as conn:
                data = build_report(conn, config, name, iso_week)
            if len(brands) == 1 and not out.is_dir():
                target = out
            else:
                target = out / archive.report_path(Path("."), data.brand, data.week, fmt).name
            paths.append(render_to(data, all_charts(data), fmt, target))
        return paths
    finally:
        engine.dispose()


def latest_week_with_mentions(engine: Engine, brand: str, tz: str) -> IsoWeek | None:
    with engine.connect() as conn:
        latest = conn.execute(
            select(func.max(MentionBrandRow.created_at)).where(MentionBrandRow.brand == brand)
        ).scalar_one_or_none()
    if latest is None:
        return None
    from care_monitor.report.queries import as_utc
    from zoneinfo import ZoneInfo

    return IsoWeek.containing(as_utc(latest).astimezone(ZoneInfo(tz)).date())


def generate_demo_report(config: Config, database_url: str) -> Path:
    """`make demo`: the report of the replayed data (first monitored brand, the week of its
    latest mention) in HTML and JSON, plus PDF when Chromium is installed; returns the HTML."""
    brand = report_brands(config, None)[0]
    engine = make_engine(database_url)
    try:
        week = latest_week_with_mentions(engine, brand, config.timezone) or last_full_week(
            datetime.now(timezone.utc), config.timezone
        )
        formats = ["html", "json"] + (["pdf"] if find_chromium() else [])
        if "pdf" not in formats:
            log.warning("chromium not installed: the demo report has no PDF")
        result = produce_report(config, brand, week, engine=engine, formats=formats)
        return result.paths["html"]
    finally:
        engine.dispose()
