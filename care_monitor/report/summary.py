"""The report's one-paragraph summary, built from the figures (no language model)."""

from __future__ import annotations

from care_monitor.report import format as fmt
from care_monitor.report.model import ReportData


def _change(current: float | None, previous: float | None) -> str:
    if current is None or previous is None:
        return ""
    if previous == 0:
        return " (none the week before)" if current else ""
    ratio = (current - previous) / previous
    if abs(ratio) < 0.005:
        return ", as many as the week before"
    word = "more" if ratio > 0 else "fewer"
    return f", {abs(ratio) * 100:.0f}% {word} than the week before"


def summary_sentence(data: ReportData) -> str:
    parts: list[str] = []
    if data.coverage.all_down:
        parts.append("Every source was down this week, so these figures are not reliable.")
    elif data.coverage.degraded:
        parts.append(
            f"Coverage gaps on {', '.join(data.coverage.degraded)}: counts may be low."
        )
    mentions = data.metric("mentions")
    if data.empty:
        parts.insert(0, f"No mentions of {data.brand} in {data.week}.")
        return " ".join(parts)
    parts.insert(
        0,
        f"{data.brand} had {fmt.count(mentions.current)} mentions in {data.week}"
        f"{_change(mentions.current, mentions.previous)}.",
    )
    net = data.metric("net_sentiment")
    if net.previous is not None and net.direction in ("up", "down"):
        verb = "rose" if net.direction == "up" else "fell"
        parts.insert(1, f"Net sentiment {verb} from {fmt.signed(net.previous)} to {fmt.signed(net.current)}")
    else:
        parts.insert(1, f"Net sentiment was {fmt.signed(net.current)}")
    share = data.metric("negative_share")
    average = f" (4-week average {fmt.percent(share.average_4w)})" if share.average_4w is not None else ""
    parts[1] += f" and {fmt.percent(share.current)} of mentions were negative{average}."
    if data.top_negatives:
        worst = data.top_negatives[0]
        parts.insert(2, f"The most damaging post came from {worst.author} on {worst.source}.")
    return " ".join(parts)
