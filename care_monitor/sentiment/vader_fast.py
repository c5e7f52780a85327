"""VADER with the same results, computed with less Python work per text.

vaderSentiment 3.3.2 spends most of `polarity_scores` in pure-Python loops that do not need to
be there: it rebuilds the text character by character to replace emoji (string concatenation),
lower-cases every word of the text again for each lexicon word it scores, and walks every word
in Python although only lexicon words can score.  `FastVader` keeps its rules exactly and only
changes how they are computed:

- emoji are replaced by one regular-expression pass (nothing at all when there is none);
- the text's words are lower-cased once;
- only lexicon words are visited (the others score 0, as in VADER);
- `compound()` returns the compound score alone, without the pos/neu/neg shares;
- the word split and the per-word rules run compiled (`_speedups.vader_words`, `score_words`)
  when the extension is built; `_vader_words` and `_score_words` here are their twins.

tests/sentiment/test_vader_fast.py compares it with the original on many varied texts.

Parts of this module are adapted from vaderSentiment 3.3.2 (SentimentIntensityAnalyzer.
polarity_scores, sentiment_valence, _negation_check, _special_idioms_check, _least_check),
Copyright (c) 2016 C.J. Hutto, MIT License:
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions: The above copyright notice
and this permission notice shall be included in all copies or substantial portions of the
Software.  THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
"""

from __future__ import annotations

import itertools
import operator
import re
import string

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

_NEGATE = frozenset(NEGATE)
_PUNCTUATION = string.punctuation


