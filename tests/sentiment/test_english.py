"""Golden English sentences: VADER behaviour kept, complaints without sentiment words caught."""

from __future__ import annotations

import pytest

from care_monitor.sentiment import NEGATIVE_THRESHOLD, SentimentResult, label_for

ALERT_THRESHOLD = -0.3  # the example config's alerts.threshold


@pytest.mark.parametrize(
    "text",
    [
        "my flight was delayed 3 hours and nobody at the desk knows anything",
        "@ShipIt ordered two weeks ago and the parcel still hasn't arrived",
        "been on hold for over an hour with your support line",
        "you charged me twice for one ticket",
        "why is my refund still not processed?",
        "the app keeps crashing when I try to pay",
    ],
)
def test_complaints_without_sentiment_words_alert(scorer, text):
    result = scorer.score(text)
    assert result.label == "negative"
    assert result.score <= ALERT_THRESHOLD
    assert result.reasons, "a complaint must say why it is negative"


def test_reasons_name_the_failure(scorer):
    result = scorer.score("my flight was delayed 3 hours and nobody at the desk knows anything")
    assert "delayed" in result.reasons
    assert any(reason.startswith("nobody") for reason in result.reasons)


def test_negated_failure_word_is_not_a_complaint(scorer):
    result = scorer.score("The flight left on time, not delayed at all. Great crew!")
    assert result.label == "positive"
    assert "delayed" not in result.reasons


def test_negation_flips_praise(scorer):
    assert scorer.score("The service was not good").label == "negative"
    assert scorer.score("The service was good").label == "positive"


def test_not_bad_is_not_negative(scorer):
    result = scorer.score("Honestly, not bad at all")
    assert result.label == "positive"
    assert "not bad" in result.reasons


def test_intensifier_and_all_caps_strengthen(scorer):
    plain = scorer.score("The support was good").score
    assert scorer.score("The support was extremely good").score > plain
    assert scorer.score("The support was GOOD").score > plain


def test_emoji_carry_sentiment(scorer):
    assert scorer.score("new update 😡").label == "negative"
    assert scorer.score("new update 😍").label == "positive"


def test_praise_with_a_complaint_word_stays_positive(scorer):
    result = scorer.score("Flight was delayed but the crew were fantastic and kept us informed, thank you!")
    assert result.label == "positive"


def test_sarcasm_marker(scorer):
    assert scorer.score("thanks for nothing").score <= ALERT_THRESHOLD


def test_label_matches_score_thresholds(scorer):
    for text in ["great", "delayed again", "the sky is blue", "ok"]:
        result = scorer.score(text)
        assert isinstance(result, SentimentResult)
        assert -1.0 <= result.score <= 1.0
        assert result.label == label_for(result.score)
    assert label_for(NEGATIVE_THRESHOLD) == "negative"
    assert label_for(0.0) == "neutral"


def test_neutral_score_has_no_reasons(scorer):
    result = scorer.score("The store opens at nine tomorrow")
    assert result.label == "neutral"
    assert result.reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        "@united I want my money back",
        "@united the agent at the desk was clueless",
        "@AirCo your customer service is a joke",
        "@AirCo how is this acceptable",
        "@AirCo waited 40 minutes for our bags",
        "@AirCo been trying to call for 3 days",
    ],
)
def test_complaints_to_a_handle_are_negative(scorer, text):
    """Handles are names: "@united" must not count as VADER's "united" (+1.8)."""
    assert scorer.score(text).label == "negative"


def test_a_handle_alone_carries_no_sentiment(scorer):
    assert scorer.score("@united @happy @love flight 22 boards at gate 4").label == "neutral"


def test_brand_terms_carry_no_sentiment_for_their_brand():
    from care_monitor.sentiment import Scorer

    scorer = Scorer(brand_terms={"United": ["United Airlines"]})
    text = "Flying United to Denver tomorrow"
    assert scorer.score(text).label == "positive"  # VADER's "united" +1.8, without the brand
    assert scorer.score(text, brand="United").label == "neutral"


def test_question_without_complaint_stays_neutral(scorer):
    assert scorer.score("@AirCo can I bring my guitar on board?").label == "neutral"


def test_but_weighs_what_follows(scorer):
    """VADER's "but" rule applies to the care evidence too."""
    praise_after = scorer.score("@AirCo the flight was delayed but the crew were brilliant, thank you")
    complaint_after = scorer.score("@AirCo the crew were lovely but the flight was delayed 5 hours")
    assert praise_after.label == "positive"
    assert complaint_after.label == "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@AirCo why is it impossible to talk to an actual person", "negative"),
        ("@ShopCo refund received, cheers", "positive"),
        ("@ShopCo support rehoused us at 11pm. can't thank you enough", "positive"),
    ],
)
def test_care_layer_v3_phrases(scorer, text, expected):
    assert scorer.score(text).label == expected


def test_a_reason_inside_a_stronger_phrase_is_not_repeated(scorer):
    result = scorer.score("@airline you lost my luggage again")
    assert "lost my luggage" in result.reasons
    assert "lost" not in result.reasons  # VADER's "lost": the phrase already says it
