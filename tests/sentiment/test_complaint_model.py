"""The complaint detectors: load, stay within their role, explain themselves."""

from __future__ import annotations

import math

import pytest

from care_monitor.sentiment import Scorer
from care_monitor.sentiment import scorer as scorer_module
from care_monitor.sentiment.complaint_model import (
    Complaint,
    ComplaintModel,
    features_of,
    NEGATED,
    load_complaint_model,
    negation_marked,
)
from care_monitor.sentiment.care_layer import _NEGATORS
from care_monitor.sentiment.word_vector_model import outside_negation_mask
from tests.sentiment.test_speedups import TEXTS
from care_monitor.sentiment.features import tokens


@pytest.mark.parametrize("language", ["en", "it", "pt", "es", "fr", "de", "ro"])
def test_shipped_model_loads_with_a_sane_threshold(language):
    model = load_complaint_model(language)
    assert model is not None
    assert 0.5 <= model.threshold < 1.0


def test_languages_without_written_posts_have_no_detector():
    assert load_complaint_model("vi") is None
    assert load_complaint_model("und") is None


def test_sums_equal_the_training_features():
    weights = {"w:bag": 1.0, "w:still": 2.0, "b:still waiting": 3.0, "b:my bag": 0.5,
               "w:¬here": 1.5, "b:not ¬here": 0.7, "w:here": -4.0}
    model = ComplaintModel({"threshold": 0.6, "intercept": -0.5, "weights": weights,
                            "negation_marked": True})
    for text in ("still waiting for my bag", "my bag is still not here, sadly"):
        toks = tokens(text)
        expected = sum(weights.get(f, 0.0) for f in features_of(toks))
        assert model.probability(toks) == pytest.approx(
            1 / (1 + math.exp(0.5 - expected / math.sqrt(2 * len(toks) - 1))))
    # strongest first; "my", "for": function words
    assert model.complaint(tokens("still waiting for my bag")).reasons == ("still", "bag")


def test_negation_marks_the_words_the_word_vectors_leave_out():
    """The same scope as word_vector_model.outside_negation_mask: a negator's next three words
    of its clause; a negator within a scope opens its own."""
    texts = [
        "non è affatto male, anzi bello", "no no no non va", "pas de réponse, pas de colis",
        "nicht", "still not here. not happy not at all", "never again! no", "",
    ] + [line for line in TEXTS]
    for text in texts:
        toks = tokens(text)
        expected = [
            tok if outside or tok in _NEGATORS else NEGATED + tok
            for tok, outside in zip(toks, outside_negation_mask(toks))
        ]
        assert negation_marked(toks) == expected, text


def test_a_negated_word_is_another_feature_and_no_reason():
    assert negation_marked(tokens("il film non è affatto male, anzi")) == [
        "il", "film", "non", "¬è", "¬affatto", "¬male", ",", "anzi"]
    model = ComplaintModel({"threshold": 0.5, "intercept": 0.0, "negation_marked": True,
                            "weights": {"w:male": 3.0, "w:¬male": -1.0, "w:film": 0.5}}, "it")
    assert model.complaint(tokens("il film è male")).reasons == ("male", "film")
    assert model.complaint(tokens("il film non è affatto male")) is None


def test_words_common_in_any_post_are_no_reasons():
    model = ComplaintModel({
        "threshold": 0.6, "intercept": 0.0, "not_reasons": ["ancora"],
        "weights": {"w:ancora": 3.0, "w:aspetto": 2.0, "w:pacco": 1.0},
    }, "it")
    assert model.complaint(tokens("aspetto ancora il pacco")).reasons == ("aspetto", "pacco")


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


@pytest.mark.parametrize(("language", "text"), [
    # a promised delivery date long past, stated as facts: no lexicon word, no care rule
    ("it", "Ho ordinato una scrivania a marzo, consegna prevista in 3 settimane. "
           "Siamo a giugno. @MobiliTop"),
    ("de", "Sofa im März bestellt, Lieferung in 3 Wochen versprochen. Jetzt ist Juni. @MöbelTop"),
])
def test_an_implicit_complaint_in_a_model_language_is_found(scorer, language, text):
    assert Scorer(complaint_model=False).score(text).label == "neutral"
    result = scorer.score(text)
    assert (result.language, result.label) == (language, "negative")
    not_reasons = load_complaint_model(language)._not_reasons
    assert result.reasons and not not_reasons.intersection(result.reasons)


def test_a_language_without_a_detector_is_left_alone(scorer):
    text = "Tôi đặt hàng từ tháng ba, hẹn giao trong ba tuần, giờ đã là tháng sáu"
    assert scorer.score(text) == Scorer(complaint_model=False).score(text)


class _AlwaysComplaint:
    def complaint(self, toks):
        return Complaint(-3.0, ("always",))


def test_a_plain_question_is_never_asked(monkeypatch):
    """A question the care layer calls a plain question for information stays neutral whatever a
    detector would say; a statement in the same language is asked."""
    monkeypatch.setattr(scorer_module, "load_complaint_model", lambda language: _AlwaysComplaint())
    scorer = Scorer()
    question = "@EnergiaPiù ricevo la bolletta cartacea, come passo a quella via mail?"
    assert scorer.score(question).label == "neutral"
    statement = "@EnergiaPiù ricevo la bolletta cartacea da gennaio"
    assert scorer.score(statement).reasons == ("always",)
