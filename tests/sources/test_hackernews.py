"""Hacker News (Algolia search_by_date) against the replay server."""

from __future__ import annotations

import pytest

from tests.sources.conftest import fetch, mentions_of


@pytest.fixture
def hn(make_source):
    return make_source("hackernews", {"queries": ["nordwind", "skyjet"], "hits_per_page": 4})


def test_parses_stories_and_comments(hn):
    _, pages = fetch(hn, "nordwind")
    by_id = {m.external_id: m for m in mentions_of(pages)}
    story = by_id["42810001"]
    assert story.source == "hackernews" and story.source_name == "test-hackernews"
    assert story.url == "https://news.ycombinator.com/item?id=42810001"
    assert story.title == "Nordwind Air's new booking site puts passenger names in URLs"
    assert story.author.handle == "sec_ops" and story.author.followers is None
    assert story.engagement.score == 87 and story.engagement.replies == 34
    assert story.created_at.tzinfo is not None
    assert story.replication_value == str(int(story.created_at.timestamp()))
    assert story.raw["objectID"] == "42810001"
    comment = by_id["42810061"]
    assert comment.title is None
    assert comment.text == ("To be fair, Nordwind refunded me within 5 days.\n\n"
                            "Their app is actually decent & the crew on my Oslo flight was great.")
    hostile = by_id["42809600"]
    assert "<@channel> <!here> *bold* <script>alert(1)</script>" in hostile.text
    assert "42809500" not in by_id  # a post without the query words is not returned


def test_pages_follow_page_until_nb_pages(hn, replay):
    result, pages = fetch(hn, "nordwind")
    assert result.pages == 3 and result.fetched == 10
    assert [r.query["page"] for r in replay.requests_to("/hn/")] == [["0"], ["1"], ["2"]]


def test_cursor_narrows_the_search_and_yields_only_new_posts(hn, replay):
    first, _ = fetch(hn, "skyjet")
    replay.add_posts("hackernews", [{
        "objectID": "42899999", "title": None, "url": None, "author": "late_reply", "points": None,
        "story_text": None, "comment_text": "SkyJet lost my bag again.", "num_comments": None,
        "story_id": 42809900, "story_title": "Show HN", "story_url": None, "parent_id": 42809900,
        "_tags": ["comment", "author_late_reply", "story_42809900"],
    }])
    second, pages = fetch(hn, "skyjet", first.new_cursor)
    # posts *at* the cursor second come again (two posts can share a second); storage dedupes
    new = [m for m in mentions_of(pages) if m.replication_value != first.new_cursor]
    assert [m.external_id for m in new] == ["42899999"]
    assert int(second.new_cursor) > int(first.new_cursor)
    sent = replay.requests_to("/hn/")[-1].query
    assert sent["numericFilters"] == [f"created_at_i>={first.new_cursor}"]
    third, pages = fetch(hn, "skyjet", second.new_cursor)
    assert [m.external_id for m in mentions_of(pages)] == ["42899999"]
    assert third.new_cursor == second.new_cursor


def test_params_are_validated(make_source):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="hits_per_pge"):
        make_source("hackernews", {"queries": ["x"], "hits_per_pge": 5})
