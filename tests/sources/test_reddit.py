"""Reddit (search.json, /r/{sub}/new.json, optional OAuth) against the replay server."""

from __future__ import annotations

import pytest

from care_monitor.replay.routes import reddit as reddit_routes
from care_monitor.sources.errors import SourceAuthError
from tests.sources.conftest import fetch, mentions_of


@pytest.fixture
def reddit(make_source):
    return make_source("reddit", {"search": ["nordwind"], "subreddits": ["travel", "r/flights"], "limit": 3})


def test_streams_name_searches_and_subreddits(reddit):
    assert reddit.streams() == ["search:nordwind", "r/travel", "r/flights"]


def test_parses_listing_posts(reddit, replay):
    _, pages = fetch(reddit, "search:nordwind")
    by_id = {m.external_id: m for m in mentions_of(pages)}
    post = by_id["t3_1h29x3c"]
    assert post.source == "reddit"
    assert post.url == "https://www.reddit.com/r/flights/comments/1h29x3c/charged_twice_by_nordwind_and/"
    assert post.title == "Charged twice by Nordwind and no refund"
    assert "customer care & two calls" in post.text  # raw_json=1: no &amp;
    assert post.author.handle == "doublepay_ro" and post.author.followers is None
    assert post.engagement.score == 112 and post.engagement.replies == 41
    assert post.replication_value == str(int(post.created_at.timestamp()))
    assert post.raw["subreddit"] == "flights"
    assert "<script>alert(1)</script>" in by_id["t3_1h28v4t"].text
    assert replay.requests_to("/reddit/search.json")[0].query["sort"] == ["new"]


def test_subreddit_pages_follow_after(reddit, replay):
    result, pages = fetch(reddit, "r/travel")
    assert result.fetched == 5 and result.pages == 2
    afters = [r.query.get("after") for r in replay.requests_to("/reddit/r/travel/new.json")]
    assert afters == [None, [pages[0].mentions[-1].external_id]]
    assert all(m.raw["subreddit"] == "travel" for m in mentions_of(pages))


def test_cursor_stops_at_known_posts_and_returns_only_new_ones(reddit, replay):
    first, _ = fetch(reddit, "r/flights")
    replay.add_posts("reddit", [{
        "id": "1h3new1", "subreddit": "flights", "title": "Nordwind lost my stroller",
        "selftext": "Nobody at the desk could help.", "author": "parent_pat", "score": 1,
        "ups": 1, "num_comments": 0, "upvote_ratio": 1.0, "over_18": False,
    }])
    before = len(replay.requests_to("/reddit/r/flights/"))
    second, pages = fetch(reddit, "r/flights", first.new_cursor)
    new = [m for m in mentions_of(pages) if m.replication_value != first.new_cursor]
    assert [m.external_id for m in new] == ["t3_1h3new1"]  # plus any post at the cursor second
    assert pages[-1].reached_cursor is True
    assert len(replay.requests_to("/reddit/r/flights/")) - before == 1  # stopped at the cursor
    assert int(second.new_cursor) > int(first.new_cursor)


def test_rate_limit_headers_are_recorded(reddit):
    fetch(reddit, "r/travel")
    assert reddit.client.stats.quota_remaining == 98  # two requests of 100


def test_oauth_token_then_bearer_requests(make_source, replay, monkeypatch):
    monkeypatch.setenv("TEST_REDDIT_ID", reddit_routes.CLIENT_ID)
    monkeypatch.setenv("TEST_REDDIT_SECRET", reddit_routes.CLIENT_SECRET)
    source = make_source("reddit", {"subreddits": ["travel"]}, credentials={
        "client_id": {"env": "TEST_REDDIT_ID"}, "client_secret": {"env": "TEST_REDDIT_SECRET"}})
    result, _ = fetch(source, "r/travel")
    assert result.fetched == 5
    assert len(replay.requests_to("/reddit/api/v1/access_token")) == 1
    listing = replay.requests_to("/reddit/r/travel/new.json")[-1]
    assert listing.headers["authorization"].startswith("bearer ")


def test_oauth_with_wrong_secret_fails_without_showing_it(make_source, monkeypatch):
    monkeypatch.setenv("TEST_REDDIT_ID", reddit_routes.CLIENT_ID)
    monkeypatch.setenv("TEST_REDDIT_SECRET", "wr0ng-s3cret")
    source = make_source("reddit", {"subreddits": ["travel"]}, credentials={
        "client_id": {"env": "TEST_REDDIT_ID"}, "client_secret": {"env": "TEST_REDDIT_SECRET"}})
    with pytest.raises(SourceAuthError, match="access_token returned HTTP 401") as raised:
        fetch(source, "r/travel")
    assert "wr0ng" not in str(raised.value)


def test_missing_credential_variable_is_named(make_source, monkeypatch):
    monkeypatch.delenv("TEST_REDDIT_ID", raising=False)
    source = make_source("reddit", {"subreddits": ["travel"]},
                         credentials={"client_id": {"env": "TEST_REDDIT_ID"}})
    with pytest.raises(SourceAuthError, match="TEST_REDDIT_ID is not set"):
        fetch(source, "r/travel")


def test_unknown_subreddit_is_not_found(reddit):
    from care_monitor.sources.errors import SourceNotFound

    with pytest.raises(SourceNotFound, match="r/nosuchsub/new.json"):
        fetch(reddit, "r/nosuchsub")
