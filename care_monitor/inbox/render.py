"""HTML for the inbox: one Jinja2 environment with autoescape on, and the small formatters it uses.

Post text, titles, author names and reasons are untrusted: the templates never mark them safe,
links from posts are kept only when they are plain http(s) (`safe_url`).
"""

from __future__ import annotations

from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from care_monitor.alerting.escaping import clean_text, safe_url, truncate

EXCERPT_CHARS = 600

_env = Environment(
    loader=PackageLoader("care_monitor.inbox", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def relative_time(moment: datetime | None, now: datetime) -> str:
    """"just now", "12 min ago", "5 h ago", "3 d ago"; older than a month: the date."""
    if moment is None:
        return ""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 30 * 86400:
        return f"{int(seconds // 86400)} d ago"
    return moment.strftime("%d %b %Y")


def duration(seconds: float) -> str:
    """A short span: "45 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        return f"{hours} h {rest // 60} min" if rest >= 60 else f"{hours} h"
    days, rest = divmod(seconds, 86400)
    return f"{days} d {rest // 3600} h" if rest >= 3600 else f"{days} d"


def utc_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def compact_count(value: int | None) -> str:
    """12 -> "12", 12345 -> "12.3k", 2_400_000 -> "2.4M"."""
    if value is None:
        return ""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return str(value)


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """Plain text (still to be escaped by the template), newlines kept for `white-space: pre-line`."""
    return truncate(clean_text(text), limit)


_env.filters.update(
    relative_time=relative_time,
    duration=duration,
    utc_time=utc_time,
    compact_count=compact_count,
    excerpt=excerpt,
    safe_url=safe_url,
)


def render(template: str, **context: object) -> str:
    return _env.get_template(template).render(**context)
