"""A small, hand-counted data set around ISO week 2026-W43 in Europe/Bucharest.

2026-W43 runs from Monday 19 October 00:00 EEST (18 Oct 21:00 UTC) to Monday 26 October
00:00 EET (25 Oct 22:00 UTC): 169 hours, because summer time ends on Sunday 25 October.
Every expected figure in the tests is counted by hand from the rows below.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from care_monitor.config import Config
from care_monitor.storage.models import (
    AlertDeliveryRow,
    AlertRow,
    MentionBrandRow,
    MentionRow,
    SourceRunRow,
)

UTC = timezone.utc
WEEK = "2026-W43"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def config(**overrides):  # noqa: ANN201
    data = {
        "timezone": "Europe/Bucharest",
        "brands": [
            {"name": "Nordwind", "queries": [{"any": ["nordwind"]}]},
            {"name": "SkyJet", "competitor": True, "queries": [{"any": ["skyjet"]}]},
        ],
        "sources": [
            {"name": "hn", "type": "hackernews", "poll_interval": "1d", "params": {"queries": ["nordwind"]}},
            {"name": "reddit", "type": "reddit", "poll_interval": "1d", "params": {"search": ["nordwind"]}},
            {"name": "mastodon", "type": "mastodon", "poll_interval": "1d", "base_url": "https://example.social",
             "params": {"hashtags": ["nordwind"]}},
        ],
        "report": {"response_target": "1h", "top_negatives": 3},
    }
    data.update(overrides)
    # model_validate: the figures do not depend on source parameters, which parse_config checks
    return Config.model_validate(data)


HOSTILE_TEXT = "Lost luggage and terrible customer service <script>alert(1)</script> <a href=\"http://evil.example\">win</a>"
HOSTILE_NAME = "<a href='http://evil.example'>Mallory</a>"

# id, brands, created_at, source, language, label, score, followers, text, extra
MENTIONS = [
    # --- reported week 2026-W43 ---
    (1, ["Nordwind"], at(2026, 10, 18, 21, 0), "reddit", "en", "negative", -0.8, 100,
     "Flight delayed again, terrible customer service", {"first_response_at": at(2026, 10, 18, 23, 0)}),
    (2, ["Nordwind"], at(2026, 10, 20, 10, 0), "mastodon", "en", "negative", -0.6, 1000,
     HOSTILE_TEXT, {"author_name": HOSTILE_NAME, "first_response_at": at(2026, 10, 20, 10, 30),
                    "url": "javascript:alert(1)"}),
    (3, ["Nordwind"], at(2026, 10, 21, 12, 0), "hn", "en", "negative", -0.9, None,
     "Refund refused, flight delayed for hours", {}),
    (4, ["Nordwind", "SkyJet"], at(2026, 10, 22, 9, 0), "hn", "en", "positive", 0.7, 5,
     "Nordwind beats SkyJet, lovely crew", {}),
    (5, ["Nordwind"], at(2026, 10, 23, 9, 0), "reddit", "en", "positive", 0.5, 7, "Great seats", {}),
    (6, ["Nordwind"], at(2026, 10, 24, 9, 0), "mastodon", "ro", "negative", -0.5, 10,
     "Zbor întârziat, bagaj pierdut", {}),
    (7, ["Nordwind"], at(2026, 10, 25, 21, 30), "reddit", "en", "neutral", 0.0, 3,
     "Flying Nordwind tomorrow", {}),
    (8, ["Nordwind"], at(2026, 10, 22, 15, 0), "rss", "en", "positive", 0.3, 0,
     "Seat was fine, customer service never answered", {"corrected_label": "negative"}),
    (13, ["SkyJet"], at(2026, 10, 20, 8, 0), "reddit", "en", "negative", -0.4, 50, "SkyJet lost my bag", {}),
    (14, ["SkyJet"], at(2026, 10, 21, 8, 0), "reddit", "en", "neutral", 0.0, 50, "SkyJet boarding now", {}),
    # --- 2026-W42 (previous week): ends 18 Oct 21:00 UTC ---
    (9, ["Nordwind"], at(2026, 10, 18, 20, 59, 59), "reddit", "en", "negative", -0.4, 50,
     "The flight was cold", {}),
    (10, ["Nordwind"], at(2026, 10, 13, 9, 0), "hn", "en", "positive", 0.6, 1, "Nice flight", {}),
    (11, ["Nordwind"], at(2026, 10, 14, 9, 0), "hn", "en", "positive", 0.6, 1, "Good food", {}),
    (12, ["Nordwind"], at(2026, 10, 15, 9, 0), "reddit", "en", "neutral", 0.0, 1, "Booked a flight", {}),
    (15, ["SkyJet"], at(2026, 10, 15, 9, 0), "reddit", "en", "positive", 0.5, 1, "SkyJet ok", {}),
    # --- 2026-W41 ---
    (16, ["Nordwind"], at(2026, 10, 6, 9, 0), "reddit", "en", "negative", -0.5, 20, "The flight food was awful", {}),
    (17, ["Nordwind"], at(2026, 10, 7, 9, 0), "reddit", "en", "positive", 0.5, 1, "Smooth flight", {}),
    # --- 2026-W39 (W40 has none) ---
    (18, ["Nordwind"], at(2026, 9, 22, 9, 0), "reddit", "en", "positive", 0.5, 1, "Fine trip", {}),
    # --- 2026-W44: starts 25 Oct 22:00 UTC, not in the report ---
    (19, ["Nordwind"], at(2026, 10, 25, 22, 0), "reddit", "en", "negative", -0.9, 10000,
     "Worst airline ever", {}),
]

# alert id, mention id, created_at, deliveries [(channel, status, sent_at)]
ALERTS = [
    (1, 1, at(2026, 10, 18, 21, 30), [("slack", "pending", None)]),
    (2, 2, at(2026, 10, 20, 10, 5), [("slack", "sent", at(2026, 10, 20, 10, 6)), ("email", "failed", None)]),
    (3, 3, at(2026, 10, 21, 12, 2), [("slack", "sent", at(2026, 10, 21, 12, 3))]),
]

# source, status, started_at, extra
RUNS = (
    [("hn", "ok", at(2026, 10, 19, 0, 0) + timedelta(days=i), {}) for i in range(7)]
    + [("hn", "ok", at(2026, 10, 12, 0, 0), {})]  # previous week: not counted
    + [("reddit", "ok", at(2026, 10, 19, 1, 0) + timedelta(days=i), {}) for i in range(5)]
    + [("reddit", "error", at(2026, 10, 24, 1, 0), {"error": "HTTP 503 from reddit"}),
       ("reddit", "error", at(2026, 10, 25, 1, 0), {"error": "HTTP 429 <b>slow down</b>",
                                                     "rate_limited_waits": 3})]
)


def seed(engine: Engine) -> None:
    now = at(2026, 10, 26, 6, 0)
    with Session(engine) as session:
        for mid, brands, created, source, lang, label, score, followers, text, extra in MENTIONS:
            session.add(
                MentionRow(
                    id=mid, source=source, external_id=str(mid), source_name=source,
                    url=extra.get("url", f"https://example.social/posts/{mid}"),
                    author_handle=f"user{mid}", author_name=extra.get("author_name", f"User {mid}"),
                    author_followers=followers, text=text, language=lang, created_at=created,
                    brands=brands, sentiment_label=label, sentiment_score=score,
                    sentiment_reasons=["delayed", "terrible"] if label == "negative" else [],
                    corrected_label=extra.get("corrected_label"),
                    first_response_at=extra.get("first_response_at"),
                    raw={}, first_seen_at=created, last_seen_at=created,
                )
            )
        session.flush()
        for mid, brands, created, _s, _l, label, _score, _f, _t, extra in MENTIONS:
            for brand in brands:  # the effective label, as Storage keeps it (corrections included)
                session.add(MentionBrandRow(mention_id=mid, brand=brand, created_at=created,
                                            sentiment_label=extra.get("corrected_label", label)))
        for alert_id, mention_id, created, deliveries in ALERTS:
            session.add(AlertRow(id=alert_id, kind="negative_mention", dedupe_key=f"mention:{mention_id}",
                                 mention_id=mention_id, brand="Nordwind", payload={}, created_at=created))
            session.flush()
            for channel, status, sent_at in deliveries:
                session.add(AlertDeliveryRow(alert_id=alert_id, channel=channel, status=status,
                                             attempts=1, created_at=created, sent_at=sent_at))
        for index, (source, status, started, extra) in enumerate(RUNS, 1):
            session.add(
                SourceRunRow(id=index, source_name=source, source_type=source, stream="main",
                             started_at=started, finished_at=started + timedelta(seconds=5),
                             status=status, error=extra.get("error"),
                             rate_limited_waits=extra.get("rate_limited_waits", 0))
            )
        session.commit()
    del now
    if engine.dialect.name == "postgresql":  # explicit ids do not advance the sequences
        with engine.begin() as conn:
            for table in ("mentions", "alerts", "alert_deliveries", "source_runs"):
                conn.execute(sql_text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
