"""Offline language identification; both detectors ship their models inside their wheels.

0. The post's function words (sentiment/stopwords.py) answer when one language clearly
   dominates them, or when they all belong to one language and one of them belongs to no
   other: a few dictionary look-ups on tokens the scorer computes anyway.
1. pycld2 (Apache-2.0, Chromium's CLD2 in C++) answers first, for texts of any length, when it
   is sure (reliable, >= 70 % of the text, normalised score >= 300) and names one of the team's
   languages: it is ~10x faster than py3langid and, when it is sure, 0.99 accurate on the dev sets
   (it answers for 93 % of them; docs/sentiment.md).
1b. Otherwise a weaker function-word lead (the language with strictly the most of them) answers:
   on the posts CLD2 is unsure of it is as accurate as py3langid where it leans at all, and free.
2. Otherwise py3langid (BSD-3-Clause) restricted to the team's languages decides: on the dev sets
   it is more accurate and ~2x faster than lingua's low-accuracy mode (docs/sentiment.md).
A text with too few letters, or whose best language is not clearly ahead, is "und" unless the
source gave a language hint.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycld2

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
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return identifier


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
    if tokens is None:
        tokens = features.tokens(text[: MAX_CHARS * 2])
    guessed = stopwords.guess(tokens) or stopwords.single_language(tokens)
    if guessed is not None:
        return guessed
    head = text[: MAX_CHARS * 2]
    # substring checks first: most posts hold no noise and need no regex pass
    noisy = "@" in head or "#" in head or "http" in head or "www." in head
    cleaned = (_NOISE.sub(" ", head) if noisy else head)[:MAX_CHARS]
    if _ENOUGH_LETTERS.search(cleaned) is None:
        return hint or UNKNOWN
    try:
        fast = _cld2_if_sure(cleaned)
    except UnicodeEncodeError:
        # lone surrogates (broken emoji from some APIs) cannot be encoded for the detectors;
        # rare, so not looked for in every post
        cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
        fast = _cld2_if_sure(cleaned)
    if fast is not None:
        return fast
    # a weaker function-word lead still beats py3langid's answer on these posts (dev sets: 81 %
    # right where it leans at all) and costs a look-up instead of ~30-130 microseconds
    leaning = stopwords.leaning(tokens)
    if leaning is not None:
        return leaning
    language, confidence = _identifier().classify(cleaned)
    if confidence >= MIN_CONFIDENCE:
        return language
    return hint or UNKNOWN


def _cld2_if_sure(text: str) -> str | None:
    """CLD2's language when it is sure; UnicodeEncodeError for lone surrogates."""
    try:
        reliable, _, details = pycld2.detect(text)
    except pycld2.error:  # e.g. lone surrogates: leave it to py3langid
        return None
    _, code, percent, score = details[0]
    if reliable and code in SUPPORTED_LANGUAGES and percent >= CLD2_MIN_PERCENT and score >= CLD2_MIN_SCORE:
        return code
    return None
