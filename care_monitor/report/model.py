"""The report's figures as plain data: what every format (HTML, PDF, JSON, Markdown) renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Direction = Literal["up", "down", "flat", "none"]


@dataclass(frozen=True)
class Metric:
    """One headline figure with the previous week and the 4-week average beside it.

    `higher_is_better` decides whether an arrow is drawn green or red (more negative reach
    is bad news, more mentions is neutral).
    """

    key: str
    label: str
    current: float | None
    previous: float | None
    average_4w: float | None
    kind: Literal["count", "ratio", "signed"] = "count"
    higher_is_better: bool | None = None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def direction(self) -> Direction:
        delta = self.delta
        if delta is None:
            return "none"
        if abs(delta) < 1e-9:
            return "flat"
        return "up" if delta > 0 else "down"

    @property
    def tone(self) -> Literal["good", "bad", "neutral"]:
        if self.higher_is_better is None or self.direction in ("flat", "none"):
            return "neutral"
        return "good" if (self.direction == "up") == self.higher_is_better else "bad"


@dataclass(frozen=True)
class WeekFigures:
    mentions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    negative_reach: int = 0

    @property
    def net_sentiment(self) -> float | None:
        return (self.positive - self.negative) / self.mentions if self.mentions else None

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.mentions if self.mentions else None


@dataclass(frozen=True)
class Daily:
    days: list[str]
    by_source: dict[str, list[int]]
    by_label: dict[str, list[int]]


@dataclass(frozen=True)
class VoiceShare:
    brand: str
    is_subject: bool
    mentions: int
    share: float | None
    net_sentiment: float | None
    previous_mentions: int
    previous_share: float | None
    previous_net_sentiment: float | None


@dataclass(frozen=True)
class Alerted:
    alert_id: int
    raised_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class NegativePost:
    mention_id: int
    source: str
    url: str | None
    author: str
    followers: int | None
    excerpt: str
    language: str | None
    published_at: datetime | None
    score: float | None
    damage: float
    reasons: list[str]
    alert: Alerted | None


@dataclass(frozen=True)
class ThemeExample:
    mention_id: int
    excerpt: str
    author: str
    source: str
    url: str | None


@dataclass(frozen=True)
class Theme:
    term: str
    count: int
    baseline_weekly: float
    rise: float
    example: ThemeExample | None


@dataclass(frozen=True)
class LanguageThemes:
    language: str
    negatives: int
    baseline_negatives: int
    themes: list[Theme]


@dataclass(frozen=True)
class Response:
    measured: bool
    negatives: int
    answered: int
    within_target: int
    target_s: int
    median_s: int | None
    p90_s: int | None

    @property
    def within_target_share(self) -> float | None:
        return self.within_target / self.negatives if self.negatives else None


@dataclass(frozen=True)
class Speed:
    alerts_raised: int
    median_s: int | None
    p90_s: int | None
    delivered: int
    failed_deliveries: int
    pending_deliveries: int
    response: Response


@dataclass(frozen=True)
class BreakdownRow:
    value: str
    mentions: int
    negative: int
    previous_mentions: int


@dataclass(frozen=True)
class CoverageRow:
    source: str
    source_type: str | None
    expected_polls: int | None
    runs: int
    ok_runs: int
    error_runs: int
    success_share: float | None
    rate_limited_waits: int
    pages_skipped: int
    truncated_runs: int
    min_quota_remaining: int | None
    last_error: str | None
    status: Literal["ok", "degraded", "down"]


@dataclass(frozen=True)
class Coverage:
    rows: list[CoverageRow]
    all_down: bool
    degraded: list[str]


@dataclass
class ReportData:
    brand: str
    week: str
    timezone: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    headline: list[Metric]
    summary: str
    daily: Daily
    share_of_voice: list[VoiceShare]
    top_negatives: list[NegativePost]
    themes: list[LanguageThemes]
    speed: Speed
    languages: list[BreakdownRow]
    sources: list[BreakdownRow]
    coverage: Coverage
    weeks: list[WeekFigures] = field(default_factory=list)  # reported week first, then 4 before

    @property
    def empty(self) -> bool:
        return self.weeks[0].mentions == 0 if self.weeks else True

    def metric(self, key: str) -> Metric:
        return next(m for m in self.headline if m.key == key)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["empty"] = self.empty
        data["headline"] = [
            {**asdict(m), "delta": m.delta, "direction": m.direction, "tone": m.tone}
            for m in self.headline
        ]
        data["weeks"] = [
            {**asdict(w), "net_sentiment": w.net_sentiment, "negative_share": w.negative_share}
            for w in self.weeks
        ]
        data["speed"]["response"]["within_target_share"] = self.speed.response.within_target_share
        return data
