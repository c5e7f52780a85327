"""YouTube comment threads: videos and channels, API key, daily quota units."""

from __future__ import annotations

import pytest

from care_monitor.sources.errors import RateLimited, SourceAuthError, SourceError
from care_monitor.sources.youtube import LEDGER
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import use_replay_credentials

PATH = "/youtube/youtube/v3/commentThreads"
CHANNEL = "UCnordwindAirOfficial00"


@pytest.fixture(autouse=True)
def empty_ledger():
    LEDGER.spent.clear()


@pytest.fixture
def youtube(make_source, replay, monkeypatch):
    def make(**params):
        credentials = use_replay_credentials("youtube", replay, monkeypatch)
        return make_source("youtube", {"videos": ["dQw4nordw1A"], "channels": [CHANNEL], **params},
                           credentials=credentials)
    return make


def test_video_and_channel_streams(youtube, replay):
    source = youtube()
    assert source.streams() == ["video:dQw4nordw1A", f"channel:{CHANNEL}"]
    _, pages = fetch(source, f"channel:{CHANNEL}")
    comments = mentions_of(pages)
    assert len(comments) == 5
    sent = replay.requests_to(PATH)[-1].query
    assert sent["allThreadsRelatedToChannelId"] == [CHANNEL] and sent["order"] == ["time"]
    angry = next(m for m in comments if m.author.display_name == "@angry passenger")
    assert angry.text.startswith("Nordwind cancelled my flight")
    assert angry.url == f"https://www.youtube.com/watch?v=dQw4nordw1A&lc={angry.external_id}"
    assert (angry.engagement.likes, angry.engagement.replies) == (120, 14)


def test_each_call_spends_a_unit_and_reports_what_is_left(youtube):
    source = youtube(max_results=2, daily_quota=100)
    result, _ = fetch(source, "video:dQw4nordw1A")
    assert result.pages == 2
    assert source.quota_remaining == 98 and source.client.stats.quota_remaining == 98


def test_a_spent_daily_quota_stops_the_run_saying_when_it_resets(youtube, replay):
    source = youtube(max_results=2, daily_quota=1)
    result_pages = []
    with pytest.raises(RateLimited, match=r"daily YouTube quota of 1 units is used up; .*resets at 20\d\d-\d\d-\d\dT0[78]:00:00\+00:00"):
        for page in source.fetch_stream("video:dQw4nordw1A", None, __import__("care_monitor.sources.base", fromlist=["StreamResult"]).StreamResult("v", None)):
            result_pages.append(page)
    assert len(result_pages) == 1 and len(replay.requests_to(PATH)) == 1
    with pytest.raises(RateLimited):
        fetch(source, f"channel:{CHANNEL}")
    assert len(replay.requests_to(PATH)) == 1


def test_the_services_quota_error_stops_the_run_without_showing_the_key(youtube, replay):
    source = youtube()
    replay.store.meta("youtube")["daily_quota"] = 0  # the server's own 403 quotaExceeded
    with pytest.raises(RateLimited, match="quotaExceeded") as raised:
        fetch(source, "video:dQw4nordw1A")
    assert "replay-youtube-key" not in str(raised.value) and "key=***" in str(raised.value)
    assert "<a href" not in str(raised.value)


def test_an_invalid_key_fails_with_the_services_reason(make_source, monkeypatch):
    monkeypatch.setenv("CM_TEST_YT_BAD", "not-a-key")
    source = make_source("youtube", {"videos": ["dQw4nordw1A"]}, credentials={"api_key": {"env": "CM_TEST_YT_BAD"}})
    with pytest.raises(SourceError, match="API key not valid") as raised:
        fetch(source, "video:dQw4nordw1A")
    assert "not-a-key" not in str(raised.value)


def test_params_need_a_video_or_channel(make_source):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="'videos' or 'channels'"):
        make_source("youtube", {})
