"""What the scorer returns for one text."""

from __future__ import annotations

from typing import NamedTuple


class SentimentResult(NamedTuple):  # immutable, and ~5x cheaper to build than a frozen dataclass
    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1..1
    language: str | None  # ISO 639-1 code, or "und" when unknown
    reasons: tuple[str, ...]  # the few tokens/rules that drove the score
