"""The contract every source keeps, checked for all eleven against the replay server: parsing
into mentions with cursor values, pagination and the cursor, rate-limit waits, 5xx retries,
malformed pages, fast and clear failures on 401/403/404, the page bound, and no secret in errors."""

from __future__ import annotations

import pytest

from care_monitor.replay import Fault
from care_monitor.sources.base import StreamResult
from care_monitor.sources.errors import MalformedResponse, SourceAuthError, SourceNotFound
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import BUSINESS_UNIT, use_replay_credentials

# type -> (params with small pages, stream, the path it calls)
CASES = {
    "hackernews": ({"queries": ["nordwind"], "hits_per_page": 3}, "nordwind", "/hn/api/v1/search_by_date"),
    "reddit": ({"subreddits": ["travel"], "limit": 2}, "r/travel", "/reddit/r/travel/new.json"),
    "mastodon": ({"hashtags": ["nordwind"], "limit": 3}, "#nordwind", "/mastodon/api/v1/timelines/tag/nordwind"),
    "rss": ({"feeds": ["google-alerts-nordwind.xml"]}, "google-alerts-nordwind.xml", "/rss/google-alerts-nordwind.xml"),
    "bluesky": ({"search": ["nordwind"], "limit": 2}, "nordwind",
                "/bluesky/xrpc/app.bsky.feed.searchPosts"),
    "appstore": ({"apps": ["1234567890"], "countries": ["us"]}, "1234567890:us",
                 "/appstore/us/rss/customerreviews/"),
    "googleplay": ({"packages": ["com.nordwind.app"], "max_results": 2}, "com.nordwind.app",
                   "/googleplay/androidpublisher/v3/applications/com.nordwind.app/reviews"),
    "youtube": ({"videos": ["dQw4nordw1A"], "max_results": 2}, "video:dQw4nordw1A",
                "/youtube/youtube/v3/commentThreads"),
    "stackexchange": ({"search": ["nordwind"], "pagesize": 2}, "stackoverflow:nordwind",
                      "/stackexchange/2.3/search/advanced"),
    "trustpilot": ({"business_units": [BUSINESS_UNIT], "per_page": 2}, BUSINESS_UNIT,
                   f"/trustpilot/v1/business-units/{BUSINESS_UNIT}/reviews"),
    "x": ({"search": ["nordwind"], "max_results": 10}, "nordwind", "/x/2/tweets/search/recent"),
}
PAGINATED = ["hackernews", "reddit", "mastodon", "bluesky", "googleplay", "youtube", "stackexchange",
             "trustpilot"]
SECRETS = ("replay-app-pass", "replay-youtube-key", "replay-se-key", "replay-trustpilot-key",
           "replay-x-bearer", "PRIVATE KEY")


@pytest.fixture
def build(make_source, replay, monkeypatch):
    def make(type_name: str, **config):
        params, stream, path = CASES[type_name]
        credentials = use_replay_credentials(type_name, replay, monkeypatch)
        return make_source(type_name, params, credentials=credentials, **config), stream, path

    return make


@pytest.fixture(params=sorted(CASES))
def case(request, build):
    return build(request.param)


def test_streams_parse_into_mentions_with_cursor_values(case):
    source, stream, _ = case
    assert stream in source.streams()
    result, pages = fetch(source, stream)
    mentions = mentions_of(pages)
    assert mentions and result.fetched == len(mentions)
    assert all(m.source == source.platform and m.source_name == source.name for m in mentions)
    assert all(m.replication_value and m.created_at.tzinfo for m in mentions)
    assert result.new_cursor == max((m.replication_value for m in mentions),
                                    key=lambda v: (0, int(v)) if v.isdigit() else (1, v))
    assert not any(secret in repr(m.raw) for m in mentions for secret in SECRETS)


@pytest.mark.parametrize("type_name", PAGINATED)
def test_pagination_reaches_every_page_and_the_cursor_stops_the_next_run(type_name, build, replay):
    source, stream, path = build(type_name)
    first, pages = fetch(source, stream)
    assert first.pages >= 2 and len(replay.requests_to(path)) == first.pages
    ids = [m.external_id for m in mentions_of(pages)]
    assert len(ids) == len(set(ids)) == first.fetched
    again, pages = fetch(source, stream, first.new_cursor)
    assert again.pages == 1
    if source.inclusive_cursor:  # whole-second cursors re-read only the posts of that second
        assert [m.replication_value for m in mentions_of(pages)] == [first.new_cursor]
        assert again.new_cursor == first.new_cursor
    else:
        assert mentions_of(pages) == [] and again.new_cursor is None


@pytest.mark.parametrize("type_name", PAGINATED)
def test_page_bound_truncates_the_run(type_name, build):
    from care_monitor.sources.base import cursor_sort_key

    source, stream, _ = build(type_name, max_pages=1)
    result, pages = fetch(source, stream)
    assert len(pages) == 1 and result.truncated and result.pages == 1
    assert result.new_cursor == max((m.replication_value for m in pages[0].mentions), key=cursor_sort_key)


def test_rate_limited_page_waits_retry_after_and_loses_nothing(case, replay, sleeps):
    source, stream, path = case
    _, expected = fetch(source, stream)
    source.client.take_stats()
    replay.inject(path, Fault(status=429, retry_after=2))
    _, pages = fetch(source, stream)
    assert sleeps == [2.0]
    assert source.client.stats.rate_limited_waits == 1
    assert [m.external_id for m in mentions_of(pages)] == [m.external_id for m in mentions_of(expected)]


def test_5xx_is_retried_then_succeeds(case, replay, sleeps):
    source, stream, path = case
    replay.inject(path, Fault(status=503), times=2)
    result, _ = fetch(source, stream)
    assert source.client.stats.retries == 2 and len(sleeps) == 2
    assert result.fetched > 0


def test_malformed_first_page_fails_naming_source_and_page(case, replay):
    source, stream, path = case
    replay.inject(path, Fault(malformed=True))
    result = StreamResult(stream=stream, old_cursor=None)
    with pytest.raises(MalformedResponse) as raised:
        list(source.fetch_stream(stream, None, result))
    assert source.name in str(raised.value) and "page 1" in str(raised.value)
    assert result.new_cursor is None and result.fetched == 0


@pytest.mark.parametrize("type_name", PAGINATED)
def test_malformed_later_page_stops_after_the_good_pages(type_name, build, replay):
    source, stream, path = build(type_name)
    result = StreamResult(stream=stream, old_cursor=None)
    pages = source.fetch_stream(stream, None, result)
    assert next(pages).mentions
    replay.inject(path, Fault(malformed=True))
    with pytest.raises(MalformedResponse, match=f"{source.name}: page 2 of"):
        next(pages)
    assert result.pages == 1


@pytest.mark.parametrize("status, error", [(401, SourceAuthError), (403, SourceAuthError),
                                           (404, SourceNotFound)])
def test_refusals_fail_fast_with_a_clear_message_and_no_secret(case, replay, sleeps, status, error):
    source, stream, path = case
    replay.inject(path, Fault(status=status))
    with pytest.raises(error, match=f"{source.name}: GET http://127.0.0.1:\\d+{path}.* returned HTTP {status}") as raised:
        fetch(source, stream)
    assert len(replay.requests_to(path)) == 1 and sleeps == []
    assert not any(secret in str(raised.value) for secret in SECRETS)
