"""Complaint detectors: the complaints that neither the base score nor a care rule recognises.

One per language that has the project's own written posts to brands
(bench/data/complaints_<lang>_*): a compact binary logistic regression over word unigrams and
bigrams (`features.tokens`), trained by `make train-sentiment` (bench/train_complaints.py) on
those posts and the language's training tweets, and shipped as gzipped JSON
(models/<lang>_complaint.json.gz).  The scorer asks a language's detector only about posts in
that language that its lexicon, model and rules leave neutral: a post it finds to be a
complaint (probability >= the threshold picked by cross-validation) becomes negative, the more
surely the more negative, with the words that weighed most as reasons.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import operator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from care_monitor.sentiment.care_layer import _NEGATORS
from care_monitor.sentiment.linear_model import MODEL_DIR, NOT_REASONS
from care_monitor.sentiment.stopwords import STOPWORDS
from care_monitor.sentiment.word_vector_model import outside_negation_mask

# valence (VADER units) of a complaint found right at the threshold, and of a certain one
THRESHOLD_VALENCE, CERTAIN_VALENCE = 1.0, 4.0
MAX_REASONS = 3


NEGATED = "¬"  # the mark of a token in a negation's scope


def negation_marked(toks: list[str]) -> list[str]:
    """The tokens, those in a negator's scope (word_vector_model.outside_negation_mask: the
    next few words of its clause) marked: "non è affatto male" -> non ¬è ¬affatto ¬male, so
    "male" (bad) under a negation is another feature than "male", and "non funziona" one of
    its own."""
    if _NEGATORS.isdisjoint(toks):
        return toks
    marked = list(toks)
    in_scope = map(operator.not_, outside_negation_mask(toks))
    for position in itertools.compress(range(len(toks)), in_scope):
        if toks[position] not in _NEGATORS:
            marked[position] = NEGATED + toks[position]
    return marked


def _unmarked(toks: list[str]) -> list[str]:
    return toks


def features_of(toks: list[str], marked: bool = True) -> list[str]:
    """Training's features of a text's tokens (`marked`: negation_marked first); the scorer
    computes the same sums without building the strings."""
    if marked:
        toks = negation_marked(toks)
    return [f"w:{tok}" for tok in toks] + [f"b:{a} {b}" for a, b in zip(toks, toks[1:])]


class Complaint(NamedTuple):
    valence: float  # negative, VADER units
    reasons: tuple[str, ...]


def model_file(language: str) -> Path:
    return MODEL_DIR / f"{language}_complaint.json.gz"


class ComplaintModel:
    def __init__(self, model: dict, language: str = "en") -> None:
        # function words, placeholders and the words common in any post of the language (the
        # model's own list) weigh in the model but explain nothing to a reader
        self._not_reasons = (NOT_REASONS | frozenset(STOPWORDS.get(language, "").split())
                             | frozenset(model.get("not_reasons", ())))
        # the English detector predates negation marking and keeps its unmarked features
        self._mark = negation_marked if model.get("negation_marked") else _unmarked
        self.threshold = float(model["threshold"])
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"complaint model: bad threshold {self.threshold}")
        self._intercept = float(model["intercept"])
        self._unigrams: dict[str, float] = {}
        self._bigrams: dict[str, dict[str, float]] = {}
        for feature, weight in model["weights"].items():
            kind, name = feature[:2], feature[2:]
            if kind == "w:":
                self._unigrams[name] = weight
            elif kind == "b:":
                first, _, second = name.partition(" ")
                self._bigrams.setdefault(first, {})[second] = weight

    def probability(self, toks: list[str]) -> float:
        return self._probability(self._mark(toks))

    def complaint(self, toks: list[str]) -> Complaint | None:
        """The evidence of a complaint, or None below the threshold."""
        marked = self._mark(toks)
        p = self._probability(marked)
        if p < self.threshold:
            return None
        sureness = (p - self.threshold) / (1.0 - self.threshold)
        valence = -(THRESHOLD_VALENCE + (CERTAIN_VALENCE - THRESHOLD_VALENCE) * sureness)
        return Complaint(valence, self._reasons(marked))  # a negated word is no reason

    def _probability(self, marked: list[str]) -> float:
        if not marked:
            return 0.0
        total = pair_sum(marked, self._unigrams, self._bigrams)
        return _sigmoid(self._intercept + total / math.sqrt(2 * len(marked) - 1))

    def _reasons(self, toks: list[str]) -> tuple[str, ...]:
        weighted = {
            tok: self._unigrams[tok] for tok in toks
            if tok.isalpha() and len(tok) > 2 and tok not in self._not_reasons
            and self._unigrams.get(tok, 0.0) > 0.0
        }
        return tuple(sorted(weighted, key=weighted.__getitem__, reverse=True)[:MAX_REASONS])


def _pair_sum(
    toks: list[str], unigrams: dict[str, float], bigrams: dict[str, dict[str, float]]
) -> float:
    """Each token's unigram weight, then each adjacent pair's bigram weight, summed in that
    order.  Pure-Python twin of `_speedups.pair_sum`."""
    unigram_total = 0.0
    for tok in toks:
        unigram_total += unigrams.get(tok, 0.0)
    pair_total = 0.0
    for first, second in zip(toks, toks[1:]):
        seconds = bigrams.get(first)
        if seconds is not None:
            pair_total += seconds.get(second, 0.0)
    return unigram_total + pair_total


try:  # the compiled twin (setup.py builds it; optional)
    from care_monitor.sentiment._speedups import pair_sum
except ImportError:  # pragma: no cover - an install without a C compiler
    pair_sum = _pair_sum


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@lru_cache(maxsize=None)
def load_complaint_model(language: str = "en") -> ComplaintModel | None:
    """The language's detector, or None when it has none."""
    path = model_file(language)
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return ComplaintModel(json.load(handle), language)
