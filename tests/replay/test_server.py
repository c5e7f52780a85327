"""The replay server answers like the real services: filters, pagination, headers, faults."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import feedparser
import pytest
import requests

from care_monitor.replay import Fault, ReplayServer
from care_monitor.replay.routes import x as x_routes


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


def get(server: ReplayServer, platform: str, path: str, **params) -> requests.Response:
    return requests.get(f"{server.base_url(platform)}{path}", params=params, timeout=5)


def test_base_urls_by_prefix_or_source_type(server):
    assert server.base_url("hackernews") == server.base_url("hn") == f"{server.url}/hn"
    assert {"hn", "mastodon", "reddit", "rss"} <= set(server.platforms)
    with pytest.raises(KeyError, match="no replay routes for 'myspace'"):
        server.base_url("myspace")


def test_hn_numeric_filters_and_pages(server):
    everything = get(server, "hn", "/api/v1/search_by_date", query="nordwind", hitsPerPage=100).json()
    times = sorted(h["created_at_i"] for h in everything["hits"])
    middle = times[len(times) // 2]
    newer = get(server, "hn", "/api/v1/search_by_date", query="nordwind",
                numericFilters=f"created_at_i>{middle}", hitsPerPage=100).json()
    assert newer["hits"] and all(h["created_at_i"] > middle for h in newer["hits"])
    assert newer["nbHits"] == len([t for t in times if t > middle])
    paged = get(server, "hn", "/api/v1/search_by_date", query="nordwind", hitsPerPage=4, page=1).json()
    assert paged["page"] == 1 and paged["nbPages"] == -(-everything["nbHits"] // 4)
    assert [h["objectID"] for h in paged["hits"]] == [h["objectID"] for h in everything["hits"][4:8]]
    stories = get(server, "hn", "/api/v1/search_by_date", query="nordwind", tags="story").json()
    assert stories["hits"] and all("story" in h["_tags"] for h in stories["hits"])


def test_mastodon_id_filters_and_link_header(server):
    path = "/api/v1/timelines/tag/nordwind"
    everything = get(server, "mastodon", path, limit=40).json()
    ids = [int(s["id"]) for s in everything]
    assert ids == sorted(ids, reverse=True)
    first = get(server, "mastodon", path, limit=3)
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' in first.headers["Link"]
    next_url = first.links["next"]["url"]
    assert f"max_id={first.json()[-1]['id']}" in next_url and "limit=3" in next_url
    second = requests.get(next_url, timeout=5).json()
    assert [s["id"] for s in second] == [str(i) for i in ids[3:6]]
    since = get(server, "mastodon", path, since_id=ids[2], limit=40).json()
    assert [int(s["id"]) for s in since] == ids[:2]
    min_page = get(server, "mastodon", path, min_id=ids[5], limit=2).json()
    assert [int(s["id"]) for s in min_page] == ids[3:5]  # the two just above min_id
    last = get(server, "mastodon", path, limit=40)
    assert 'rel="next"' not in last.headers["Link"]  # a short page ends the timeline
    assert last.headers["X-RateLimit-Limit"] == "300"
    assert last.headers["X-RateLimit-Reset"].endswith("Z")


def test_mastodon_search_refuses_resolve_without_login(server):
    assert get(server, "mastodon", "/api/v2/search", q="nordwind", resolve="true").status_code == 401
    found = get(server, "mastodon", "/api/v2/search", q="nordwind", type="statuses").json()
    assert found["statuses"] and found["accounts"] == [] and found["hashtags"] == []


def test_reddit_escapes_like_reddit_unless_raw_json(server):
    escaped = get(server, "reddit", "/r/travel/new.json", limit=100).json()
    raw = get(server, "reddit", "/r/travel/new.json", limit=100, raw_json=1).json()
    hostile = [c["data"]["selftext"] for c in escaped["data"]["children"] if c["data"]["id"] == "1h28v4t"]
    assert "&lt;script&gt;" in hostile[0]
    hostile_raw = [c["data"]["selftext"] for c in raw["data"]["children"] if c["data"]["id"] == "1h28v4t"]
    assert "<script>" in hostile_raw[0]
    assert escaped["kind"] == "Listing" and escaped["data"]["after"] is None


def test_reddit_rate_limit_window_runs_out():
    with ReplayServer() as replay:
        replay.set_rate_limit("reddit", limit=2, window_seconds=600)
        statuses = [get(replay, "reddit", "/r/travel/new.json") for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert statuses[1].headers["X-Ratelimit-Remaining"] == "0.0"
        assert statuses[1].headers["X-Ratelimit-Used"] == "2"
        assert 0 < int(statuses[2].headers["X-Ratelimit-Reset"]) <= 600


def x_search(server: ReplayServer, **params) -> list[dict]:
    token = next(iter(x_routes.BEARER_TOKENS))
    response = requests.get(f"{server.base_url('x')}/2/tweets/search/recent", timeout=5,
                            params={"query": "nordwind", "max_results": 100, **params},
                            headers={"Authorization": f"Bearer {token}"})
    return response.json()["data"]


def test_x_cuts_long_posts_and_gives_note_tweet_only_when_asked(server):
    [full] = [r["text"] for r in server.store.posts("x") if len(r["text"]) > 280]
    plain = x_search(server, **{"tweet.fields": "created_at"})
    [cut] = [p["text"] for p in plain if p["text"] != full and full.startswith(p["text"][:-1])]
    assert cut.endswith("…") and 200 < len(cut) <= 280
    assert full[len(cut) - 1].isspace(), "cut between words"
    assert not any("note_tweet" in p for p in plain)
    asked = x_search(server, **{"tweet.fields": "created_at,note_tweet"})
    notes = [p["note_tweet"] for p in asked if "note_tweet" in p]
    assert notes == [{"text": full}]
    assert [p["text"] for p in asked] == [p["text"] for p in plain]


def test_x_shortened_text_keeps_short_posts_and_cuts_one_unbroken_word():
    exactly = "a" * 280
    assert x_routes.shortened(exactly) == exactly
    assert x_routes.shortened("b" * 281) == "b" * 279 + "…"
    assert x_routes.shortened("words " * 50) == ("words " * 46).rstrip() + "…"  # not "wor…"
    assert x_routes.shortened("word " * 56 + "tail") == ("word " * 56).rstrip() + "…"


def test_feeds_are_well_formed(server):
    for name in ("google-alerts-nordwind", "travel-news"):
        parsed = feedparser.parse(get(server, "rss", f"/{name}.xml").content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) >= 5
    assert get(server, "rss", "/nope.xml").status_code == 404


def test_faults_are_used_up_in_order():
    with ReplayServer() as replay:
        replay.inject("/hn/", Fault(status=500), times=2)
        replay.inject("/hn/", Fault(status=429, retry_after=5))
        replay.inject("/hn/", Fault(malformed=True))
        codes = [get(replay, "hn", "/api/v1/search_by_date", query="zzzz") for _ in range(5)]
        assert [r.status_code for r in codes] == [500, 500, 429, 200, 200]
        assert codes[2].headers["Retry-After"] == "5"
        with pytest.raises(ValueError):
            codes[3].json()
        assert codes[4].json()["hits"] == []


def test_add_posts_are_newest(server):
    server.add_posts("hackernews", [{"objectID": "1", "title": "SkyJet new", "_tags": ["story"],
                                     "author": "a", "url": None, "story_text": None, "comment_text": None}])
    hits = get(server, "hn", "/api/v1/search_by_date", query="skyjet").json()["hits"]
    assert hits[0]["objectID"] == "1"


def test_unknown_platform_is_404(server):
    assert requests.get(f"{server.url}/myspace/x", timeout=5).status_code == 404


def test_runs_standalone_and_prints_its_url():
    process = subprocess.Popen([sys.executable, "-m", "care_monitor.replay", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/rss/travel-news.xml", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
