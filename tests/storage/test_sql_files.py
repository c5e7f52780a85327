from datetime import datetime, timezone

import pytest

from care_monitor.storage import Storage
from care_monitor.storage.sql_files import SqlFileError, run_sql, view_names

from .factories import make_mention


def _seed(storage: Storage) -> list[int]:
    ids = storage.upsert_mentions(
        [
            make_mention("1", brands=["Nordwind"], label="negative", score=-0.8),
            make_mention("2", brands=["Nordwind"], label="positive", score=0.7),
            make_mention("3", brands=["Nordwind", "SkyJet"], label="negative", score=-0.4),
        ]
    ).ids
    later = make_mention("4", brands=["Nordwind"], label="negative", score=-0.5)
    later.created_at = datetime(2026, 3, 3, 23, 59, tzinfo=timezone.utc)
    ids += storage.upsert_mentions([later]).ids
    storage.correct_label(ids[2], "neutral")
    return ids


def test_newest_negative_mentions(storage: Storage) -> None:
    ids = _seed(storage)
    with storage.engine.connect() as conn:
        rows = run_sql(conn, "newest_negative_mentions", brand="Nordwind", limit=10)
        assert [r["id"] for r in rows] == [ids[3], ids[0]]  # newest first; the corrected one left out
        assert run_sql(conn, "newest_negative_mentions", brand="Nordwind", limit=1)[0]["id"] == ids[3]
        assert run_sql(conn, "newest_negative_mentions", brand="Nobody", limit=5) == []


def test_mentions_per_brand_day_view(storage: Storage) -> None:
    _seed(storage)
    assert "mentions_per_brand_day" in view_names()
    with storage.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT brand, day, mentions, negative, neutral, positive FROM mentions_per_brand_day"
            " ORDER BY brand, day"
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Nordwind", "2026-03-02", 3, 1, 1, 1),
        ("Nordwind", "2026-03-03", 1, 1, 0, 0),
        ("SkyJet", "2026-03-02", 1, 0, 1, 0),
    ]


def test_alert_delivery_status(storage: Storage) -> None:
    ids = _seed(storage)
    storage.raise_mention_alerts(ids, -0.3, ["hook", "mail"])
    [claimed, *_] = storage.claim_pending_deliveries(limit=1)
    storage.mark_delivered(claimed.id)
    with storage.engine.connect() as conn:
        rows = run_sql(conn, "alert_delivery_status")
    assert [(r["channel"], r["status"], r["deliveries"], r["most_attempts"]) for r in rows] == [
        ("hook", "pending", 1, 0),
        ("hook", "sent", 1, 1),
        ("mail", "pending", 2, 0),
    ]


def test_missing_file_and_parameter_are_named(storage: Storage) -> None:
    with storage.engine.connect() as conn:
        with pytest.raises(SqlFileError, match="nope.sql not found"):
            run_sql(conn, "nope")
        with pytest.raises(SqlFileError, match="needs parameters: limit"):
            run_sql(conn, "newest_negative_mentions", brand="Nordwind")
        with pytest.raises(SqlFileError, match="outside"):
            run_sql(conn, "../pyproject")
