"""Apple App Store customer reviews feed: quirks of the RSS-to-JSON shape."""

from __future__ import annotations

import pytest

from tests.sources.conftest import fetch, mentions_of

APP = "1234567890"


@pytest.fixture
def appstore(make_source):
    return make_source("appstore", {"apps": [APP], "countries": ["us", "de", "gb"]})


def test_one_stream_per_app_and_country(appstore):
    assert appstore.streams() == [f"{APP}:us", f"{APP}:de", f"{APP}:gb"]


def test_rating_version_title_and_text(appstore):
    _, pages = fetch(appstore, f"{APP}:us")
    reviews = {m.title: m for m in mentions_of(pages)}
    crash = reviews["Crashes at check-in"]
    assert crash.rating == 1 and isinstance(crash.rating, int)
    assert crash.raw["app_version"] == "4.12.0" and crash.raw["country"] == "us"
    assert crash.text.startswith("The Nordwind app crashes every time")
    assert crash.author.display_name == "jetsetjen"
    assert crash.external_id.isdigit() and crash.replication_value == crash.external_id
    assert sorted(m.rating for m in reviews.values()) == [1, 2, 3, 5]


def test_single_object_entry_and_missing_updated_parse(appstore, replay):
    _, pages = fetch(appstore, f"{APP}:gb")  # one review, in the 2020 capture shape
    [review] = mentions_of(pages)
    assert review.title == "Login loop" and review.rating == 2
    assert "updated" not in review.raw
    assert review.created_at is not None  # falls back to the fetch time


def test_pages_walk_until_an_empty_page_and_the_cursor_is_the_review_id(appstore, replay):
    replay.add_posts("appstore", [
        {"app": APP, "country": "de", "author": {"name": {"label": f"user{i}"}},
         "im:rating": {"label": "4"}, "im:version": {"label": "4.12.0"},
         "title": {"label": f"Review {i}"}, "content": {"label": "Nordwind ok", "attributes": {"type": "text"}},
         "im:voteSum": {"label": "0"}, "im:voteCount": {"label": "0"}, "age_min": 1 + i / 100}
        for i in range(60)
    ])
    result, pages = fetch(appstore, f"{APP}:de")
    assert result.pages == 3 and result.fetched == 62  # 50 + 12, then an empty page 3
    paths = [r.path for r in replay.requests_to("/appstore/de/")]
    assert [p.split("/")[5] for p in paths] == ["page=1", "page=2", "page=3"]
    newest_id = max(int(m.external_id) for m in mentions_of(pages))
    assert result.new_cursor == str(newest_id)
    again, pages = fetch(appstore, f"{APP}:de", result.new_cursor)
    assert mentions_of(pages) == [] and again.pages == 1


def test_the_page_bound_is_ten(appstore):
    from care_monitor.sources.appstore import LAST_PAGE

    assert LAST_PAGE == 10
