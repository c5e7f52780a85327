"""Stack Exchange search/advanced: optional key, quota_remaining, backoff, gzip."""

from __future__ import annotations

import pytest

from care_monitor.sources.base import StreamResult
from care_monitor.sources.errors import RateLimited
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import use_replay_credentials

PATH = "/stackexchange/2.3/search/advanced"


@pytest.fixture
def keyless(make_source):
    return make_source("stackexchange", {"search": ["nordwind"], "sites": ["stackoverflow", "travel"],
                                         "pagesize": 2})


def test_questions_with_unescaped_titles_and_plain_bodies(keyless, replay):
    assert keyless.streams() == ["stackoverflow:nordwind", "travel:nordwind"]
    _, pages = fetch(keyless, "stackoverflow:nordwind")
    questions = {m.external_id: m for m in mentions_of(pages)}
    api = questions["stackoverflow:79100001"]
    assert api.title == 'Nordwind booking API returns 500 on "GET /fares" since yesterday'
    assert api.text.startswith("Our integration with the Nordwind booking API started failing")
    assert "<strong>" not in api.text and api.author.display_name == "dev&ops"
    assert api.engagement.score == -1 and api.url.endswith("/questions/79100001/q")
    assert api.replication_value == str(int(api.created_at.timestamp()))
    sent = replay.requests_to(PATH)[0].query
    assert sent["sort"] == ["creation"] and sent["filter"] == ["withbody"] and "key" not in sent


def test_quota_remaining_is_reported_and_the_key_is_sent_when_configured(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("stackexchange", replay, monkeypatch)
    source = make_source("stackexchange", {"search": ["nordwind"]}, credentials=credentials)
    fetch(source, "stackoverflow:nordwind")
    assert source.client.stats.quota_remaining == 9_999
    assert replay.requests_to(PATH)[0].query["key"] == ["replay-se-key"]


def test_cursor_is_sent_as_fromdate(keyless, replay):
    first, _ = fetch(keyless, "stackoverflow:nordwind")
    again, pages = fetch(keyless, "stackoverflow:nordwind", first.new_cursor)
    # fromdate is inclusive and so is the cursor: only the question of that second comes back
    assert [m.replication_value for m in mentions_of(pages)] == [first.new_cursor]
    assert replay.requests_to(PATH)[-1].query["fromdate"] == [first.new_cursor]


def test_backoff_is_honoured_before_the_next_request(keyless, replay, sleeps):
    replay.store.meta("stackexchange")["backoff_once"] = 10
    result, _ = fetch(keyless, "stackoverflow:nordwind")
    assert result.pages == 2 and len(sleeps) == 1 and 9 <= sleeps[0] <= 10
    assert keyless.client.stats.rate_limited_waits == 1


def test_a_spent_daily_quota_stops_the_run_saying_until_midnight_utc(keyless, replay, sleeps):
    replay.store.meta("stackexchange")["_used"] = {"keyless": 299, "key": 0}
    result = StreamResult("stackoverflow:nordwind", None)
    pages = keyless.fetch_stream("stackoverflow:nordwind", None, result)
    assert next(pages).mentions  # the last allowed request still counts
    with pytest.raises(RateLimited, match=r"daily quota of 300 requests is used up; .*resets at \d{4}-\d\d-\d\dT00:00:00\+00:00"):
        next(pages)
    assert keyless.client.stats.quota_remaining == 0 and sleeps == []
    assert len(replay.requests_to(PATH)) == 1
