"""Trustpilot business-unit reviews: API key in a header, stars, company replies."""

from __future__ import annotations

import pytest

from care_monitor.sources.errors import SourceAuthError
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import BUSINESS_UNIT, use_replay_credentials

PATH = f"/trustpilot/v1/business-units/{BUSINESS_UNIT}/reviews"


@pytest.fixture
def trustpilot(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("trustpilot", replay, monkeypatch)
    return make_source("trustpilot", {"business_units": [BUSINESS_UNIT]}, credentials=credentials)


def test_reviews_with_stars_language_and_company_reply(trustpilot, replay):
    _, pages = fetch(trustpilot, BUSINESS_UNIT)
    reviews = {m.title: m for m in mentions_of(pages)}
    worst = reviews["Worst airline experience"]
    assert worst.rating == 1 and worst.replied_at is None and worst.language == "en"
    assert worst.url == "https://www.trustpilot.com/reviews/65a1f0c2d4e5f60011223344"
    assert worst.author.display_name == "R. Klein"
    great = reviews["Great crew"]
    assert great.rating == 5 and great.replied_at > great.created_at
    assert reviews["Correct"].language == "fr"
    call = replay.requests_to(PATH)[0]
    assert call.headers["apikey"] == "replay-trustpilot-key" and "apikey" not in call.query
    assert call.query["orderBy"] == ["createdat.desc"]


def test_cursor_keeps_only_newer_reviews(trustpilot, replay):
    first, _ = fetch(trustpilot, BUSINESS_UNIT)
    replay.add_posts("trustpilot", [{
        "businessUnitId": BUSINESS_UNIT, "id": "65a1f0c2d4e5f600112233ff", "stars": 1, "title": "Rude",
        "text": "Nordwind staff were rude.", "language": "en",
        "consumer": {"id": "5e", "displayName": "Kim", "displayLocation": None, "numberOfReviews": 1}}])
    second, pages = fetch(trustpilot, BUSINESS_UNIT, first.new_cursor)
    assert [m.title for m in mentions_of(pages)] == ["Rude"] and second.new_cursor > first.new_cursor


def test_an_invalid_key_is_refused_clearly(make_source, monkeypatch):
    monkeypatch.setenv("CM_TEST_TP_BAD", "bad-key-42")
    source = make_source("trustpilot", {"business_units": [BUSINESS_UNIT]},
                         credentials={"api_key": {"env": "CM_TEST_TP_BAD"}})
    with pytest.raises(SourceAuthError, match="HTTP 401: access refused; check the source's credentials") as raised:
        fetch(source, BUSINESS_UNIT)
    assert "bad-key-42" not in str(raised.value)
