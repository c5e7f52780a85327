"""FastVader must give exactly vaderSentiment's results, on every kind of text."""

from __future__ import annotations

import random

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from care_monitor.sentiment.vader_fast import FastVader

# words that exercise each of VADER's rules: lexicon words, boosters and dampeners, negations,
# "no", "but", "kind of", "least", idioms, emoticons, capitals and punctuation
VOCABULARY = (
    "good great bad terrible love hate awful nice happy sad angry fine ok okay wow lol "
    "very really so extremely kinda sort of kind barely slightly most least at "
    "not never no nor or isn't don't cannot without doubt doesnt aint nope "
    "but and the a this is was it they you flight delivery support "
    "shit bomb bad ass die for yeah right kiss death beating heart bus stop "
    ":) :( :D <3 :-( ;) xD "
    "GOOD BAD VERY NOT LOVE HATE But NO Kind Of"
).split()
PUNCTUATION = ("", "", "", "!", "!!", "!!!!!", "?", "??", "???", "????", ".", ",", "...", "'")
EMOJI = ("😀", "😡", "💘", "👍", "😢", "©", "❤", "❤️", "👍🏽", "🤷‍♀️")
SEPARATORS = (" ", " ", " ", "  ", "\t", "\n", "")


def _random_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 14)):
        if rng.random() < 0.15:
            parts.append(rng.choice(EMOJI))
        else:
            parts.append(rng.choice(VOCABULARY) + rng.choice(PUNCTUATION))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


TEXTS = [
    "",
    "   ",
    "😀",
    " 😀😀 ",
    "good😀bad",
    "not good at all",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Without a doubt, excellent idea.",
    "Sentiment analysis has never been this good!",
    "no problem, no worries or fear",
    "it is kind of good",
    *(_random_text(random.Random(seed)) for seed in range(3000)),
]


@pytest.fixture(scope="module")
def analyzers() -> tuple[SentimentIntensityAnalyzer, FastVader]:
    return SentimentIntensityAnalyzer(), FastVader()


def test_generated_texts_exercise_every_rule():
    joined = " ".join(TEXTS)
    for needle in ("😀", "but", "kind of", "least", "never", "!!!!", "???", "VERY", ":)"):
        assert needle in joined


@pytest.mark.parametrize("start", range(0, len(TEXTS), 500))
def test_polarity_scores_equal_vaders(analyzers, start):
    original, fast = analyzers
    for text in TEXTS[start:start + 500]:
        assert fast.polarity_scores(text) == original.polarity_scores(text), text


@pytest.mark.parametrize("start", range(0, len(TEXTS), 500))
def test_compound_equals_vaders(analyzers, start):
    original, fast = analyzers
    for text in TEXTS[start:start + 500]:
        assert fast.compound(text) == original.polarity_scores(text)["compound"], text


def test_a_changed_lexicon_is_used(analyzers):
    _, fast = analyzers
    fast_brand = FastVader()
    fast_brand.lexicon = {**fast.lexicon, "gnarly": 3.0}
    assert fast.compound("a gnarly board") == 0.0
    assert fast_brand.compound("a gnarly board") > 0.5
