"""Compact per-language linear models (trained by `make train-sentiment`, shipped as JSON).

A model gives P(negative), P(neutral), P(positive); its raw score is P(pos) - P(neg).  The
thresholds chosen at training time are mapped piecewise-linearly onto the global label
thresholds (-0.05 / +0.05), so every language's score means the same thing to alerting.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import operator
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from care_monitor.sentiment.features import gram_slices, tokens

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_LANGUAGES = ("es", "fr", "de", "it", "pt", "ro", "vi")
LABEL_EDGE = 0.05
WORD_CACHE_SIZE = 50_000
REASON_MIN_LEAN = 0.3  # a word is a reason when its weights lean at least this much
# placeholders of features.tokens and retweet markers: never shown as reasons
NOT_REASONS = frozenset({"user", "http", "https", "httpurl", "www", "rt"})


class ModelScore(NamedTuple):  # a tuple: cheaper to build per post than a frozen dataclass
    score: float  # calibrated, -1..1
    reasons: tuple[str, ...]
    # each token's row: weights, features, lean, bigrams (and, when a word-vector model is
    # attached, its row and reason lean)
    rows: Sequence[tuple] = ()


def calibrate(model: dict) -> tuple[float, float]:
    low = model["thresholds"]["negative"]
    high = model["thresholds"]["positive"]
    if not -1.0 < low <= high < 1.0:
        raise ValueError(f"model {model['language']}: bad thresholds {low}, {high}")
    return low, high


def _map(s: float, low: float, high: float) -> float:
    """Piecewise-linear: -1 -> -1, low -> -0.05, high -> +0.05, 1 -> 1."""
    if s <= low:
        return -1.0 + (s + 1.0) * (1.0 - LABEL_EDGE) / (low + 1.0)
    if s >= high:
        return LABEL_EDGE + (s - high) * (1.0 - LABEL_EDGE) / (1.0 - high)
    if high == low:
        return 0.0
    return -LABEL_EDGE + (s - low) * (2 * LABEL_EDGE) / (high - low)


class LinearModel:
    def __init__(self, model: dict) -> None:
        self.language = model["language"]
        weights: dict[str, list[float]] = model["weights"]
        self._low, self._high = calibrate(model)
        # Softmax only sees differences between the three class scores, so each feature's
        # weights are kept relative to neutral, as one complex number (neg - neu) + (pos - neu)j:
        # a word or a text sums one number per feature, in C (equal to the 3-column sums
        # within ~1e-15).  Features by kind, keyed without their "w:" / "c:" prefix.
        i_neg, i_neu, i_pos = model["intercept"]
        self._intercept_diff = complex(i_neg - i_neu, i_pos - i_neu)
        self._unigrams: dict[str, complex] = {}
        self._grams: dict[str, complex] = {}
        # bigram "b:a b" weights as {a: {b: weights}}: a pair is two look-ups, no string built
        self._bigrams: dict[str, dict[str, complex]] = {}
        for feature, (w_neg, w_neu, w_pos) in weights.items():
            row = complex(w_neg - w_neu, w_pos - w_neu)
            kind, name = feature[:2], feature[2:]
            if kind == "w:":
                self._unigrams[name] = row
            elif kind == "c:":
                self._grams[name] = row
            elif kind == "b:":
                first, _, second = name.partition(" ")
                self._bigrams.setdefault(first, {})[second] = row
        # the n-gram weights as the compiled steps read them fastest (a dict without them)
        self._gram_lookup = make_gram_lookup(self._grams)
        # every vocabulary word's row, computed once when the model loads: a known word costs
        # one look-up; only words the model never saw pay for their character n-grams
        self._vector_rows: dict[str, complex] | None = None  # attach_word_vectors
        self._vector_leans: dict[str, float] = {}
        self._known: dict[str, tuple] = {word: self._word_row(word) for word in self._unigrams}
        self._cache: dict[str, tuple] = dict(self._known)
        self._cache_limit = len(self._known) + WORD_CACHE_SIZE  # words met beyond the known

    def score(self, text: str, max_reasons: int = 3, toks: list[str] | None = None) -> ModelScore:
        """Same features and scaling as training: counts / sqrt(number of features).

        `toks` are `features.tokens(text)` when the caller already has them.
        """
        if toks is None:
            toks = tokens(text)
        if not toks:
            return ModelScore(0.0, ())
        total, count, rows = sum_rows(
            toks, self._cache, self._word_row, self._known, self._cache_limit
        )
        # class scores relative to neutral (neutral's is 0): softmax is unchanged by the shift
        logits = self._intercept_diff + total / math.sqrt(count)
        neg, pos = logits.real, logits.imag
        top = max(neg, 0.0, pos)
        e_neg, e_neu, e_pos = math.exp(neg - top), math.exp(-top), math.exp(pos - top)
        raw = (e_pos - e_neg) / (e_neg + e_neu + e_pos)
        score = _map(raw, self._low, self._high)
        if not max_reasons:  # the caller asks `reasons` later, if it needs them
            return ModelScore(score, (), rows)
        return ModelScore(score, self.reasons(toks, rows, score, max_reasons), rows)

    def reasons(
        self, toks: list[str], rows: Sequence[tuple], score: float, max_reasons: int = 3
    ) -> tuple[str, ...]:
        """The words that pushed hardest toward `score` (`rows`: ModelScore.rows of `toks`)."""
        if abs(score) < LABEL_EDGE:
            return ()  # a neutral score names no reasons
        return top_leans(rows, toks, score > 0, max_reasons)

    def attach_word_vectors(
        self, vector_rows: dict[str, complex], vector_leans: dict[str, float]
    ) -> None:
        """Carry each word's word-vector row and reason lean (None and 0.0 for words without)
        as a fifth and sixth item of its cached row, so the word-vector model reads a post's
        words from `ModelScore.rows`: one look-up per token serves both models (separate
        dicts cost ~7 us per post, most of it in cache misses)."""
        self._vector_rows, self._vector_leans = vector_rows, vector_leans
        known = {
            word: (*row[:4], vector_rows.get(word), vector_leans.get(word, 0.0))
            for word, row in self._known.items()
        }
        # the word-vector vocabulary (the language's common words) is known too: its rows are
        # computed here once, not on each word's first sight in a stream
        for word in vector_rows.keys() - known.keys():
            known[word] = self._word_row(word)
        self._known = known
        self._cache_limit = len(known) + WORD_CACHE_SIZE
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forget the words met so far (the vocabulary's precomputed rows stay)."""
        self._cache.clear()
        self._cache.update(self._known)

    def _word_row(self, tok: str) -> tuple:
        """Summed weights of one word's unigram and character n-grams (features.word_features,
        same order), its number of features, its pos - neg lean (0 when weak) and its bigram
        weights as first word."""
        row = word_row(
            self._unigrams, self._gram_lookup, self._bigrams, _NO_BIGRAMS, _reason_lean,
            _SURELY_WEAK, tok,
        )
        if self._vector_rows is None:
            return row
        return (*row, self._vector_rows.get(tok), self._vector_leans.get(tok, 0.0))


