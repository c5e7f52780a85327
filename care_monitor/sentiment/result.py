"""What the scorer returns for one text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SentimentResult:
    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1..1
    language: str | None  # ISO 639-1 code, or "und" when unknown
    reasons: tuple[str, ...]  # the few tokens/rules that drove the score
