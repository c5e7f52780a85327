"""Exact figures on the seeded data set; the same numbers on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from care_monitor.report.build import build_report
from care_monitor.report.week import IsoWeek
from tests.report.seed import config


def test_headline_with_previous_week_and_four_week_average(report) -> None:  # noqa: ANN001
    current, previous = report.weeks[0], report.weeks[1]
    assert (current.mentions, current.positive, current.neutral, current.negative) == (8, 2, 1, 5)
    assert current.negative_reach == 1110  # 100 + 1000 + 0 (unknown) + 10 + 0
    assert (previous.mentions, previous.positive, previous.negative, previous.negative_reach) == (4, 2, 1, 50)
    assert [w.mentions for w in report.weeks] == [8, 4, 2, 0, 1]
    mentions = report.metric("mentions")
    assert (mentions.current, mentions.previous, mentions.average_4w) == (8, 4, 1.75)
    assert mentions.delta == 4 and mentions.direction == "up"
    net = report.metric("net_sentiment")
    assert net.current == pytest.approx(-3 / 8) and net.previous == pytest.approx(0.25)
    assert net.average_4w == pytest.approx(2 / 7)  # (4 positive - 2 negative) / 7 mentions
    assert net.direction == "down" and net.tone == "bad"
    share = report.metric("negative_share")
    assert share.current == pytest.approx(5 / 8) and share.tone == "bad"
    reach = report.metric("negative_reach")
    assert (reach.current, reach.previous, reach.average_4w) == (1110, 50, 17.5)


def test_daylight_saving_week_boundaries(report) -> None:  # noqa: ANN001
    # 18 Oct 21:00 UTC is Monday 00:00 EEST (in W43); 20:59:59 is Sunday of W42.
    # 25 Oct 21:30 UTC is Sunday 23:30 EET (in W43, after the 25-hour Sunday began);
    # 25 Oct 22:00 UTC is Monday 00:00 EET of W44.
    assert report.period_start.isoformat() == "2026-10-19T00:00:00+03:00"
    assert report.period_end.isoformat() == "2026-10-26T00:00:00+02:00"
    assert report.daily.by_label["negative"] == [1, 1, 1, 1, 0, 1, 0]
    assert report.daily.by_label["neutral"] == [0, 0, 0, 0, 0, 0, 1]
    assert report.daily.by_source["reddit"] == [1, 0, 0, 0, 1, 0, 1]
    assert sum(sum(counts) for counts in report.daily.by_source.values()) == 8


def test_share_of_voice(report) -> None:  # noqa: ANN001
    subject, competitor = report.share_of_voice
    assert (subject.brand, subject.mentions, subject.is_subject) == ("Nordwind", 8, True)
    assert subject.share == pytest.approx(8 / 11) and subject.previous_share == pytest.approx(4 / 5)
    assert (competitor.brand, competitor.mentions) == ("SkyJet", 3)
    assert competitor.share == pytest.approx(3 / 11)
    assert competitor.net_sentiment == pytest.approx(0.0)  # 1 positive, 1 negative, 1 neutral
    assert competitor.previous_mentions == 1


def test_top_negatives_ranked_by_negativity_times_reach(report) -> None:  # noqa: ANN001
    ranked = [(p.mention_id, round(p.damage, 6)) for p in report.top_negatives]
    assert ranked == [(2, 600.6), (1, 80.8), (6, 5.5)]  # top 3 of 5; ids 3 (0.9) and 8 follow
    first = report.top_negatives[0]
    assert first.alert is not None and first.alert.delivered_at.isoformat() == "2026-10-20T10:06:00+00:00"
    assert report.top_negatives[1].alert.delivered_at is None  # pending
    assert report.top_negatives[2].alert is None
    assert first.reasons == ["delayed", "terrible"] and first.followers == 1000


def test_themes_rise_against_previous_weeks(report) -> None:  # noqa: ANN001
    english = next(t for t in report.themes if t.language == "en")
    assert (english.negatives, english.baseline_negatives) == (4, 2)
    terms = [(t.term, t.count, t.baseline_weekly) for t in english.themes]
    assert terms[0] == ("customer service", 3, 0.0)  # ids 1, 2 and the corrected id 8
    assert ("flight delayed", 2, 0.0) in terms
    assert all("nordwind" not in term for term, *_ in terms)
    assert english.themes[0].example.mention_id == 2  # the most damaging post with the term
    romanian = next(t for t in report.themes if t.language == "ro")
    assert romanian.negatives == 1 and romanian.themes == []  # one post: nothing "rose"


def test_speed_and_first_response(report) -> None:  # noqa: ANN001
    speed = report.speed
    assert (speed.alerts_raised, speed.median_s, speed.p90_s) == (3, 300, 1800)
    assert (speed.delivered, speed.failed_deliveries, speed.pending_deliveries) == (2, 1, 1)
    response = speed.response
    assert response.measured and (response.negatives, response.answered, response.within_target) == (5, 2, 1)
    assert (response.median_s, response.p90_s) == (1800, 7200)
    assert response.within_target_share == pytest.approx(0.2)


def test_languages_and_sources(report) -> None:  # noqa: ANN001
    assert [(r.value, r.mentions, r.negative, r.previous_mentions) for r in report.languages] == [
        ("en", 7, 4, 4), ("ro", 1, 1, 0)
    ]
    assert [(r.value, r.mentions) for r in report.sources] == [
        ("reddit", 3), ("hn", 2), ("mastodon", 2), ("rss", 1)
    ]


def test_coverage(report) -> None:  # noqa: ANN001
    rows = {r.source: r for r in report.coverage.rows}
    assert (rows["hn"].ok_runs, rows["hn"].expected_polls, rows["hn"].status) == (7, 7, "ok")
    assert (rows["reddit"].ok_runs, rows["reddit"].error_runs, rows["reddit"].status) == (5, 2, "degraded")
    assert rows["reddit"].rate_limited_waits == 3
    assert rows["reddit"].last_error == "HTTP 429 <b>slow down</b>"
    assert (rows["mastodon"].runs, rows["mastodon"].status) == (0, "down")
    assert report.coverage.degraded == ["mastodon", "reddit"] and not report.coverage.all_down
    assert "Coverage gaps on mastodon, reddit" in report.summary


def test_empty_week_still_shows_coverage(seeded_engine) -> None:  # noqa: ANN001
    with seeded_engine.connect() as conn:
        data = build_report(conn, config(), "Nordwind", IsoWeek.parse("2026-W30"))
    assert data.empty and data.top_negatives == [] and data.themes == []
    assert data.summary.startswith("No mentions of Nordwind in 2026-W30.")
    assert data.coverage.all_down and {r.status for r in data.coverage.rows} == {"down"}
    assert data.speed.response.measured is False
