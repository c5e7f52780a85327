from __future__ import annotations

import pytest

from care_monitor.sentiment import Scorer


def test_brand_lexicon_changes_the_score(scorer):
    plain = scorer.score("that new deck is sick")
    skate = scorer.score("that new deck is sick", brand="skateco")
    assert plain.label == "negative"
    assert skate.label == "positive"
    assert "sick" in skate.reasons


def test_brand_lexicon_is_per_brand(scorer):
    assert scorer.score("that new deck is sick", brand="AirCo").label == "negative"
    assert scorer.score("that new deck is sick", brand="unknown brand").label == "negative"


def test_brand_phrase_override(scorer):
    assert scorer.score("flight was on time", brand="AirCo").score > scorer.score("flight was on time").score


def test_brand_lexicon_applies_to_model_languages(scorer):
    text = "Esta tabla es gnarly, la compré ayer en la tienda"
    assert scorer.score(text, brand="SkateCo").score > scorer.score(text).score


def test_brand_lexicon_valence_is_validated():
    with pytest.raises(ValueError, match="between -4 and 4"):
        Scorer({"X": {"meh": 9.0}})


@pytest.mark.parametrize("rating", [1, 2])
def test_low_rating_makes_neutral_text_negative(scorer, rating):
    text = "The package came on Tuesday"
    assert scorer.score(text).label == "neutral"
    result = scorer.score(text, rating=rating)
    assert result.label == "negative"
    assert f"rating {rating}/5" in result.reasons


def test_high_rating_is_positive_evidence(scorer):
    text = "The package came on Tuesday"
    assert scorer.score(text, rating=5).score > scorer.score(text).score
    assert scorer.score(text, rating=3).score == scorer.score(text).score


def test_bad_rating_is_rejected(scorer):
    with pytest.raises(ValueError, match="rating"):
        scorer.score("fine", rating=7)


def test_score_many_matches_score(scorer):
    texts = ["great", "delayed again", "ok"]
    assert scorer.score_many(texts) == [scorer.score(t) for t in texts]
