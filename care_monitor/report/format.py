"""How figures are written in every format: counts, percentages, signed scores, durations."""

from __future__ import annotations

from care_monitor.report.model import Metric

ARROWS = {"up": "▲", "down": "▼", "flat": "▶", "none": ""}


def count(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value)):,}"
    return f"{value:,.1f}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def signed(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:+.2f}"
    return text.replace("-", "−")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


def metric_value(metric: Metric, value: float | None) -> str:
    if metric.kind == "ratio":
        return percent(value)
    if metric.kind == "signed":
        return signed(value)
    return count(value)


def metric_delta(metric: Metric) -> str:
    """`▲ 12%` for counts (relative change), `▼ 5 pts` for ratios, `▲ +0.10` for scores."""
    delta = metric.delta
    if delta is None:
        return "no previous week" if metric.previous is None else ""
    arrow = ARROWS[metric.direction]
    if metric.kind == "ratio":
        return f"{arrow} {abs(delta) * 100:.0f} pts"
    if metric.kind == "signed":
        return f"{arrow} {abs(delta):.2f}"
    if not metric.previous:
        return f"{arrow} {count(abs(delta))}" if delta else f"{arrow} 0"
    return f"{arrow} {abs(delta) / metric.previous * 100:.0f}%"