class FastVader(SentimentIntensityAnalyzer):
    """`polarity_scores` equal to vaderSentiment's, plus a cheaper `compound`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # VADER replaces emoji one character at a time: longer keys of its emoji lexicon
        # (sequences with joiners or skin tones) never match, so only single characters count
        singles = sorted(key for key in self.emojis if len(key) == 1)
        # all of VADER's emoji lie beyond ASCII: an ASCII text is cleared by one C call
        self._ascii_is_emoji_free = not any(char.isascii() for char in singles)
        self._emoji_chars = frozenset(singles)
        self._emoji_pattern = re.compile("[" + "".join(map(re.escape, singles)) + "]")

    @property
    def lexicon(self) -> dict[str, float]:
        return self._lexicon

    @lexicon.setter
    def lexicon(self, lexicon: dict[str, float]) -> None:
        """Set by VADER's __init__ and by per-brand copies: score_words' rules follow it."""
        self._lexicon = lexicon
        self._rules = (lexicon, BOOSTER_DICT, _NEGATE, N_SCALAR, C_INCR, _special_idioms_check)

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not isinstance(text, str):
            return super().polarity_scores(text)
        text = self._without_emoji(text).strip()
        return self.score_valence(self._sentiments(text), text)

    def compound(self, text: str) -> float:
        """`polarity_scores(text)["compound"]`, without computing the other three shares."""
        text = self._without_emoji(text).strip()
        sentiments = self._sentiments(text)
        if not sentiments:
            return 0.0
        total = float(sum(sentiments))
        emphasis = _punctuation_emphasis(text)
        if total > 0:
            total += emphasis
        elif total < 0:
            total -= emphasis
        return round(normalize(total), 4)

    def _without_emoji(self, text: str) -> str:
        """Each emoji replaced by its description, with a space before it unless the text
        starts there or a space precedes it in the original text (as VADER's loop does)."""
        if (self._ascii_is_emoji_free and text.isascii()) or self._emoji_chars.isdisjoint(text):
            return text
        emojis = self.emojis

        def describe(match: re.Match[str]) -> str:
            start = match.start()
            description = emojis[match.group(0)]
            return description if start == 0 or text[start - 1] == " " else " " + description

        return self._emoji_pattern.sub(describe, text)

    def _sentiments(self, text: str) -> list[float]:
        """One valence per word, as VADER's per-word loop and `_but_check` compute them."""
        words, lowered, scoring = vader_words(text, self.lexicon)
        if not words:
            return []
        sentiments: list[float] = [0] * len(words)  # VADER's own int 0 for words that do not score
        if scoring:
            capitals = sum(map(str.isupper, words))
            is_cap_diff = 0 < len(words) - capitals < len(words)
            # VADER looks for idioms around lexicon words past the third word; most texts hold
            # none, which one look at their pairs of words tells
            idioms = scoring[-1] > 2 and not _IDIOM_PAIRS.isdisjoint(zip(lowered, lowered[1:]))
            score_words(words, lowered, scoring, sentiments, is_cap_diff, idioms, self._rules)
        if "but" in lowered:
            sentiments = self._but_check(words, sentiments)
        return sentiments


def _score_words(
    words: list[str],
    lowered: list[str],
    scoring: list[int],
    sentiments: list[float],
    is_cap_diff: bool,
    idioms: bool,
    rules: tuple,
) -> None:
    """VADER's valence of each lexicon word at the positions `scoring`, written into
    `sentiments`; boosters and the "kind" of "kind of" do not score.  Pure-Python twin of
    `_speedups.score_words`; `rules` is FastVader._rules."""
    lexicon = rules[0]
    last = len(words) - 1
    for i in scoring:
        word = lowered[i]
        if word in BOOSTER_DICT or (word == "kind" and i < last and lowered[i + 1] == "of"):
            continue
        sentiments[i] = _word_valence(lexicon, words, lowered, i, is_cap_diff, idioms)


def _word_valence(
    lexicon: dict[str, float], words: list[str], lowered: list[str], i: int, is_cap_diff: bool,
    idioms: bool = True,
) -> float:
    """VADER's sentiment_valence for the lexicon word at `i` (`lowered`: words lower-cased;
    `idioms`: False when the text holds none of VADER's multi-word idioms)."""
    word = lowered[i]
    valence = lexicon[word]
    if word == "no" and i != len(words) - 1 and lowered[i + 1] in lexicon:
        valence = 0.0
    if (i > 0 and lowered[i - 1] == "no") or (i > 1 and lowered[i - 2] == "no") or (
        i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor")
    ):
        valence = lexicon[word] * N_SCALAR
    if words[i].isupper() and is_cap_diff:
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    for start_i in range(0, 3):
        before = i - (start_i + 1)
        if i > start_i and lowered[before] not in lexicon:
            scalar = _scalar_inc_dec(words[before], lowered[before], valence, is_cap_diff)
            if start_i == 1 and scalar != 0:
                scalar = scalar * 0.95
            if start_i == 2 and scalar != 0:
                scalar = scalar * 0.9
            valence = valence + scalar
            valence = _negation_check(valence, lowered, start_i, i)
            if start_i == 2 and idioms:
                valence = _special_idioms_check(valence, lowered, i)
    return _least_check(valence, lowered, i, lexicon)


def _vader_words(text: str, lexicon: dict[str, float]) -> tuple[list[str], list[str], list[int]]:
    """VADER's words of `text`, the same lower-cased, and the positions of lexicon words.
    Pure-Python twin of `_speedups.vader_words`."""
    words = _words_and_emoticons(text)
    lowered = list(map(str.lower, words))
    scoring = itertools.compress(range(len(words)), map(lexicon.__contains__, lowered))
    return words, lowered, list(scoring)


def _words_and_emoticons(text: str) -> list[str]:
    """VADER's SentiText words: punctuation stripped from each end, unless that leaves two
    characters or fewer (then the token stays whole: an emoticon such as ":)" or ":-(")."""
    tokens = text.split()
    words = list(map(str.strip, tokens, itertools.repeat(_PUNCTUATION)))
    # str.strip returns the token itself when there is nothing to strip: only the few
    # stripped tokens are looked at in Python
    for i in itertools.compress(range(len(words)), map(operator.is_not, words, tokens)):
        if len(words[i]) <= 2:
            words[i] = tokens[i]
    return words


def _punctuation_emphasis(text: str) -> float:
    """VADER's _punctuation_emphasis: up to 4 "!" and 2 or more "?" add emphasis."""
    ep_count = min(text.count("!"), 4)
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep_amplifier + qm_amplifier


def _negated(word: str) -> bool:
    """vaderSentiment.negated([word]) for one lower-cased word."""
    return word in _NEGATE or "n't" in word


def _scalar_inc_dec(word: str, word_lower: str, valence: float, is_cap_diff: bool) -> float:
    scalar = 0.0
    if word_lower in BOOSTER_DICT:
        scalar = BOOSTER_DICT[word_lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    return scalar


def _negation_check(valence: float, lowered: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated(lowered[i - 1]):
            valence = valence * N_SCALAR
    if start_i == 1:
        if lowered[i - 2] == "never" and (lowered[i - 1] == "so" or lowered[i - 1] == "this"):
            valence = valence * 1.25
        elif lowered[i - 2] == "without" and lowered[i - 1] == "doubt":
            pass
        elif _negated(lowered[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if lowered[i - 3] == "never" and (lowered[i - 2] == "so" or lowered[i - 2] == "this") or (
            lowered[i - 1] == "so" or lowered[i - 1] == "this"
        ):
            valence = valence * 1.25
        elif lowered[i - 3] == "without" and (
            lowered[i - 2] == "doubt" or lowered[i - 1] == "doubt"
        ):
            pass
        elif _negated(lowered[i - 3]):
            valence = valence * N_SCALAR
    return valence


# each pair of consecutive words of VADER's multi-word idioms and boosters ("the shit",
# "kiss of death", "kind of"): a text without any such pair of words cannot hold one
_IDIOM_PAIRS = frozenset(
    pair
    for phrase in (*SPECIAL_CASES, *BOOSTER_DICT)
    for pair in itertools.pairwise(phrase.split())
)


def _special_idioms_check(valence: float, lowered: list[str], i: int) -> float:
    onezero = f"{lowered[i - 1]} {lowered[i]}"
    twoonezero = f"{lowered[i - 2]} {lowered[i - 1]} {lowered[i]}"
    twoone = f"{lowered[i - 2]} {lowered[i - 1]}"
    threetwoone = f"{lowered[i - 3]} {lowered[i - 2]} {lowered[i - 1]}"
    threetwo = f"{lowered[i - 3]} {lowered[i - 2]}"
    for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lowered) - 1 > i:
        zeroone = f"{lowered[i]} {lowered[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lowered) - 1 > i + 1:
        zeroonetwo = f"{lowered[i]} {lowered[i + 1]} {lowered[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least_check(valence: float, lowered: list[str], i: int, lexicon: dict[str, float]) -> float:
    if i > 1 and lowered[i - 1] not in lexicon and lowered[i - 1] == "least":
        if lowered[i - 2] != "at" and lowered[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lowered[i - 1] not in lexicon and lowered[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


try:  # the compiled twins (setup.py builds them; optional): same words and valences, in C
    from care_monitor.sentiment._speedups import score_words, vader_words
except ImportError:  # pragma: no cover - an install without a C compiler
    score_words, vader_words = _score_words, _vader_words
