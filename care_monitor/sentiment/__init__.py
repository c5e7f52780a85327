"""Sentiment scoring: one `Scorer` for every language the team works in.

`Scorer().score(text, brand=..., language=..., rating=...)` returns a `SentimentResult`
with a label, a score in -1..1, the detected language and the reasons behind the score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from care_monitor.sentiment.language import UNKNOWN, detect_language

NEGATIVE_THRESHOLD = -0.05
POSITIVE_THRESHOLD = 0.05


@dataclass(frozen=True)
class SentimentResult:
    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1..1
    language: str | None  # ISO 639-1 code or "und"
    reasons: tuple[str, ...]


def label_for(score: float) -> str:
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    if score >= POSITIVE_THRESHOLD:
        return "positive"
    return "neutral"


class Scorer:
    def __init__(self, brand_lexicons: dict[str, dict[str, float]] | None = None) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()
        self._brand_lexicons = {k.lower(): v for k, v in (brand_lexicons or {}).items()}

    def score(
        self,
        text: str,
        *,
        brand: str | None = None,
        language: str | None = None,
        rating: int | None = None,
    ) -> SentimentResult:
        detected = detect_language(text, hint=language)
        compound = self._vader.polarity_scores(text)["compound"]
        reasons: tuple[str, ...] = ()
        if rating is not None and rating <= 2 and compound > -0.5:
            compound = -0.5
            reasons = (f"rating {rating}/5",)
        return SentimentResult(label_for(compound), round(compound, 4), detected, reasons)

    def score_many(self, texts: Iterable[str], **kwargs) -> list[SentimentResult]:
        return [self.score(text, **kwargs) for text in texts]


__all__ = ["Scorer", "SentimentResult", "UNKNOWN", "detect_language", "label_for"]
