"""Sentiment scoring: one `Scorer` for every language the team works in.

`Scorer().score(text, brand=..., language=..., rating=...)` returns a `SentimentResult`
with a label, a score in -1..1, the detected language and the reasons behind the score.
How each language is scored, the thresholds and the measured quality: docs/sentiment.md.
"""

from __future__ import annotations

from care_monitor.sentiment.language import UNKNOWN, detect_language
from care_monitor.sentiment.scorer import (
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    Scorer,
    label_for,
)
from care_monitor.sentiment.result import SentimentResult


__all__ = [
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "Scorer",
    "SentimentResult",
    "UNKNOWN",
    "detect_language",
    "label_for",
]
