"""Word-vector models: how negative a post reads, from words placed by a multilingual encoder.

Trained by `make train-sentiment` (bench/train_word_vectors.py, which says why and how): a
logistic regression on the mean of a post's word vectors.  Being linear, it ships as each word's
contribution to the three class scores, so scoring is one look-up per token and a mean; the
encoder itself is never loaded at run time.  Words outside the shipped vocabulary are skipped.

The scorer uses only its P(negative): `weight * to_valence(offset - P(negative))`, capped like
the n-gram model's valence.  An offset near the share of negatives a neutral post gets keeps
ordinary posts near 0; a post whose words sit among blame and distress words gets pushed
negative even when no lexicon word or trained n-gram names it.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
from collections.abc import Sequence
from functools import lru_cache

from care_monitor.sentiment.care_layer import _CLAUSE_END, _NEGATORS
from care_monitor.sentiment.linear_model import MODEL_DIR, NOT_REASONS

VECTOR_LANGUAGES = ("it", "fr", "de")
MAX_VALENCE = 2.5  # the same cap as the n-gram model's (scorer.MODEL_MAX_VALENCE)
VADER_ALPHA = 15.0
MAX_REASONS = 2
REASON_SHARE = 0.05
NEGATION_SCOPE = 3  # words after a negator, within its clause, that the mean leaves out


def outside_negation(toks: list[str]) -> list[str]:
    """The tokens a mean of word vectors may read: a negator and the few words after it in
    its clause are left out ("non è affatto male" holds "male" but is no blame), for training
    and scoring alike.  A mean cannot flip what a negation flips; the care layer does that."""
    if _NEGATORS.isdisjoint(toks):
        return toks
    return list(itertools.compress(toks, outside_negation_mask(toks)))


def outside_negation_mask(
    toks: list[str],
    negators: frozenset[str] = _NEGATORS,
    clause_ends: frozenset[str] = _CLAUSE_END,
    scope: int = NEGATION_SCOPE,
) -> list[bool]:
    """False for a negator and the next `scope` tokens of its clause (a negator among them
    opens its own scope), True for the rest."""
    mask = [True] * len(toks)
    end = len(toks)
    # the negators' positions found in C; a Python step only for the few words after each
    for position in itertools.compress(range(end), map(negators.__contains__, toks)):
        mask[position] = False
        for after in range(position + 1, min(position + 1 + scope, end)):
            tok = toks[after]
            if tok in negators or tok in clause_ends:
                break
            mask[after] = False
    return mask


def negativity_valence(p_negative: float, weight: float, offset: float) -> float:
    """Valence added for a post with this P(negative): `weight` times VADER's valence of
    (offset - P(negative)), the valence capped at +-MAX_VALENCE first."""
    score = max(-0.9999, min(0.9999, offset - p_negative))
    valence = score * math.sqrt(VADER_ALPHA / (1.0 - score * score))
    return weight * max(-MAX_VALENCE, min(MAX_VALENCE, valence))


class WordVectorModel:
    def __init__(self, model: dict) -> None:
        self.language = model["language"]
        if model.get("classes") != ["negative", "neutral", "positive"]:
            raise ValueError(f"word-vector model {self.language}: classes must be "
                             "negative, neutral, positive")
        combination = model["combination"]
        self.ngram_weight = float(combination["ngram_weight"])
        self.weight = float(combination["weight"])
        self.offset = float(combination["offset"])
        self.shrink = float(combination["shrink"])  # zero vectors added to every mean
        if not (0.0 <= self.ngram_weight <= 1.0 and 0.0 < self.weight <= 1.0
                and 0.0 < self.offset < 1.0 and 0.0 <= self.shrink <= 100.0):
            raise ValueError(f"word-vector model {self.language}: combination {combination} "
                             "out of range")
        neg, neu, pos = model["intercept"]
        self._intercept = complex(neg - neu, pos - neu)
        # each word as complex(neg - neu, pos - neu): softmax sees only differences, and a sum
        # of complex numbers adds both in one C loop
        self._rows = {word: complex(n - u, p - u) for word, (n, u, p) in model["words"].items()}
        leans = {word: n - max(u, p) for word, (n, u, p) in model["words"].items()}
        # reasons: words among the most negative-leaning REASON_SHARE of the vocabulary
        ranked = sorted(leans.values(), reverse=True)
        floor = max(0.0, ranked[int(len(ranked) * REASON_SHARE)]) if ranked else 0.0
        self._leans = {
            word: lean for word, lean in leans.items() if lean > floor and word not in NOT_REASONS
        }

    @property
    def rows(self) -> dict[str, complex]:
        """word -> complex(neg - neu, pos - neu), for LinearModel.attach_word_vectors."""
        return self._rows

    @property
    def leans(self) -> dict[str, float]:
        """word -> how far it leans negative, for the words that may be reasons."""
        return self._leans

    def p_negative(self, toks: list[str], rows: Sequence[tuple] = ()) -> float | None:
        """P(negative) from the shrunk mean of the known words' rows outside a negation's
        scope; None when no such word is known.  `rows`: the n-gram model's rows of `toks`
        with this model's rows attached (LinearModel.attach_word_vectors, ModelScore.rows),
        which saves a look-up per token."""
        if rows:  # the scorer's case: one C pass over rows the n-gram model already holds
            if _NEGATORS.isdisjoint(toks):
                total, count = vector_sum(rows)
            else:
                total, count = vector_sum(rows, toks, _NEGATORS, _CLAUSE_END, NEGATION_SCOPE)
        else:
            known = [row for row in map(self._rows.get, outside_negation(toks)) if row is not None]
            total, count = sum(known, 0j), len(known)
        if not count:
            return None
        logits = self._intercept + total / (count + self.shrink)
        neg, pos = logits.real, logits.imag
        try:  # e^neg / (e^neg + e^0 + e^pos), relative to neutral's 0
            return 1.0 / (1.0 + math.exp(-neg) + math.exp(pos - neg))
        except OverflowError:
            return 0.0

    def valence(self, toks: list[str], rows: Sequence[tuple] = ()) -> float:
        """The valence this model adds to a post (`rows` as for `p_negative`)."""
        p = self.p_negative(toks, rows)
        return 0.0 if p is None else negativity_valence(p, self.weight, self.offset)

    def reasons(self, toks: list[str], rows: Sequence[tuple] = ()) -> tuple[str, ...]:
        """The post's words that lean hardest toward negative (asked only of posts whose
        final label is negative: most posts never need them).  `rows` as for `valence`."""
        if rows:
            if not _NEGATORS.isdisjoint(toks):
                mask = outside_negation_mask(toks)
                toks, rows = list(itertools.compress(toks, mask)), list(itertools.compress(rows, mask))
            found = {tok: row[5] for row, tok in zip(rows, toks) if row[5]}
        else:
            leans = self._leans
            found = {tok: leans[tok] for tok in outside_negation(toks) if tok in leans}
        return tuple(sorted(found, key=found.__getitem__, reverse=True)[:MAX_REASONS])


def _vector_sum(
    rows: list[tuple],
    toks: list[str] | None = None,
    negators: frozenset[str] = frozenset(),
    clause_ends: frozenset[str] = frozenset(),
    scope: int = 0,
) -> tuple[complex, int]:
    """(sum, count) of the word-vector rows carried as the 5th item of n-gram model rows
    (LinearModel.attach_word_vectors), None skipped; with `toks`, those in a negation's scope
    skipped too (as outside_negation_mask).  Pure-Python twin of `_speedups.vector_sum`."""
    if toks is not None:
        if len(toks) != len(rows):
            raise ValueError("vector_sum: one row per token")
        mask = outside_negation_mask(toks, negators, clause_ends, scope)
        rows = list(itertools.compress(rows, mask))
    known = [row[4] for row in rows if row[4] is not None]
    return sum(known, 0j), len(known)


try:  # the compiled twin (setup.py builds it; optional)
    from care_monitor.sentiment._speedups import vector_sum
except ImportError:  # pragma: no cover - an install without a C compiler
    vector_sum = _vector_sum


@lru_cache(maxsize=None)
def load_word_vector_model(language: str) -> WordVectorModel | None:
    path = MODEL_DIR / f"{language}.vectors.json.gz"
    if language not in VECTOR_LANGUAGES or not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return WordVectorModel(json.load(handle))