def _reason_lean(tok: str, weights: complex) -> float:
    """pos - neg (neutral's share cancels), or 0.0 for no word or a lean too weak for a reason.

    Weights are stored with 3 decimals, so rounding removes summation-order noise and equal
    leans stay equal (reasons order stays stable).  round() is slow: clearly weak leans skip it.
    """
    lean = weights.imag - weights.real
    if -_SURELY_WEAK < lean < _SURELY_WEAK or not (
        len(tok) >= 3 and tok.isalpha() and tok not in NOT_REASONS
    ):
        return 0.0
    lean = round(lean, 6)
    return 0.0 if -REASON_MIN_LEAN <= lean <= REASON_MIN_LEAN else lean


# below this, a lean rounds to at most REASON_MIN_LEAN in magnitude
_SURELY_WEAK = REASON_MIN_LEAN - 0.01


_NO_WEIGHT = itertools.repeat(0j)
_NO_BIGRAMS: dict[str, complex] = {}  # shared, never written


def _sum_rows(
    toks: list[str],
    cache: dict[str, tuple],
    make_row: Callable[[str], tuple],
    known: dict[str, tuple],
    limit: int,
) -> tuple[complex, int, list[tuple]]:
    """A text's model sum: each token's row (cached, else `make_row(tok)`, then cached; a cache
    of `limit` rows is reset to the `known` ones first), then each adjacent pair's bigram
    weight; the number of features; the rows.  Pure-Python twin of `_speedups.sum_rows`."""
    rows = list(map(cache.get, toks))
    if None in rows:
        rows = [
            row if row is not None else _cached_row(cache, make_row, known, limit, tok)
            for row, tok in zip(rows, toks)
        ]
    columns = tuple(zip(*rows))  # (weights, features, lean, bigrams[, word vector row])
    weights, n, pairs = columns[0], columns[1], columns[3]
    total = sum(weights, 0j)
    count = sum(n) + len(toks) - 1  # one bigram feature per adjacent pair
    # bigrams: each word's {next word: weight} (empty when none), looked up in C
    total = sum(map(dict.get, pairs, toks[1:], _NO_WEIGHT), total)
    return total, count, rows


