"""Information questions name failures that have not happened; complaint questions do not count."""

from __future__ import annotations

import pytest

from care_monitor.sentiment.questions import information_question_spans, only_information_questions


@pytest.mark.parametrize(
    "text",
    [
        "can i change my flight if it gets cancelled?",
        "do you refund if i cancel within 24h?",
        "is there an outage in 19104 right now?",
        "how early can i drop my bag for a 7am flight",
    ],
)
def test_information_questions(text):
    assert only_information_questions(text)


@pytest.mark.parametrize(
    "text",
    [
        "why is my flight cancelled again?",
        "can i get a refund if you cancelled it? still waiting",
        "my flight was cancelled. what happens now?",
        "where is my refund",
        "the app crashed",
    ],
)
def test_not_only_information_questions(text):
    assert not only_information_questions(text)


def test_spans_cover_only_the_question():
    text = "my bag is lost. can i claim if it never turns up? thanks"
    assert [text[s:e].strip() for s, e in information_question_spans(text)] == []  # "never"
    text = "flight 22 is on time. can i change seats if i pay?"
    assert [text[s:e].strip() for s, e in information_question_spans(text)] == ["can i change seats if i pay?"]


@pytest.mark.parametrize(
    "text",
    [
        "@AirCo can I change my flight if it gets cancelled?",
        "@AirCo do you refund if I cancel within 24h?",
        "@AirCo is there an outage in 19104 right now?",
    ],
)
def test_information_questions_are_not_complaints(scorer, text):
    assert scorer.score(text).label == "neutral"


def test_strong_words_still_count_in_a_question(scorer):
    assert scorer.score("@AirCo what the hell happens if you lose my bag again?").label == "negative"
