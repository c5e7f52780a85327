"""Delivering a weekly report through the alert outbox (kind ``weekly_report``).

One alert per (brand, week) — dedupe key ``report:<brand>:<week>`` — with one outbox row per
channel, so a failed send is retried by the next delivery run and a successful one is never
repeated, even when the report is re-rendered.  Slack and webhooks render the generic
payload (title, summary text, headline fields, link); e-mail gets the full HTML report with
its charts as inline (cid:) images and a plain-text part (the payload's prepared `email`).
"""

from __future__ import annotations

import base64
from pathlib import Path

from care_monitor.alerting.outbox import DeliveryReport, deliver_configured
from care_monitor.config import Config
from care_monitor.report import format as fmt
from care_monitor.report.charts import Chart
from care_monitor.report.errors import ReportError
from care_monitor.report.model import ReportData
from care_monitor.report.render import content_id_src, render_html, render_markdown
from care_monitor.storage.repository import Storage

KIND = "weekly_report"


def dedupe_key(brand: str, week: str) -> str:
    return f"report:{brand}:{week}"


def report_channels(config: Config) -> list[str]:
    configured = [c.name for c in config.alerts.channels]
    wanted = config.report.channels if config.report.channels is not None else configured
    unknown = [name for name in wanted if name not in configured]
    if unknown:
        raise ReportError(
            f"report.channels names unknown channel(s) {', '.join(map(repr, unknown))} "
            f"(configured: {', '.join(configured) or 'none'})"
        )
    return list(wanted)


def report_link(config: Config, html_path: Path) -> str | None:
    """The report's URL when `report.link_base_url` says where reports_dir is served."""
    if not config.report.link_base_url:
        return None
    try:
        relative = html_path.resolve().relative_to(Path(config.reports_dir).resolve())
    except ValueError:
        relative = Path(html_path.name)
    return config.report.link_base_url.rstrip("/") + "/" + relative.as_posix()


def headline_fields(data: ReportData) -> dict[str, str]:
    fields = {}
    for m in data.headline:
        delta = fmt.metric_delta(m)
        fields[m.label] = f"{fmt.metric_value(m, m.current)} ({delta}, prev {fmt.metric_value(m, m.previous)})"
    return fields


def alert_payload(
    data: ReportData, charts: dict[str, Chart], html_path: Path, config: Config
) -> dict:
    """What the outbox stores: generic fields for every channel plus the e-mail's parts."""
    fields = headline_fields(data)
    fields["Archived report"] = str(html_path)
    return {
        "title": f"{data.brand} weekly report {data.week}",
        "text": data.summary,
        "url": report_link(config, html_path),
        "fields": fields,
        "report": {"brand": data.brand, "week": data.week},
        "email": {
            "subject": f"{data.brand} · weekly reputation report {data.week}",
            "html": render_html(data, charts, image_src=content_id_src),
            "text": render_markdown(data),
            "images": {
                chart.content_id: base64.b64encode(chart.png).decode("ascii")
                for chart in charts.values()
            },
        },
    }


def raise_report_alert(
    storage: Storage, config: Config, data: ReportData, charts: dict[str, Chart], html_path: Path
) -> int | None:
    """Queue the report for delivery; None when this (brand, week) was queued before."""
    return storage.raise_alert(
        KIND,
        dedupe_key(data.brand, data.week),
        alert_payload(data, charts, html_path, config),
        report_channels(config),
        brand=data.brand,
    )


def deliver_reports(storage: Storage, config: Config, **kwargs) -> DeliveryReport:
    """Drain the outbox (reports and alerts alike): e-mail channels send the prepared report."""
    return deliver_configured(storage, config.alerts, **kwargs)
