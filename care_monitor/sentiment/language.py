"""Offline language identification; both detectors ship their models inside their wheels.

0. The post's function words (sentiment/stopwords.py) answer when one language clearly
   dominates them: a few dictionary look-ups on tokens the scorer computes anyway.
1. pycld2 (Apache-2.0, Chromium's CLD2 in C++) answers first, for texts of any length, when it
   is sure (reliable, >= 70 % of the text, normalised score >= 300) and names one of the team's
   languages: it is ~10x faster than py3langid and, when it is sure, 0.99 accurate on the dev sets
   (it answers for 93 % of them; docs/sentiment.md).
2. Otherwise py3langid (BSD-3-Clause) restricted to the team's languages decides: on the dev sets
   it is more accurate and ~2x faster than lingua's low-accuracy mode (docs/sentiment.md).
A text with too few letters, or whose best language is not clearly ahead, is "und" unless the
source gave a language hint.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from care_monitor.sentiment import features, stopwords

UNKNOWN = "und"
SUPPORTED_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ro", "vi")
MIN_LETTERS = 4
CLD2_MIN_PERCENT = 70
CLD2_MIN_SCORE = 300
# below this normalised probability the detector is "unsure" and the hint (or "und") wins
MIN_CONFIDENCE = 0.60

# URLs, @handles and #hash signs carry no language and skew character n-grams
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|#")
# MIN_LETTERS letters anywhere in the text (one search, no list of every letter)
_ENOUGH_LETTERS = re.compile(r"[^\W\d_](?:[\W\d_]*[^\W\d_]){%d}" % (MIN_LETTERS - 1))
# the language of a post shows in its first few hundred characters; cost is linear in length
MAX_CHARS = 300


@lru_cache(maxsize=1)
def _identifier() -> _CompactIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return _CompactIdentifier(identifier)


class _CompactIdentifier:
    """py3langid's `classify`, same steps and numbers, over compact copies of its state tables.

    py3langid walks a byte automaton whose per-state tables (row offsets and feature ids, ~100k
    each) are Python lists: every step reads a pointer, then a scattered int object.  Arrays hold
    the same numbers contiguously: fewer cache misses per byte, and less of the scorer's own data
    evicted, on the ~5 % of posts that reach py3langid.
    """

    def __init__(self, identifier) -> None:
        import array

        self._identifier = identifier
        self._row_offsets = array.array("i", identifier._rowbase)
        self._feature_ids = array.array("i", identifier.tk_output)
        # the steps copied below assume these settings (the ones _identifier() makes)
        self._same_steps = (
            identifier._norm_probs and identifier.min_confidence is None and not identifier._alias_pairs
        )

    def classify(self, text: str) -> tuple[str, float]:
        import numpy as np
        from py3langid.langid import visit_counts

        identifier = self._identifier
        if not self._same_steps:
            return identifier.classify(text)
        encoded = identifier._encode(text)
        visits = visit_counts(identifier.tk_nextmove, self._row_offsets, self._feature_ids, encoded)
        if not visits:
            return identifier.classify(text)  # no feature at all: py3langid's own fallback
        # from here on, py3langid's LanguageIdentifier._sparse_score, _decide and classify
        # (norm_probs=True, no aliases among the team's languages, no min_confidence)
        features = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        scores = np.log1p(counts) @ identifier.nb_ptc[features] + identifier.nb_pc
        scores *= 1.0 / math.sqrt(len(encoded) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        best = int(scores.argmax())
        return identifier.nb_classes[best], float(scores[best])


def _normalise_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    return code if len(code) in (2, 3) and code.isalpha() and code != UNKNOWN else None


def detect_language(text: str, hint: str | None = None, tokens: list[str] | None = None) -> str:
    """ISO 639-1 code of `text`; the source's `hint` when unsure; else "und".

    `tokens` are `features.tokens(text)` when the caller has them already.
    """
    hint = _normalise_hint(hint)
    guessed = stopwords.guess(tokens if tokens is not None else features.tokens(text[: MAX_CHARS * 2]))
    if guessed is not None:
        return guessed
    head = text[: MAX_CHARS * 2]
    # substring checks first: most posts hold no noise and need no regex pass
    noisy = "@" in head or "#" in head or "http" in head or "www." in head
    cleaned = (_NOISE.sub(" ", head) if noisy else head)[:MAX_CHARS]
    if not cleaned.isascii():
        # lone surrogates (broken emoji from some APIs) cannot be encoded for the detectors
        cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    if _ENOUGH_LETTERS.search(cleaned) is None:
        return hint or UNKNOWN
    fast = _cld2_if_sure(cleaned)
    if fast is not None:
        return fast
    language, confidence = _identifier().classify(cleaned)
    if confidence >= MIN_CONFIDENCE:
        return language
    return hint or UNKNOWN


def _cld2_if_sure(text: str) -> str | None:
    import pycld2

    try:
        reliable, _, details = pycld2.detect(text)
    except pycld2.error:  # e.g. lone surrogates: leave it to py3langid
        return None
    _, code, percent, score = details[0]
    if reliable and code in SUPPORTED_LANGUAGES and percent >= CLD2_MIN_PERCENT and score >= CLD2_MIN_SCORE:
        return code
    return None
