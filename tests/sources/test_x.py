"""X v2 recent search: bearer token, since_id, expansions, x-rate-limit headers, long posts."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from care_monitor.replay import Fault
from care_monitor.sources.base import StreamResult
from care_monitor.sources.errors import MalformedResponse, RateLimited, SourceAuthError
from care_monitor.sources.x import TWITTER_EPOCH_MS, snowflake_time
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import use_replay_credentials

PATH = "/x/2/tweets/search/recent"


@pytest.fixture
def x(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("x", replay, monkeypatch)
    return make_source("x", {"search": ["nordwind"], "max_results": 10}, credentials=credentials)


def extra_posts(n):
    return [{"author": "ion", "text": f"Nordwind post {i}", "lang": "en",
             "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": i, "quote_count": 0,
                                "bookmark_count": 0, "impression_count": 1}, "age_min": 100 + i}
            for i in range(n)]


def test_posts_with_author_followers_metrics_and_unescaped_text(x, replay):
    _, pages = fetch(x, "nordwind")
    posts = {m.author.handle: m for m in mentions_of(pages) if m.language == "en" and "tarmac" in m.text}
    bea = posts["bea_flies"]
    assert bea.text == "@NordwindAir 3h on the tarmac, no water, no info. This is unacceptable & dangerous. #Nordwind"
    assert bea.author.followers == 48_700 and bea.author.display_name == "Bea"
    assert (bea.engagement.likes, bea.engagement.replies, bea.engagement.shares) == (310, 40, 107)
    assert bea.url == f"https://x.com/bea_flies/status/{bea.external_id}"
    sent = replay.requests_to(PATH)[0]
    assert sent.headers["authorization"] == "Bearer replay-x-bearer"
    assert sent.query["expansions"] == ["author_id"] and "public_metrics" in sent.query["user.fields"][0]
    assert x.client.stats.quota_remaining == 449


def test_next_token_pages_and_since_id_cursor(x, replay):
    replay.add_posts("x", extra_posts(12))
    first, pages = fetch(x, "nordwind")
    assert first.pages == 2 and first.fetched == 18
    assert replay.requests_to(PATH)[1].query["next_token"] == ["10"]
    assert first.new_cursor == max((m.external_id for m in mentions_of(pages)), key=int)
    again, pages = fetch(x, "nordwind", first.new_cursor)
    assert mentions_of(pages) == [] and again.new_cursor is None
    assert replay.requests_to(PATH)[-1].query["since_id"] == [first.new_cursor]


def long_record(replay):
    [record] = [r for r in replay.store.posts("x") if len(r["text"]) > 280]
    return record


def test_a_long_post_comes_back_whole_from_note_tweet(x, replay):
    _, pages = fetch(x, "nordwind")
    sent = replay.requests_to(PATH)[0]
    assert "note_tweet" in sent.query["tweet.fields"][0].split(",")
    [long_post] = [m for m in mentions_of(pages) if "note_tweet" in m.raw]
    assert long_post.text == html.unescape(long_record(replay)["text"])
    assert len(long_post.text) > 280
    assert ("@NordwindAir you sold seats you did not have, split up a family with a six-year-old "
            "& offered a 10 euro meal voucher.") in long_post.text
    cut = long_post.raw["text"]
    assert cut.endswith("…") and len(cut) <= 280 and "nordwind" not in cut.lower()


def test_posts_without_note_tweet_keep_their_text(x, replay):
    _, pages = fetch(x, "nordwind")
    short = [m for m in mentions_of(pages) if "note_tweet" not in m.raw]
    assert len(short) == len(mentions_of(pages)) - 1 == 5
    assert all(m.text == html.unescape(m.raw["text"]) for m in short)
    max_post = next(m for m in short if m.author.handle == "maxdev")
    assert max_post.text == ("Is the Nordwind app down for anyone else? <script> tags in the "
                             "error page lol")


@pytest.mark.parametrize("note_tweet, problem", [
    pytest.param(["Nordwind lost my bag"], "'note_tweet' is an array, not an object", id="array"),
    pytest.param("Nordwind lost my bag", "'note_tweet' is a string, not an object", id="string"),
    pytest.param(None, "'note_tweet' is null, not an object", id="null"),
    pytest.param({"entities": {}}, "'note_tweet' has no 'text'", id="no-text"),
    pytest.param({"text": 42}, "'note_tweet.text' is a number, not a string", id="text-number"),
    pytest.param({"text": None}, "'note_tweet.text' is null, not a string", id="text-null"),
])
def test_a_broken_note_tweet_fails_the_page_saying_what_is_wrong(x, replay, note_tweet, problem):
    replay.add_posts("x", [{**extra_posts(1)[0], "note_tweet": note_tweet}])
    result = StreamResult("nordwind", None)
    with pytest.raises(MalformedResponse) as raised:
        list(x.fetch_stream("nordwind", None, result))
    message = str(raised.value)
    assert message.startswith("test-x: page 1 of 'nordwind' has an unexpected shape")
    assert re.search(rf"post \d+: {re.escape(problem)}", message), message
    assert result.new_cursor is None and result.fetched == 0


def test_a_since_id_older_than_the_search_window_is_not_sent(x, replay):
    old = datetime.now(timezone.utc) - timedelta(days=8)
    old_id = str((int(old.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22)
    assert abs((snowflake_time(old_id) - old).total_seconds()) < 1
    fetch(x, "nordwind", old_id)
    assert "since_id" not in replay.requests_to(PATH)[-1].query


def test_an_empty_result_is_a_page_without_data(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("x", replay, monkeypatch)
    source = make_source("x", {"search": ["zzznothing"]}, credentials=credentials)
    result, pages = fetch(source, "zzznothing")
    assert result.pages == 1 and mentions_of(pages) == []


def test_a_used_up_window_waits_for_the_reset_when_near(x, replay, sleeps):
    replay.add_posts("x", extra_posts(12))
    replay.inject(PATH, Fault(headers={"x-rate-limit-remaining": "0",
                                       "x-rate-limit-reset": str(int(time.time()) + 20)}))
    result, _ = fetch(x, "nordwind")
    assert result.pages == 2 and len(sleeps) == 1 and 15 <= sleeps[0] <= 21


def test_a_used_up_window_far_away_stops_the_run_saying_until_when(x, replay, sleeps):
    replay.add_posts("x", extra_posts(12))
    reset = int(time.time()) + 900
    replay.inject(PATH, Fault(headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}))
    result = StreamResult("nordwind", None)
    pages = x.fetch_stream("nordwind", None, result)
    assert len(next(pages).mentions) == 10
    until = datetime.fromtimestamp(reset, timezone.utc).isoformat(timespec="seconds")
    with pytest.raises(RateLimited, match=re.escape(f"quota resets at {until}")):
        next(pages)
    assert sleeps == [] and len(replay.requests_to(PATH)) == 1


def test_a_wrong_bearer_token_is_refused_clearly(make_source, monkeypatch):
    monkeypatch.setenv("CM_TEST_X_BAD", "AAAAwrongtoken")
    source = make_source("x", {"search": ["nordwind"]}, credentials={"bearer_token": {"env": "CM_TEST_X_BAD"}})
    with pytest.raises(SourceAuthError, match=r"HTTP 401 \(Unauthorized\): access refused") as raised:
        fetch(source, "nordwind")
    assert "AAAAwrongtoken" not in str(raised.value)
