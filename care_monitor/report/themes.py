"""Complaint themes: terms and phrases that rose most in negative mentions.

Negative posts of the reported week are compared with those of the four weeks before, per
language.  scikit-learn's CountVectorizer extracts words and two-word phrases (binary: a
post counts once per term) with the `stop-words` package's list for the post's language; the
texts are streamed from the database in batches and only per-term counts are kept, so memory
grows with the vocabulary, not with the number of mentions.
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import CountVectorizer
from stop_words import LANGUAGE_MAPPING, get_stop_words

BASELINE_WEEKS = 4
# Most damaging negative posts read per week: bounds the work on a very busy week.
POSTS_PER_WEEK_CAP = 5000
MIN_COUNT = 2
THEMES_PER_LANGUAGE = 5
MAX_LANGUAGES = 4
# Words of two or more letters (any script); digits and underscores are not themes.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"[@#]\w+")


def stop_words_for(language: str) -> list[str]:
    """The stop words of an ISO 639-1 language; English for unknown or unsupported ones."""
    code = language.split("-")[0].lower()
    return list(get_stop_words(code if code in LANGUAGE_MAPPING else "en"))


def clean(text: str) -> str:
    """Drop links, handles and hashtags: they name people and places, not complaints."""
    return _HANDLE.sub(" ", _URL.sub(" ", text))


@dataclass
class _LanguageCounts:
    current_posts: int = 0
    baseline_posts: int = 0
    current: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    baseline: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    example: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RawTheme:
    language: str
    term: str
    count: int
    baseline_weekly: float
    rise: float
    example_id: int


@dataclass(frozen=True)
class LanguageSummary:
    language: str
    negatives: int
    baseline_negatives: int
    themes: list[RawTheme]


class ThemeCounter:
    """Feed it batches of rows (is_baseline, id, language, title, text); ask for the themes."""

    def __init__(self, excluded_terms: Iterable[str] = ()) -> None:
        self._excluded = {t.lower() for t in excluded_terms}
        self._by_language: dict[str, _LanguageCounts] = defaultdict(_LanguageCounts)

    def add_batch(self, rows: list[dict]) -> None:
        by_language: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_language[str(row["language"]).lower()].append(row)
        for language, language_rows in by_language.items():
            self._count(language, language_rows)

    def _vectoriser(self, language: str) -> CountVectorizer:
        stop = sorted(set(stop_words_for(language)) | self._excluded)
        return CountVectorizer(
            ngram_range=(1, 2), binary=True, stop_words=stop, token_pattern=TOKEN_PATTERN
        )

    def _count(self, language: str, rows: list[dict]) -> None:
        counts = self._by_language[language]
        texts = [clean(f"{row['title']}\n{row['text']}") for row in rows]
        for row in rows:
            if row["is_baseline"]:
                counts.baseline_posts += 1
            else:
                counts.current_posts += 1
        vectoriser = self._vectoriser(language)
        try:
            with warnings.catch_warnings():
                # the lists hold contractions ("shan't") the token pattern never produces
                warnings.filterwarnings("ignore", message="Your stop_words may be inconsistent")
                matrix = vectoriser.fit_transform(texts).tocsr()
        except ValueError:  # every post was empty once stop words were removed
            return
        vectoriser_terms = vectoriser.get_feature_names_out()
        for index, row in enumerate(rows):
            baseline = bool(row["is_baseline"])
            target = counts.baseline if baseline else counts.current
            for column in matrix.indices[matrix.indptr[index] : matrix.indptr[index + 1]]:
                term = vectoriser_terms[column]
                if self._is_excluded(term):
                    continue
                target[term] += 1
                if not baseline and term not in counts.example:
                    counts.example[term] = int(row["id"])

    def _is_excluded(self, term: str) -> bool:
        return any(word in self._excluded for word in term.split(" "))

    def themes(self) -> list[LanguageSummary]:
        summaries = []
        for language, counts in self._by_language.items():
            if counts.current_posts == 0:
                continue
            summaries.append(
                LanguageSummary(
                    language=language,
                    negatives=counts.current_posts,
                    baseline_negatives=counts.baseline_posts,
                    themes=self._top(language, counts),
                )
            )
        summaries.sort(key=lambda s: (-s.negatives, s.language))
        return summaries[:MAX_LANGUAGES]

    @staticmethod
    def _top(language: str, counts: _LanguageCounts) -> list[RawTheme]:
        candidates = []
        for term, count in counts.current.items():
            if count < MIN_COUNT:
                continue
            baseline_weekly = counts.baseline.get(term, 0) / BASELINE_WEEKS
            rise = count - baseline_weekly
            if rise <= 0:
                continue
            candidates.append(
                RawTheme(language, term, count, baseline_weekly, rise, counts.example[term])
            )
        # Most risen first; a phrase beats its own words on a tie (more specific), then A-Z.
        candidates.sort(key=lambda t: (-t.rise, -t.count, -len(t.term.split()), t.term))
        chosen: list[RawTheme] = []
        for theme in candidates:
            if any(_same_theme(theme, c) for c in chosen):
                continue
            chosen.append(theme)
            if len(chosen) == THEMES_PER_LANGUAGE:
                break
        return chosen


def _same_theme(candidate: RawTheme, chosen: RawTheme) -> bool:
    """Overlapping terms from the same posts ("flight delayed", "delayed hours") are one theme:
    a term sharing a word with a chosen one is skipped when it has the same example post or is
    a word of the chosen phrase with the same count."""
    words, chosen_words = set(candidate.term.split(" ")), set(chosen.term.split(" "))
    if not words & chosen_words:
        return False
    return candidate.example_id == chosen.example_id or (
        words <= chosen_words and candidate.count == chosen.count
    )
