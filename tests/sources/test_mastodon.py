"""Mastodon (tag timelines with Link pagination, public search) against the replay server."""

from __future__ import annotations

import pytest

from tests.sources.conftest import fetch, mentions_of


@pytest.fixture
def mastodon(make_source):
    return make_source("mastodon", {"hashtags": ["#Nordwind", "skyjet"], "search": ["charged"], "limit": 4})


def test_streams(mastodon):
    assert mastodon.streams() == ["#Nordwind", "#skyjet", "search:charged"]


def test_parses_statuses_and_strips_html_safely(mastodon):
    _, pages = fetch(mastodon, "#Nordwind")
    mentions = mentions_of(pages)
    flyer = next(m for m in mentions if m.author.handle == "frequentflyer@travel.example")
    assert flyer.source == "mastodon"
    assert flyer.external_id == flyer.raw["uri"] and flyer.external_id.startswith("https://travel.example/users/")
    assert flyer.url.startswith("https://travel.example/@frequentflyer/")
    assert flyer.author.display_name == "Frequent Flyer" and flyer.author.followers == 15400
    assert flyer.language == "en"
    assert flyer.engagement.likes == 25 and flyer.engagement.shares == 11 and flyer.engagement.replies == 6
    assert flyer.text == ("@NordwindAir flight delayed 3 hours, nobody at the desk knows anything.\n"
                          "Gate changed twice & no announcements.\n\n#Nordwind #customerservice")
    assert flyer.replication_value == flyer.raw["id"]
    hostile = next(m for m in mentions if m.author.handle == "hostile@evil.example")
    assert hostile.text == "#Nordwind support said: <@channel> <!here> *bold* <script>alert(1)</script>"
    assert "leak" not in hostile.text and "display:none" not in hostile.text
    rant = next(m for m in mentions if m.author.handle == "travelbug")
    assert rant.title == "airline rant"


def test_follows_link_header_pages(mastodon, replay):
    result, pages = fetch(mastodon, "#Nordwind")
    assert result.fetched == 9 and result.pages == 3
    requests = replay.requests_to("/mastodon/api/v1/timelines/tag/")
    assert "max_id" not in requests[0].query
    assert requests[1].query["max_id"] == [pages[0].mentions[-1].replication_value]
    assert requests[1].query["limit"] == ["4"]


def test_since_id_cursor_yields_only_new_statuses(mastodon, replay):
    first, _ = fetch(mastodon, "#skyjet")
    replay.add_posts("mastodon", [{
        "account": {"acct": "newbie", "display_name": "New", "followers_count": 3},
        "language": "ro", "content": "<p>Zbor întârziat cu <a href=\"#\">#SkyJet</a></p>", "tags": ["skyjet"],
    }])
    second, pages = fetch(mastodon, "#skyjet", first.new_cursor)
    assert [m.author.handle for m in mentions_of(pages)] == ["newbie"]
    assert replay.requests_to("/mastodon/api/v1/timelines/tag/skyjet")[-1].query["since_id"] == [first.new_cursor]
    assert int(second.new_cursor) > int(first.new_cursor)


def test_local_only(make_source):
    source = make_source("mastodon", {"hashtags": ["nordwind"], "local": True})
    _, pages = fetch(source, "#nordwind")
    handles = {m.author.handle for m in mentions_of(pages)}
    assert handles and not any("@" in h for h in handles)


def test_search_is_one_public_page(mastodon, replay):
    result, pages = fetch(mastodon, "search:charged")
    assert result.pages == 1
    request = replay.requests_to("/mastodon/api/v2/search")[0]
    assert request.query["type"] == ["statuses"]
    assert "resolve" not in request.query and "offset" not in request.query


def test_rate_limit_headers_are_recorded(mastodon):
    fetch(mastodon, "#skyjet")
    stats = mastodon.client.stats
    assert stats.requests >= 1 and stats.quota_remaining == 300 - stats.requests


def test_access_token_is_sent_as_bearer(make_source, replay, monkeypatch):
    monkeypatch.setenv("TEST_MASTODON_TOKEN", "tok-123")
    source = make_source("mastodon", {"hashtags": ["skyjet"]},
                         credentials={"access_token": {"env": "TEST_MASTODON_TOKEN"}})
    fetch(source, "#skyjet")
    assert replay.requests_to("/mastodon/")[0].headers["authorization"] == "Bearer tok-123"
