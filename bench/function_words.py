"""The listed function words that the training posts show in another team language.

    python -m bench.function_words      # prints stopwords.SEEN_ELSEWHERE

stopwords.single_language decides a post's language on the function words of one language
alone only when one of them was never seen in a training post of another language
(../shared/data/sentiment-train): "zum" is German only, while "desde" is Spanish and
Portuguese and "tra" Italian and Vietnamese.  The list is data; this script regenerates it,
and tests/sentiment/test_language_detection.py checks the shipped one against it.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict

from bench.datasets import train_rows
from care_monitor.sentiment.features import tokens
from care_monitor.sentiment.language import SUPPORTED_LANGUAGES
from care_monitor.sentiment.stopwords import WORD_LANGUAGE


def seen_elsewhere() -> list[str]:
    """The listed words that occur in at least one training post of another language."""
    languages_of: dict[str, set[str]] = defaultdict(set)
    for language in SUPPORTED_LANGUAGES:
        for _, text in train_rows(language):
            for tok in set(tokens(text)).intersection(WORD_LANGUAGE):
                languages_of[tok].add(language)
    return sorted(word for word, language in WORD_LANGUAGE.items()
                  if languages_of[word] - {language})


def main() -> None:
    words = " ".join(seen_elsewhere())
    print("SEEN_ELSEWHERE = frozenset(\"\"\"")
    print(textwrap.fill(words, width=96))
    print("\"\"\".split())")


if __name__ == "__main__":
    main()
