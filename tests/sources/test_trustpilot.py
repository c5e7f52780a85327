"""Trustpilot business-unit reviews: API key in a header, stars, company replies."""

from __future__ import annotations

import pytest

from care_monitor.config import ConfigError, parse_config
from care_monitor.sources.errors import MalformedResponse, SourceAuthError, SourceNotFound
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import BUSINESS_UNIT, use_replay_credentials

PATH = f"/trustpilot/v1/business-units/{BUSINESS_UNIT}/reviews"
FIND = "/trustpilot/v1/business-units/find"
NAME = "nordwind.example"  # the replay's identifying name of BUSINESS_UNIT


def add_review(replay, review_id: str, stars: int, title: str, text: str, author: tuple[str, str]):
    """A new English review of BUSINESS_UNIT on the replay server (author: consumer id, name)."""
    replay.add_posts("trustpilot", [{
        "businessUnitId": BUSINESS_UNIT, "id": review_id, "stars": stars, "title": title,
        "text": text, "language": "en",
        "consumer": {"id": author[0], "displayName": author[1], "displayLocation": None,
                     "numberOfReviews": 1}}])


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
    add_review(replay, "65a1f0c2d4e5f600112233ff", 1, "Rude", "Nordwind staff were rude.",
               ("5e", "Kim"))
    second, pages = fetch(trustpilot, BUSINESS_UNIT, first.new_cursor)
    assert [m.title for m in mentions_of(pages)] == ["Rude"] and second.new_cursor > first.new_cursor


def test_an_invalid_key_is_refused_clearly(make_source, monkeypatch):
    monkeypatch.setenv("CM_TEST_TP_BAD", "bad-key-42")
    source = make_source("trustpilot", {"business_units": [BUSINESS_UNIT]},
                         credentials={"api_key": {"env": "CM_TEST_TP_BAD"}})
    with pytest.raises(SourceAuthError, match="HTTP 401: access refused; check the source's credentials") as raised:
        fetch(source, BUSINESS_UNIT)
    assert "bad-key-42" not in str(raised.value)


def test_a_unit_given_by_name_reads_the_same_reviews_as_by_id(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("trustpilot", replay, monkeypatch)
    by_id = make_source("trustpilot", {"business_units": [BUSINESS_UNIT], "per_page": 2},
                        credentials=credentials)
    by_name = make_source("trustpilot", {"business_unit_names": [NAME], "per_page": 2},
                          credentials=credentials)
    assert by_name.streams() == [NAME]
    _, id_pages = fetch(by_id, BUSINESS_UNIT)
    result, name_pages = fetch(by_name, NAME)
    expected = [(m.external_id, m.replication_value) for m in mentions_of(id_pages)]
    assert len(expected) >= 3 and len(id_pages) >= 2
    assert [(m.external_id, m.replication_value) for m in mentions_of(name_pages)] == expected
    assert result.stream == NAME and all(page.stream == NAME for page in name_pages)
    assert len(replay.requests_to(PATH)) == 2 * len(id_pages)


def test_a_name_is_resolved_once_per_source_with_the_key_header(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("trustpilot", replay, monkeypatch)
    source = make_source("trustpilot", {"business_unit_names": [NAME], "per_page": 2},
                         credentials=credentials)
    first, pages = fetch(source, NAME)
    assert len(pages) >= 2
    add_review(replay, "65a1f0c2d4e5f600112233fe", 2, "Late", "Nordwind was late again.",
               ("5f", "Lee"))
    second, later = fetch(source, NAME, first.new_cursor)
    assert [m.title for m in mentions_of(later)] == ["Late"] and second.new_cursor > first.new_cursor
    finds = replay.requests_to(FIND)
    assert len(finds) == 1
    assert finds[0].query["name"] == [NAME] and finds[0].headers["apikey"] == "replay-trustpilot-key"
    assert "apikey" not in finds[0].query


def test_an_unknown_name_fails_its_stream_while_an_id_stream_still_reads(make_source, replay,
                                                                        monkeypatch):
    credentials = use_replay_credentials("trustpilot", replay, monkeypatch)
    source = make_source("trustpilot", {"business_units": [BUSINESS_UNIT],
                                        "business_unit_names": ["no-such-airline.example"]},
                         credentials=credentials)
    assert source.streams() == [BUSINESS_UNIT, "no-such-airline.example"]
    with pytest.raises(SourceNotFound, match="no business unit named 'no-such-airline.example'"):
        fetch(source, "no-such-airline.example")
    assert replay.requests_to("/trustpilot/v1/business-units/no-such") == []
    result, pages = fetch(source, BUSINESS_UNIT)
    assert "Worst airline experience" in {m.title for m in mentions_of(pages)}
    assert result.new_cursor is not None


def test_a_find_answer_without_id_is_a_clear_error(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("trustpilot", replay, monkeypatch)
    source = make_source("trustpilot", {"business_unit_names": [NAME]}, credentials=credentials)
    real_get = source.client.get

    def get(request):
        response = real_get(request)
        if request.url.endswith("/find"):
            return type(response)(response.url, 200, response.headers, '{"links": []}')
        return response

    monkeypatch.setattr(source.client, "get", get)
    with pytest.raises(MalformedResponse, match=f"find for '{NAME}' returned no business-unit 'id'"):
        fetch(source, NAME)
    assert replay.requests_to(PATH) == []


def test_a_source_needs_business_units_or_names():
    config = {"brands": [{"name": "A", "queries": [{"any": ["a"]}]}],
              "sources": [{"name": "tp", "type": "trustpilot", "credentials": {"api_key": {"env": "X"}},
                           "params": {"business_units": [], "per_page": 10}}]}
    with pytest.raises(ConfigError, match=r"sources\[0\] \(tp\): .*give at least one of "
                       "'business_units' or 'business_unit_names'") as raised:
        parse_config(config)
    # Either list alone is enough.
    for params in ({"business_units": ["5f0c"]}, {"business_unit_names": ["example.com"]}):
        config["sources"][0]["params"] = params
        assert parse_config(config).sources[0].params == params
    assert "tp" in str(raised.value)
