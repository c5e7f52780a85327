"""Which configured brands a post mentions: pure, case-insensitive, word-boundary matching."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from care_monitor.config import Brand, BrandQuery


def term_pattern(term: str) -> re.Pattern[str]:
    """A term or phrase as a whole-word, case-insensitive pattern.

    Boundaries are "not a word character" on each side, so `@nordwindair` and `#nordwind`
    match as written and `nordwind` does not match inside `nordwindy`. Whitespace inside a
    phrase matches any run of whitespace.
    """
    words = [re.escape(part) for part in term.split()]
    if not words:
        raise ValueError("empty match term")
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class CompiledQuery:
    all: tuple[re.Pattern[str], ...]
    any: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]
    phrases: tuple[re.Pattern[str], ...]
    languages: frozenset[str]

    @classmethod
    def from_query(cls, query: BrandQuery) -> "CompiledQuery":
        def compile_all(terms: Iterable[str]) -> tuple[re.Pattern[str], ...]:
            return tuple(term_pattern(term) for term in terms)

        return cls(
            all=compile_all(query.all),
            any=compile_all(query.any),
            none=compile_all(query.none),
            phrases=compile_all(query.phrases),
            languages=frozenset(lang.lower() for lang in query.languages),
        )

    def matches(self, text: str, language: str | None) -> bool:
        # Sources give tags like "pt-BR"; queries name the language ("pt").
        if self.languages and (language or "").lower().split("-")[0] not in self.languages:
            return False
        if not all(p.search(text) for p in self.all):
            return False
        if not all(p.search(text) for p in self.phrases):
            return False
        if self.any and not any(p.search(text) for p in self.any):
            return False
        return not any(p.search(text) for p in self.none)


class BrandMatcher:
    """Compiled once per run from the configured brands; `match` is a pure function of its input."""

    def __init__(self, brands: Iterable[Brand]) -> None:
        self._brands = [
            (brand.name, [CompiledQuery.from_query(q) for q in brand.queries]) for brand in brands
        ]

    @property
    def uses_languages(self) -> bool:
        """Whether any query is restricted to languages (so an unknown language matters)."""
        return any(query.languages for _, queries in self._brands for query in queries)

    def match(self, text: str, language: str | None = None) -> list[str]:
        """Names of the brands whose queries match, in configuration order."""
        return [
            name
            for name, queries in self._brands
            if any(query.matches(text, language) for query in queries)
        ]
