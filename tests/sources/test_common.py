"""Behaviour every source shares, checked for each: rate-limit waits, 5xx retries,
malformed pages, fast failures on 401/404, and the per-run page bound."""

from __future__ import annotations

import pytest

from care_monitor.replay import Fault
from care_monitor.sources.base import StreamResult
from care_monitor.sources.errors import MalformedResponse, SourceAuthError, SourceNotFound
from tests.sources.conftest import fetch, mentions_of

# type, params with small pages (so every stream has 2+ pages), stream, the path it calls
CASES = {
    "hackernews": ({"queries": ["nordwind"], "hits_per_page": 3}, "nordwind", "/hn/api/v1/search_by_date"),
    "reddit": ({"subreddits": ["travel"], "limit": 2}, "r/travel", "/reddit/r/travel/new.json"),
    "mastodon": ({"hashtags": ["nordwind"], "limit": 3}, "#nordwind", "/mastodon/api/v1/timelines/tag/nordwind"),
    "rss": ({"feeds": ["google-alerts-nordwind.xml"]}, "google-alerts-nordwind.xml", "/rss/google-alerts-nordwind.xml"),
}
PAGINATED = ["hackernews", "reddit", "mastodon"]


@pytest.fixture(params=sorted(CASES))
def case(request, make_source):
    params, stream, path = CASES[request.param]
    return make_source(request.param, params), stream, path


def test_rate_limited_page_waits_retry_after_and_loses_nothing(case, replay, sleeps):
    source, stream, path = case
    _, expected = fetch(source, stream)
    source.client.take_stats()
    replay.inject(path, Fault(status=429, retry_after=2))
    result, pages = fetch(source, stream)
    assert sleeps == [2.0]
    assert source.client.stats.rate_limited_waits == 1
    assert source.client.stats.waited_seconds == 2.0
    assert [m.external_id for m in mentions_of(pages)] == [m.external_id for m in mentions_of(expected)]


def test_5xx_is_retried_then_succeeds(case, replay, sleeps):
    source, stream, path = case
    replay.inject(path, Fault(status=502), times=2)
    result, pages = fetch(source, stream)
    assert source.client.stats.retries == 2 and len(sleeps) == 2
    assert result.fetched > 0


def test_malformed_first_page_fails_naming_source_and_page(case, replay):
    source, stream, path = case
    replay.inject(path, Fault(malformed=True))
    result = StreamResult(stream=stream, old_cursor=None)
    with pytest.raises(MalformedResponse) as raised:
        list(source.fetch_stream(stream, None, result))
    message = str(raised.value)
    assert source.name in message and "page 1" in message and stream in message
    assert result.new_cursor is None and result.fetched == 0


@pytest.mark.parametrize("type_name", PAGINATED)
def test_malformed_later_page_stops_after_the_good_pages(type_name, make_source, replay):
    params, stream, path = CASES[type_name]
    source = make_source(type_name, params)
    result = StreamResult(stream=stream, old_cursor=None)
    pages = source.fetch_stream(stream, None, result)
    assert next(pages).mentions
    replay.inject(path, Fault(malformed=True))
    with pytest.raises(MalformedResponse, match=f"{source.name}: page 2 of"):
        next(pages)
    assert result.pages == 1  # the caller commits page 1 only, then its cursor


@pytest.mark.parametrize("status, error", [(401, SourceAuthError), (404, SourceNotFound)])
def test_401_and_404_fail_fast_with_a_clear_message(case, replay, sleeps, status, error):
    source, stream, path = case
    replay.inject(path, Fault(status=status))
    with pytest.raises(error, match=f"{source.name}: GET http://127.0.0.1:\\d+{path}.* returned HTTP {status}"):
        fetch(source, stream)
    assert source.client.stats.requests == 1 and sleeps == []


@pytest.mark.parametrize("type_name", PAGINATED)
def test_page_bound_truncates_the_run(type_name, make_source):
    params, stream, _ = CASES[type_name]
    source = make_source(type_name, params, max_pages=1)
    result, pages = fetch(source, stream)
    assert result.truncated is True
    assert result.pages == 1 and len(pages) == 1
    assert result.new_cursor == max((m.replication_value for m in pages[0].mentions), key=int)


@pytest.mark.parametrize("type_name", PAGINATED)
def test_follows_pagination_to_the_end(type_name, make_source):
    params, stream, _ = CASES[type_name]
    source = make_source(type_name, params)
    result, pages = fetch(source, stream)
    ids = [m.external_id for m in mentions_of(pages)]
    assert result.pages >= 2 and result.truncated is False
    assert len(ids) == len(set(ids)) == result.fetched
    created = [m.created_at for m in mentions_of(pages)]
    assert created == sorted(created, reverse=True)


def test_credentials_resolve_once_and_missing_ones_are_named(make_source, monkeypatch):
    from care_monitor.sources.errors import SourceAuthError

    source = make_source("youtube", {"videos": ["v1"]}, credentials={"api_key": {"env": "CM_TEST_YT_KEY"}})
    with pytest.raises(SourceAuthError, match="environment variable CM_TEST_YT_KEY is not set"):
        source.credential("api_key")
    monkeypatch.setenv("CM_TEST_YT_KEY", "k-1")
    assert source.credential("api_key") == "k-1"
    monkeypatch.setenv("CM_TEST_YT_KEY", "k-2")
    assert source.credential("api_key") == "k-1"  # resolved once per source instance
    assert source.credential("absent", required=False) is None
    with pytest.raises(SourceAuthError, match="a youtube source needs credentials.absent"):
        source.credential("absent")
