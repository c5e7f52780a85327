"""Offline language identification (lingua ships its models inside the wheel)."""

from __future__ import annotations

from functools import lru_cache

UNKNOWN = "und"


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.GERMAN,
        Language.ITALIAN, Language.PORTUGUESE, Language.ROMANIAN, Language.VIETNAMESE,
    ]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code of `text`, `hint` when unsure, or "und"."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 3:
        return hint or UNKNOWN
    language = _detector().detect_language_of(text)
    if language is None:
        return hint or UNKNOWN
    return language.iso_code_639_1.name.lower()
