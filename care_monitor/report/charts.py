"""The report's charts: matplotlib (Agg backend), one style, sized for a 640-px e-mail.

Each chart is a PNG (drawn at twice its display size for sharp screens) with alt text that
states the figures it shows, so a reader without images loses nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from care_monitor.report import format as fmt  # noqa: E402
from care_monitor.report.model import ReportData  # noqa: E402

DISPLAY_WIDTH_PX = 600
DPI = 200
INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
SENTIMENT_COLOURS = {"positive": "#2f9e44", "neutral": "#868e96", "negative": "#e03131"}
SOURCE_PALETTE = ["#1c7ed6", "#f59f00", "#7048e8", "#0ca678", "#e8590c", "#d6336c", "#495057"]
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": GRID,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "legend.frameon": False,
    "legend.fontsize": 8,
}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    alt: str
    png: bytes
    width_px: int = DISPLAY_WIDTH_PX

    @property
    def content_id(self) -> str:
        return f"{self.name}@care-monitor"


def _figure(height_in: float = 2.3) -> tuple[Figure, plt.Axes]:
    """Call inside the rc_context that styles the chart."""
    return plt.subplots(figsize=(DISPLAY_WIDTH_PX / 100, height_in), dpi=DPI)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout(pad=0.6)
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def _short_days(days: list[str]) -> list[str]:
    return [d.rsplit(" ", 1)[0] for d in days]  # "Mon 19 Oct" -> "Mon 19"


def mentions_by_source(data: ReportData) -> Chart:
    days = _short_days(data.daily.days)
    with plt.rc_context(STYLE):
        fig, ax = _figure()
        bottom = [0] * 7
        for index, (source, counts) in enumerate(data.daily.by_source.items()):
            ax.bar(days, counts, bottom=bottom, label=source, width=0.65,
                   color=SOURCE_PALETTE[index % len(SOURCE_PALETTE)])
            bottom = [b + c for b, c in zip(bottom, counts)]
        ax.set_title("Mentions per day, by source", color=INK)
        ax.yaxis.get_major_locator().set_params(integer=True)
        if data.daily.by_source:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.tick_params(length=0)
    totals = ", ".join(f"{day} {count}" for day, count in zip(days, bottom))
    per_source = "; ".join(
        f"{source} {sum(counts)}" for source, counts in data.daily.by_source.items()
    )
    alt = f"Stacked bars of mentions per day: {totals}. By source over the week: {per_source or 'none'}."
    return Chart("mentions-by-source", "Mentions per day by source", alt, _png(fig))


def sentiment_by_day(data: ReportData) -> Chart:
    days = _short_days(data.daily.days)
    with plt.rc_context(STYLE):
        fig, ax = _figure()
        for label in ("positive", "neutral", "negative"):
            counts = data.daily.by_label.get(label, [0] * 7)
            ax.plot(days, counts, marker="o", markersize=3, linewidth=1.8, label=label,
                    color=SENTIMENT_COLOURS[label])
        ax.set_title("Sentiment per day (mentions)", color=INK)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.tick_params(length=0)
    alt = "Lines of mentions per day by sentiment: " + "; ".join(
        f"{label} " + ", ".join(str(c) for c in data.daily.by_label.get(label, [0] * 7))
        for label in ("positive", "neutral", "negative")
    ) + f" (days {days[0]} to {days[-1]})."
    return Chart("sentiment-by-day", "Sentiment per day", alt, _png(fig))


def share_of_voice(data: ReportData) -> Chart:
    rows = data.share_of_voice
    height = 0.5 + 0.38 * max(len(rows), 1)
    with plt.rc_context({**STYLE, "axes.grid.axis": "x"}):
        fig, ax = _figure(max(height, 1.2))
        names = [r.brand for r in rows][::-1]
        shares = [(r.share or 0) * 100 for r in rows][::-1]
        colours = ["#1c7ed6" if r.is_subject else "#adb5bd" for r in rows][::-1]
        ax.set_axisbelow(True)
        bars = ax.barh(names, shares, color=colours, height=0.6)
        for bar, row in zip(bars, rows[::-1]):
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2,
                    f"{fmt.percent(row.share)}  ·  net {fmt.signed(row.net_sentiment)}",
                    va="center", color=INK, fontsize=8)
        ax.set_xlim(0, 115)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xticklabels(["0%", "25%", "50%", "75%", "100%"])
        ax.set_title("Share of voice and net sentiment", color=INK)
        ax.tick_params(length=0)
    alt = "Bars of share of voice: " + "; ".join(
        f"{r.brand} {fmt.percent(r.share)} of mentions, net sentiment {fmt.signed(r.net_sentiment)}"
        for r in rows
    ) + "."
    return Chart("share-of-voice", "Share of voice", alt, _png(fig))


def all_charts(data: ReportData) -> dict[str, Chart]:
    """The report's charts by name (share of voice only when competitors are configured)."""
    charts = [mentions_by_source(data), sentiment_by_day(data)]
    if len(data.share_of_voice) > 1:
        charts.append(share_of_voice(data))
    return {chart.name: chart for chart in charts}