def _cached_row(
    cache: dict[str, tuple], make_row: Callable[[str], tuple], known: dict[str, tuple],
    limit: int, tok: str,
) -> tuple:
    row = make_row(tok)
    if len(cache) >= limit:  # keeps memory flat on endless streams
        cache.clear()
        cache.update(known)
    cache[tok] = row
    return row


def _word_row(
    unigrams: dict[str, complex], grams: dict[str, complex], bigrams: dict[str, dict],
    no_bigrams: dict, reason_lean: Callable[[str, complex], float], surely_weak: float, tok: str,
) -> tuple:
    """Pure-Python twin of `_speedups.word_row` (see LinearModel._word_row)."""
    weights = unigrams.get(tok, 0j)
    n = 1
    if len(tok) >= 3:
        gram_sum, count = gram_weights(tok, grams)
        weights += gram_sum
        n += count
    lean = weights.imag - weights.real
    lean = 0.0 if -surely_weak < lean < surely_weak else reason_lean(tok, weights)
    return (weights, n, lean, bigrams.get(tok, no_bigrams))


def _gram_weights(tok: str, grams: dict[str, complex]) -> tuple[complex, int]:
    """Summed weights of the padded word's character n-grams (features.word_features' order)
    and their number.  Pure-Python twin of `_speedups.gram_weights`."""
    cut = _GRAM_GETTERS[len(tok) + 2](f" {tok} ")
    return sum(map(grams.get, cut, _NO_WEIGHT), 0j), len(cut)


class _GramGetters(dict):
    """padded word length -> one C call that cuts all character n-grams out of a padded word
    (>= 2 of them); a dict look-up, cheaper per word than a cached function call."""

    def __missing__(self, padded_length: int) -> operator.itemgetter:
        getter = operator.itemgetter(*gram_slices(padded_length))
        if len(self) < 256:  # bounded: words can be arbitrarily long
            self[padded_length] = getter
        return getter


_GRAM_GETTERS = _GramGetters()


def _top_leans(
    rows: Sequence[tuple], toks: Sequence[str], positive: bool, limit: int
) -> tuple[str, ...]:
    """Up to `limit` distinct tokens whose row's reason lean (third item) pushes the score's
    way, strongest first, equal leans by token descending.  Pure-Python twin of
    `_speedups.top_leans`."""
    leans = list(map(_ROW_LEAN, rows))
    hits = list(zip(itertools.compress(leans, leans), itertools.compress(toks, leans)))
    return _reasons(hits, 1.0 if positive else -1.0, limit) if hits else ()


try:  # the compiled twins (setup.py builds them; optional): equal sums, less Python per token
    from care_monitor.sentiment._speedups import gram_table as make_gram_lookup
    from care_monitor.sentiment._speedups import gram_weights, sum_rows, top_leans, word_row
except ImportError:  # pragma: no cover - an install without a C compiler
    gram_weights, sum_rows, word_row = _gram_weights, _sum_rows, _word_row
    top_leans = _top_leans

    def make_gram_lookup(grams: dict[str, complex]) -> dict[str, complex]:
        return grams


def _reasons(hits: list[tuple[float, str]], score: float, limit: int) -> tuple[str, ...]:
    """The words that pushed hardest in the direction of the score (words of 3+ letters)."""
    if abs(score) < LABEL_EDGE:
        return ()
    # strongest first, equal leans by word (descending); C sorts, no per-word Python key
    if score > 0:
        ordered = sorted(hits, reverse=True)
    else:
        ordered = sorted(sorted(hits, key=_WORD_OF, reverse=True), key=_LEAN_OF)
    picked: list[str] = []
    for lean, tok in ordered:
        if (lean <= 0) if score > 0 else (lean >= 0):
            break  # the rest push the other way
        if tok not in picked:
            picked.append(tok)
            if len(picked) == limit:
                break
    return tuple(picked)


_LEAN_OF = operator.itemgetter(0)
_WORD_OF = operator.itemgetter(1)
_ROW_LEAN = operator.itemgetter(2)  # a word row's reason lean


@lru_cache(maxsize=None)
def load_model(language: str) -> LinearModel | None:
    """The language's n-gram model, with its word-vector model's rows attached if it has one
    (every caller sees the same rows)."""
    from care_monitor.sentiment.word_vector_model import load_word_vector_model  # imports us

    path = MODEL_DIR / f"{language}.json.gz"
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        model = LinearModel(json.load(handle))
    vectors = load_word_vector_model(language)
    if vectors is not None:
        model.attach_word_vectors(vectors.rows, vectors.leans)
    return model
