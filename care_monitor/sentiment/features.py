"""Text features shared by training (bench/train_sentiment.py) and scoring (linear_model.py).

Training and scoring must extract exactly the same features, so both import this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

# character n-gram lengths: 5-grams added nothing in cross-validation on the training sets
CHAR_NGRAMS = (3, 4)
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
# one pass for both: digit runs, and characters repeated 4+ times (3 stay as they are)
_DIGITS_OR_REPEATS = re.compile(r"\d+|(.)\1\1\1+")
# words (letters incl. accents and Vietnamese diacritics), or single non-space symbols (emoji, !, ?)
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def _shorten(match: re.Match[str]) -> str:
    """A run of digits -> "0"; a character repeated 4+ times -> 3 times ("sooooo" -> "sooo")."""
    repeated = match.group(1)
    return "0" if repeated is None else repeated * 3


def shorten_like_tokens(word: str) -> str:
    """A word with digit runs and repeats shortened as in its token ("2nd" -> "0nd")."""
    return _DIGITS_OR_REPEATS.sub(_shorten, word)


def _split_tokens(masked: str) -> list[str]:
    """The last normalising step and the split, for a lower-cased, masked text (_lower_and_mask):
    digit runs and repeats shortened, then words and symbols.  Pure-Python twin of
    `_speedups.split_tokens`."""
    return _TOKEN.findall(_DIGITS_OR_REPEATS.sub(_shorten, masked))


try:  # the compiled twin (setup.py builds it; optional): same tokens, several times faster
    from care_monitor.sentiment._speedups import split_tokens
except ImportError:  # pragma: no cover - an install without a C compiler
    split_tokens = _split_tokens


def _lower_and_mask(text: str) -> str:
    """The first normalising steps: lower-case, URLs and @handles replaced by placeholders."""
    text = text.lower()
    if "http" in text or "www." in text:  # cheap substring checks skip most regex passes
        text = _URL.sub(" httpurl ", text)
    if "@" in text:
        text = _HANDLE.sub(" @user ", text)
    return text


def tokens(text: str) -> list[str]:
    return split_tokens(_lower_and_mask(text))


def extract(text: str) -> list[str]:
    """Word unigrams and bigrams plus character 3-4-grams inside words."""
    toks = tokens(text)
    feats = [f"b:{a} {b}" for a, b in zip(toks, toks[1:])]
    for tok in toks:
        feats += word_features(tok)
    return feats


@lru_cache(maxsize=256)
def gram_slices(padded_length: int) -> tuple[slice, ...]:
    """Where the character n-grams of a padded word (" word ") are, in word_features' order."""
    return tuple(
        slice(i, i + n) for n in CHAR_NGRAMS for i in range(padded_length - n + 1)
    )


@lru_cache(maxsize=100_000)
def word_features(tok: str) -> tuple[str, ...]:
    """The unigram and character n-grams of one word (cached: words repeat across posts)."""
    if len(tok) < 3:
        return (f"w:{tok}",)
    padded = f" {tok} "
    grams = [f"c:{padded[where]}" for where in gram_slices(len(padded))]
    return (f"w:{tok}", *grams)
