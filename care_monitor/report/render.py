"""Rendering ReportData: HTML (e-mail and archive), JSON, Markdown / plain text.

HTML uses Jinja2 with autoescape on: post text, author names and error messages are data,
never markup.  Links from posts are only kept when they are http(s).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from care_monitor.report import format as fmt
from care_monitor.report.charts import Chart
from care_monitor.report.model import ReportData
from care_monitor.report.themes import POSTS_PER_WEEK_CAP

LANGUAGE_NAMES = {
    "en": "English", "ro": "Romanian", "de": "German", "fr": "French", "es": "Spanish",
    "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "hu": "Hungarian",
    "vi": "Vietnamese", "unknown": "Unknown language",
}

_env = Environment(
    loader=PackageLoader("care_monitor.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None (no javascript:, data: or mailto: from a post)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.lower(), code)


def data_uri(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def content_id_src(chart: Chart) -> str:
    return f"cid:{chart.content_id}"


def render_html(
    data: ReportData, charts: dict[str, Chart], image_src: Callable[[Chart], str] = data_uri
) -> str:
    """The report page; `image_src` decides how charts are referenced (data: or cid:)."""
    tz = ZoneInfo(data.timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%a %d %b %H:%M") if moment else "–"

    return _env.get_template("report.html.j2").render(
        data=data,
        charts=charts,
        image_src=image_src,
        fmt=fmt,
        local=local,
        safe_url=safe_url,
        language_name=language_name,
        last_day=data.period_end - timedelta(days=1),
        theme_cap=POSTS_PER_WEEK_CAP,
    )


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def render_json(data: ReportData) -> str:
    return json.dumps(data.to_dict(), default=_json_default, ensure_ascii=False, indent=2)


def _md(text: str) -> str:
    """Markdown-inert text: escape the characters that make links, emphasis or HTML."""
    out = []
    for char in text.replace("\n", " "):
        out.append("\\" + char if char in "\\`*_[]<>|" else char)
    return "".join(out)


def render_markdown(data: ReportData) -> str:
    tz = ZoneInfo(data.timezone)
    last_day = (data.period_end - timedelta(days=1)).strftime("%a %d %b %Y")
    lines = [
        f"# {_md(data.brand)} · weekly report {data.week}",
        "",
        f"{data.period_start.strftime('%a %d %b %Y')} – {last_day} ({data.timezone})",
        "",
    ]
    if data.coverage.all_down:
        lines += ["**Every source was down this week: the figures are not reliable.**", ""]
    lines += [_md(data.summary), ""]
    if data.empty:
        lines += ["**No mentions this week.**", ""]
    lines += ["| Figure | This week | Change | Previous | 4-wk avg |", "|---|---:|---|---:|---:|"]
    for m in data.headline:
        lines.append(
            f"| {m.label} | {fmt.metric_value(m, m.current)} | {fmt.metric_delta(m)} | "
            f"{fmt.metric_value(m, m.previous)} | {fmt.metric_value(m, m.average_4w)} |"
        )
    if len(data.share_of_voice) > 1:
        lines += ["", "## Share of voice", "", "| Brand | Mentions | Share | Net | Prev share |",
                  "|---|---:|---:|---:|---:|"]
        for s in data.share_of_voice:
            lines.append(
                f"| {_md(s.brand)} | {s.mentions} | {fmt.percent(s.share)} | "
                f"{fmt.signed(s.net_sentiment)} | {fmt.percent(s.previous_share)} |"
            )
    lines += ["", "## Posts that hurt most", ""]
    for i, p in enumerate(data.top_negatives, 1):
        link = safe_url(p.url)
        followers = f", {fmt.count(p.followers)} followers" if p.followers is not None else ""
        alert = (
            f"alert {p.alert.raised_at.astimezone(tz):%a %H:%M}" if p.alert and p.alert.raised_at
            else "no alert"
        )
        lines.append(
            f"{i}. {_md(p.excerpt)} — {_md(p.author)}{followers}, {_md(p.source)}, "
            f"score {fmt.signed(p.score)}, {alert}" + (f" <{link}>" if link else "")
        )
    if not data.top_negatives:
        lines.append("No negative mentions this week.")
    lines += ["", "## Complaint themes", ""]
    for lang in data.themes:
        lines.append(f"**{language_name(lang.language)}** ({lang.negatives} negative posts)")
        for t in lang.themes:
            example = f" — e.g. “{_md(t.example.excerpt)}”" if t.example else ""
            lines.append(f"- {_md(t.term)}: {t.count} posts (was {fmt.count(t.baseline_weekly)}/wk){example}")
        lines.append("")
    s, r = data.speed, data.speed.response
    lines += [
        "## Speed", "",
        f"- Alerts raised {s.alerts_raised}, delivered {s.delivered}, failed deliveries "
        f"{s.failed_deliveries}, pending {s.pending_deliveries}",
        f"- Post → alert: median {fmt.duration(s.median_s)}, p90 {fmt.duration(s.p90_s)}",
    ]
    if r.measured:
        lines.append(
            f"- First response: median {fmt.duration(r.median_s)}, p90 {fmt.duration(r.p90_s)}, "
            f"{fmt.percent(r.within_target_share)} of negative posts answered within "
            f"{fmt.duration(r.target_s)}"
        )
    else:
        lines.append("- First-response time is not measured yet.")
    lines += ["", "## Coverage", "", "| Source | Polls OK | Errors | Rate-limited | Status |",
              "|---|---:|---:|---:|---|"]
    for c in data.coverage.rows:
        lines.append(
            f"| {_md(c.source)} | {fmt.percent(c.success_share)} ({c.ok_runs}/{c.expected_polls or '?'}) | "
            f"{c.error_runs} | {c.rate_limited_waits} | {c.status} |"
        )
    return "\n".join(lines) + "\n"
