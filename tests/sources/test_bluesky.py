"""Bluesky: session login/refresh, searchPosts, follower lookups, quota headers."""

from __future__ import annotations

import time

import pytest

from care_monitor.replay import Fault
from care_monitor.sources.bluesky import BlueskySource
from care_monitor.sources.errors import RateLimited, SourceAuthError
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import use_replay_credentials

SEARCH = "/bluesky/xrpc/app.bsky.feed.searchPosts"
LOGIN = "/bluesky/xrpc/com.atproto.server.createSession"
REFRESH = "/bluesky/xrpc/com.atproto.server.refreshSession"
PROFILES = "/bluesky/xrpc/app.bsky.actor.getProfiles"


@pytest.fixture(autouse=True)
def fresh_profile_cache():
    BlueskySource._followers_cache.clear()


@pytest.fixture
def bsky(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("bluesky", replay, monkeypatch)
    return make_source("bluesky", {"search": ["nordwind", "skyjet"], "limit": 3},
                       credentials=credentials)


def test_parses_posts_with_web_url_language_engagement_and_followers(bsky, replay):
    _, pages = fetch(bsky, "nordwind")
    by_text = {m.text: m for m in mentions_of(pages)}
    post = by_text["Third delay this month with Nordwind. Missed my connection and nobody at "
                   "the desk could help. Never again 😡"]
    assert post.external_id == "at://did:plc:ana4k2x7q3m5n6p8r9s0t1u2/app.bsky.feed.post/3lbq2ajxk6s2a"
    assert post.url == "https://bsky.app/profile/ana.bsky.social/post/3lbq2ajxk6s2a"
    assert post.author.handle == "ana.bsky.social" and post.author.display_name == "Ana Popescu ✈️"
    assert post.author.followers == 1843
    assert (post.engagement.likes, post.engagement.replies, post.engagement.shares) == (31, 4, 14)
    assert post.language == "en"
    assert "Nordwind hat meinen Flug ohne Info storniert. Hotline nicht erreichbar. Katastrophe!" in by_text
    assert by_text["Nordwind hat meinen Flug ohne Info storniert. Hotline nicht erreichbar. Katastrophe!"].language == "de"
    assert replay.requests_to(SEARCH)[0].query["sort"] == ["latest"]


def test_logs_in_once_and_caches_follower_counts(bsky, replay):
    fetch(bsky, "nordwind")
    profile_calls = len(replay.requests_to(PROFILES))
    assert profile_calls >= 1
    assert all(len(r.query["actors"]) <= 25 for r in replay.requests_to(PROFILES))
    fetch(bsky, "nordwind")
    assert len(replay.requests_to(LOGIN)) == 1
    assert len(replay.requests_to(PROFILES)) == profile_calls  # served from the cache
    login = replay.requests_to(LOGIN)[0]
    assert all(r.headers["authorization"].startswith("Bearer ") for r in replay.requests_to(SEARCH))
    assert "authorization" not in login.headers


def test_cursor_is_sent_as_since_and_only_newer_posts_come_back(bsky, replay):
    first, _ = fetch(bsky, "skyjet")
    replay.add_posts("bluesky", [{
        "author": {"did": "did:plc:newcomer000000000000000", "handle": "new.bsky.social",
                   "displayName": "New", "followersCount": 5},
        "rkey": "3lzznewpost22", "record": {"text": "SkyJet boarding was chaos today", "langs": ["en"]},
    }])
    second, pages = fetch(bsky, "skyjet", first.new_cursor)
    assert [m.url for m in mentions_of(pages)] == ["https://bsky.app/profile/new.bsky.social/post/3lzznewpost22"]
    assert replay.requests_to(SEARCH)[-1].query["since"] == [first.new_cursor[:19] + "Z"]
    assert second.new_cursor > first.new_cursor


def test_an_expired_access_token_is_refreshed_and_the_request_retried(bsky, replay):
    replay.store.meta("bluesky")["expire_next_access_tokens"] = 1
    result, _ = fetch(bsky, "nordwind")
    assert result.fetched > 0
    assert len(replay.requests_to(REFRESH)) == 1 and len(replay.requests_to(LOGIN)) == 1


def test_the_session_is_refreshed_before_the_access_token_expires(make_source, replay, monkeypatch):
    from care_monitor.config import SourceConfig
    from care_monitor.sources.http import HttpClient

    now = [time.time()]
    credentials = use_replay_credentials("bluesky", replay, monkeypatch)
    config = SourceConfig(name="bsky", type="bluesky", base_url=replay.base_url("bluesky"),
                          credentials=credentials, params={"search": ["nordwind"]})
    source = BlueskySource(config, HttpClient("bsky", timeout=5, clock=lambda: now[0]))
    fetch(source, "nordwind")
    now[0] += 7200 - 60  # within a minute of the token's expiry
    fetch(source, "nordwind")
    assert len(replay.requests_to(REFRESH)) == 1 and len(replay.requests_to(LOGIN)) == 1


def test_wrong_app_password_fails_with_a_clear_message(make_source, monkeypatch, replay):
    monkeypatch.setenv("BSKY_HANDLE", "care.nordwind.example")
    monkeypatch.setenv("BSKY_PASSWORD", "wrong-password-123")
    source = make_source("bluesky", {"search": ["nordwind"]}, credentials={
        "handle": {"env": "BSKY_HANDLE"}, "app_password": {"env": "BSKY_PASSWORD"}})
    with pytest.raises(SourceAuthError, match="refused the login.*app_password") as raised:
        fetch(source, "nordwind")
    assert "wrong-password-123" not in str(raised.value)
    assert replay.requests_to(SEARCH) == []


def test_missing_credentials_are_named(make_source):
    source = make_source("bluesky", {"search": ["nordwind"]})
    with pytest.raises(SourceAuthError, match="credentials.handle and credentials.app_password"):
        fetch(source, "nordwind")


def test_an_unset_environment_variable_is_named(make_source):
    source = make_source("bluesky", {"search": ["nordwind"]}, credentials={
        "handle": {"env": "CM_UNSET_HANDLE_VAR"}, "app_password": {"env": "CM_UNSET_PASS_VAR"}})
    with pytest.raises(SourceAuthError, match="CM_UNSET_HANDLE_VAR is not set"):
        fetch(source, "nordwind")


def test_used_up_rate_limit_waits_for_the_reset_when_it_is_near(bsky, replay, sleeps):
    reset = int(time.time()) + 30
    replay.inject(SEARCH, Fault(headers={"RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)}))
    result, _ = fetch(bsky, "nordwind")
    assert result.pages >= 2 and len(sleeps) == 1 and 25 <= sleeps[0] <= 31
    assert bsky.client.stats.rate_limited_waits == 1


def test_used_up_rate_limit_far_away_stops_the_run_saying_until_when(bsky, replay, sleeps):
    reset = int(time.time()) + 3600
    replay.inject(SEARCH, Fault(headers={"RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)}))
    result = fetch_partial(bsky, "nordwind")
    assert result[0] == 1 and sleeps == []
    assert isinstance(result[1], RateLimited) and "quota resets at 20" in str(result[1])
    with pytest.raises(RateLimited):  # the other streams stop too, without a request
        fetch(bsky, "skyjet")
    assert bsky.client.stats.quota_remaining == 0


def fetch_partial(source, stream):
    from care_monitor.sources.base import StreamResult

    result = StreamResult(stream=stream, old_cursor=None)
    try:
        for _ in source.fetch_stream(stream, None, result):
            pass
    except RateLimited as error:
        return result.pages, error
    return result.pages, None


def test_refresh_engagement_reads_current_counts(bsky, replay):
    _, pages = fetch(bsky, "nordwind")
    uris = [m.external_id for m in mentions_of(pages)][:2]
    refreshed = bsky.refresh_engagement(uris)
    assert sorted(m.external_id for m in refreshed) == sorted(uris)
    assert all(m.engagement.likes is not None for m in refreshed)
