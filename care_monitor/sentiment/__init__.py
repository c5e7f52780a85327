"""Sentiment scoring: one `Scorer` for every language the team works in.

`Scorer().score(text, brand=..., language=..., rating=...)` returns a `SentimentResult`
with a label, a score in -1..1, the detected language and the reasons behind the score.
How each language is scored, the thresholds and the measured quality: docs/sentiment.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from care_monitor.sentiment.language import UNKNOWN, detect_language
from care_monitor.sentiment.scorer import (
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    Scorer,
    label_for,
)


@dataclass(frozen=True)
class SentimentResult:
    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1..1
    language: str | None  # ISO 639-1 code, or "und" when unknown
    reasons: tuple[str, ...]  # the few tokens/rules that drove the score


__all__ = [
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "Scorer",
    "SentimentResult",
    "UNKNOWN",
    "detect_language",
    "label_for",
]
