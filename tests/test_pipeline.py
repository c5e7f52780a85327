"""The composed pipeline against the replay server (real HTTP) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from care_monitor.config import parse_config
from care_monitor.pipeline import Pipeline
from care_monitor.replay import ReplayServer
from care_monitor.replay.receiver import WebhookReceiver
from care_monitor.replay.server import Fault

BRANDS = [
    {"name": "Nordwind", "queries": [{"any": ["nordwind", "@nordwindair", "#nordwind"], "none": ["wind farm", "windpark"]}]},
    {"name": "SkyJet", "competitor": True, "queries": [{"any": ["skyjet"]}]},
]


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(fail_first=1) as hook:
        yield hook


def make_config(replay: ReplayServer, receiver: WebhookReceiver, database_url: str, **hn_params):
    return parse_config({
        "database_url": database_url,
        "brands": BRANDS,
        "sources": [
            {"name": "hn", "type": "hackernews", "base_url": replay.base_url("hackernews"),
             "params": {"queries": ["nordwind", "skyjet"], "hits_per_page": 4, **hn_params}},
            {"name": "masto", "type": "mastodon", "base_url": replay.base_url("mastodon"),
             "params": {"hashtags": ["nordwind"], "limit": 3}},
        ],
        "alerts": {"threshold": -0.3, "channels": [{"name": "hook", "type": "webhook", "url": receiver.url}]},
    })


@pytest.fixture
def pipeline(replay, receiver, storage, database_url) -> Pipeline:
    config = make_config(replay, receiver, database_url)
    return Pipeline(config, storage, sleep=lambda seconds: None)


def stored_keys(storage) -> list[tuple[str, str]]:
    return sorted((m.source, m.external_id) for m in storage.list_mentions(limit=10_000))


def test_poll_stores_only_brand_mentions_scored_with_language_and_reasons(pipeline, storage):
    report = pipeline.poll()
    assert report.failed == []
    mentions = storage.list_mentions(limit=10_000)
    assert mentions, "the replayed feeds mention the brands"
    assert report.total("stored_new") == len(mentions)
    for mention in mentions:
        assert set(mention.brands) <= {"Nordwind", "SkyJet"} and mention.brands
        assert mention.sentiment_label in {"negative", "neutral", "positive"}
        assert -1.0 <= mention.sentiment_score <= 1.0
        assert mention.language
        assert "wind farm" not in mention.text.lower()
    negatives = [m for m in mentions if m.sentiment_label == "negative"]
    assert negatives and all(m.sentiment_reasons for m in negatives if m.sentiment_score <= -0.3)
    assert {m.source for m in mentions} == {"hackernews", "mastodon"}


def test_rerun_duplicates_nothing_and_moves_the_cursor(pipeline, storage):
    pipeline.poll()
    first = stored_keys(storage)
    cursor = storage.get_cursor("hn", "nordwind")
    assert cursor is not None
    again = pipeline.poll()
    assert stored_keys(storage) == first
    assert again.total("stored_new") == 0
    assert again.total("alerts_raised") == 0
    assert storage.get_cursor("hn", "nordwind") == cursor


def test_new_posts_are_picked_up_incrementally(pipeline, storage, replay):
    pipeline.poll()
    before = len(stored_keys(storage))
    replay.add_posts("hackernews", [{
        "objectID": "49999001", "title": None, "url": None, "author": "angry_anna", "points": None,
        "story_text": None, "comment_text": "Nordwind cancelled my flight and nobody answers the phone. Terrible.",
        "num_comments": None, "story_id": 1, "story_title": "Ask HN", "story_url": None, "parent_id": 1,
        "_tags": ["comment", "author_angry_anna", "story_1"],
    }])
    report = pipeline.poll(["hn"])
    assert report.total("stored_new") == 1
    assert len(stored_keys(storage)) == before + 1
    assert ("hackernews", "49999001") in stored_keys(storage)
    assert report.total("alerts_raised") == 1


def test_malformed_page_fails_clearly_keeps_cursor_and_loses_nothing(pipeline, storage, replay):
    replay.inject("/hn/api/v1/search_by_date", Fault(malformed=True), times=1)
    report = pipeline.poll(["hn"])
    failed = [o for o in report.outcomes if o.status == "error"]
    assert len(failed) == 1
    assert "hn" in failed[0].error and "nordwind" in failed[0].error
    assert storage.get_cursor("hn", failed[0].stream) is None
    runs = {r.stream: r for r in storage.latest_source_runs() if r.source_name == "hn"}
    assert runs[failed[0].stream].status == "error"
    assert runs[failed[0].stream].error == failed[0].error

    complete = pipeline.poll(["hn"])
    assert complete.failed == []
    keys = stored_keys(storage)
    assert len(keys) == len(set(keys))
    assert storage.get_cursor("hn", failed[0].stream) is not None


def test_crash_mid_stream_leaves_the_cursor_so_the_rerun_skips_nothing(pipeline, storage, monkeypatch, replay, receiver, database_url):
    reference = Pipeline(make_config(replay, receiver, database_url), storage, sleep=lambda s: None)
    calls = {"n": 0}
    real_upsert = storage.upsert_mentions

    def crash_on_second_page(mentions, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_upsert(mentions, **kwargs)

    monkeypatch.setattr(storage, "upsert_mentions", crash_on_second_page)
    with pytest.raises(RuntimeError):
        pipeline.poll(["hn"])
    assert storage.get_cursor("hn", "nordwind") is None
    monkeypatch.setattr(storage, "upsert_mentions", real_upsert)

    reference.poll(["hn"])
    keys = stored_keys(storage)
    assert len(keys) == len(set(keys))
    hn_posts = [k for k in keys if k[0] == "hackernews"]
    assert len(hn_posts) >= 4, "every page was stored on the rerun"


def test_negative_post_reaches_the_receiver_exactly_once_when_it_fails_first(pipeline, storage, receiver):
    pipeline.poll()
    first = pipeline.deliver()
    assert first.failed == 1  # the receiver refused its first request
    alerts = storage.list_alerts(limit=1000)
    assert alerts, "negative posts raised alerts"
    assert all(a.brand == "Nordwind" for a in alerts), "competitor mentions do not alert"

    pipeline.poll()  # a rerun raises nothing new
    second = pipeline.deliver()
    assert second.sent == 1 and second.failed == 0 and second.pending == 0
    third = pipeline.deliver()
    assert third.sent == 0

    delivered = [r.body["alert"]["id"] for r in receiver.received]
    assert sorted(delivered) == sorted(a.id for a in alerts)
    keys = [r.header("Idempotency-Key") for r in receiver.received]
    assert len(keys) == len(set(keys))


def test_due_sources_respect_poll_intervals(pipeline, storage):
    from datetime import timedelta

    from care_monitor.storage.views import utcnow

    now = utcnow()
    assert pipeline.due_source_names(now) == ["hn", "masto"]
    pipeline.poll(["hn"])
    assert pipeline.due_source_names(utcnow()) == ["masto"]
    assert pipeline.due_source_names(utcnow() + timedelta(minutes=5)) == ["hn", "masto"]


def _replay_source_config(replay, monkeypatch, name: str, source_type: str, params: dict):
    """A config with one source of `source_type` on the replay server, its credentials (by
    reference) set in the environment."""
    from care_monitor.replay.credentials import replay_credentials

    references, environment = replay_credentials(source_type, replay)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    return parse_config({
        "brands": BRANDS,
        "sources": [{"name": name, "type": source_type, "base_url": replay.base_url(source_type),
                     "credentials": references, "params": params}],
    })


def test_bluesky_engagement_of_stored_posts_is_refreshed(replay, receiver, storage, database_url, monkeypatch):
    from care_monitor.sources.bluesky import BlueskySource

    BlueskySource._followers_cache.clear()
    config = _replay_source_config(replay, monkeypatch, "bsky", "bluesky", {"search": ["nordwind"]})
    pipeline = Pipeline(config, storage, sleep=lambda s: None)
    pipeline.poll()
    stored = storage.list_mentions(source="bluesky", limit=100)
    assert stored
    target = stored[0]
    record = next(r for r in replay.store.posts("bluesky") if target.external_id.endswith(r["rkey"]))
    record["likeCount"] = (target.likes or 0) + 1000

    pipeline.poll()  # nothing new past the cursor, but getPosts refreshes what is stored
    refreshed = storage.get_mention(target.id)
    assert refreshed.likes == (target.likes or 0) + 1000
    assert refreshed.sentiment_score == target.sentiment_score
    assert refreshed.brands == target.brands
    assert len(storage.list_mentions(source="bluesky", limit=100)) == len(stored)


def test_youtube_daily_quota_carries_across_processes(replay, receiver, storage, monkeypatch):
    from care_monitor.sources.youtube import LEDGER

    config = _replay_source_config(
        replay, monkeypatch, "yt", "youtube",
        {"videos": ["dQw4nordw1A"], "daily_quota": 4, "max_results": 2},
    )
    LEDGER.spent.clear()
    first = Pipeline(config, storage, sleep=lambda s: None).poll()
    assert first.failed == []
    used = 4 - next(r.quota_remaining for r in storage.latest_source_runs() if r.source_name == "yt")
    assert used >= 1

    LEDGER.spent.clear()  # a new process: the scheduler runs each poll in its own
    for _ in range(4):
        Pipeline(config, storage, sleep=lambda s: None).poll()
        LEDGER.spent.clear()
    [last] = [r for r in storage.latest_source_runs() if r.source_name == "yt"]
    assert last.quota_remaining == 0
    assert last.status == "error" and "daily YouTube quota of 4 units is used up" in last.error
    calls = len(replay.requests_to("/youtube/youtube/v3/commentThreads"))
    assert calls <= 4, "never more calls in a day than the daily budget"


def test_x_long_post_naming_the_brand_after_character_280_is_matched(replay, storage, monkeypatch):
    """X cuts a long post's `text` before the brand and the complaint; `note_tweet` has it all."""
    import html

    from care_monitor.replay.routes.x import shortened

    config = _replay_source_config(replay, monkeypatch, "x", "x", {"search": ["nordwind"]})
    pipeline = Pipeline(config, storage, sleep=lambda s: None)
    [record] = [r for r in replay.store.posts("x") if len(r["text"]) > 280]
    cut = html.unescape(shortened(record["text"]))
    assert pipeline.matcher.match(cut, "en") == [], "the cut text names no brand"

    assert pipeline.poll().failed == []
    [stored] = [m for m in storage.list_mentions(source="x", limit=100) if len(m.text) > 280]
    assert stored.text == html.unescape(record["text"])
    assert stored.brands == ["Nordwind"]
    assert stored.sentiment_label == "negative"  # "overbooked", "unacceptable": after the cut


def test_a_brand_named_like_a_sentiment_word_does_not_score_its_own_name(storage, database_url):
    """VADER's lexicon has "united" (+1.8): the terms that name a brand carry no sentiment."""
    from datetime import UTC, datetime

    from care_monitor.mention import Mention

    config = parse_config({
        "database_url": database_url,
        "brands": [{"name": "UAL", "queries": [{"any": ["united", "@united"]}]}],
        "sources": [],
        "alerts": {"threshold": -0.3, "channels": []},
    })
    pipeline = Pipeline(config, storage, sleep=lambda seconds: None)
    mention = Mention(source="test", external_id="1", url=None, text="Flying United to Denver tomorrow",
                      created_at=datetime(2026, 11, 2, tzinfo=UTC))
    assert pipeline.classify(mention)
    assert mention.sentiment_label == "neutral"  # positive if "United" counted (+1.8)
