"""The English complaint detector: loads, stays within its role, explains itself."""

from __future__ import annotations

import pytest

from care_monitor.sentiment import Scorer
from care_monitor.sentiment.complaint_model import ComplaintModel, features_of, load_complaint_model
from care_monitor.sentiment.features import tokens


def test_shipped_model_loads_with_a_sane_threshold():
    model = load_complaint_model()
    assert model is not None
    assert 0.5 <= model.threshold < 1.0


def test_sums_equal_the_training_features():
    model = ComplaintModel({
        "threshold": 0.6, "intercept": -0.5,
        "weights": {"w:bag": 1.0, "w:still": 2.0, "b:still waiting": 3.0, "b:my bag": 0.5},
    })
    toks = tokens("still waiting for my bag")
    by_feature = {"w:bag": 1.0, "w:still": 2.0, "b:still waiting": 3.0, "b:my bag": 0.5}
    expected = sum(by_feature.get(f, 0.0) for f in features_of(toks))
    assert model._sum(toks) == pytest.approx(expected)
    assert 0.0 < model.probability(toks) < 1.0
    assert model.complaint(toks).reasons == ("still", "bag")  # strongest first; "my", "for": function words


def test_bad_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        ComplaintModel({"threshold": 1.5, "intercept": 0.0, "weights": {}})


def test_it_only_turns_neutral_posts_negative(scorer):
    without = Scorer(complaint_model=False)
    for text in [
        "@AirCo thanks so much, the crew were wonderful",  # positive stays positive
        "@AirCo the crew were wonderful",
        "@AirCo my golf clubs went to Phoenix and I went to Tucson",
        "@AirCo what time does the lounge open at the airport?",
    ]:
        before, after = without.score(text), scorer.score(text)
        if before.label != "neutral":
            assert after == before
        else:
            assert after.label in ("neutral", "negative")
            if after.label == "negative":
                assert after.reasons, "a complaint found by the detector names its words"


def test_a_complaint_without_rule_or_lexicon_words_is_found(scorer):
    text = "@AirCo the tracker has said out for delivery since 7am, it is 9pm"
    assert Scorer(complaint_model=False).score(text).label == "neutral"
    result = scorer.score(text)
    assert result.label == "negative"
    assert result.reasons and "user" not in result.reasons


def test_languages_other_than_english_are_left_alone(scorer):
    text = "la mia valigia è rimasta a Roma e io sono a Milano"
    assert scorer.score(text).label == Scorer(complaint_model=False).score(text).label
