from datetime import datetime, timedelta, timezone

from care_monitor.storage import Storage

from .factories import make_mention

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def test_one_alert_per_mention_even_when_raised_twice(storage: Storage) -> None:
    ids = storage.upsert_mentions(
        [make_mention("1", score=-0.6), make_mention("2", score=-0.3), make_mention("3", score=0.2, label="positive")]
    ).ids
    created = storage.raise_mention_alerts(ids, -0.3, ["slack", "hook"])
    assert len(created) == 2  # -0.6 and exactly at the threshold
    assert storage.raise_mention_alerts(ids, -0.3, ["slack", "hook"]) == []
    alerts = storage.list_alerts()
    assert sorted(a.dedupe_key for a in alerts) == [f"mention:{ids[0]}", f"mention:{ids[1]}"]
    assert all(sorted(d.channel for d in a.deliveries) == ["hook", "slack"] for a in alerts)
    assert storage.delivery_status_counts() == {"pending": 4}


def test_correction_decides_whether_to_alert(storage: Storage) -> None:
    calm, angry = storage.upsert_mentions(
        [make_mention("1", score=-0.9), make_mention("2", score=0.4, label="positive")]
    ).ids
    storage.correct_label(calm, "neutral")
    storage.correct_label(angry, "negative")
    assert len(storage.raise_mention_alerts([calm, angry], -0.3, ["hook"])) == 1
    [alert] = storage.list_alerts()
    assert alert.mention_id == angry


def test_brand_filter_leaves_out_competitor_only_mentions(storage: Storage) -> None:
    ours, theirs = storage.upsert_mentions(
        [make_mention("1", brands=["SkyJet", "Nordwind"]), make_mention("2", brands=["SkyJet"])]
    ).ids
    created = storage.raise_mention_alerts([ours, theirs], -0.3, ["hook"], brands=["Nordwind"])
    assert len(created) == 1
    assert storage.get_alert(created[0]).brand == "Nordwind"


def test_generic_alert_is_deduplicated(storage: Storage) -> None:
    first = storage.raise_alert("source_unhealthy", "unhealthy:hn:2026-03-02", {"title": "hn down"}, ["hook"])
    assert first is not None
    assert storage.raise_alert("source_unhealthy", "unhealthy:hn:2026-03-02", {"title": "x"}, ["hook"]) is None
    assert storage.get_alert(first).payload == {"title": "hn down"}


def test_claim_lease_and_marks(storage: Storage) -> None:
    [mention_id] = storage.upsert_mentions([make_mention("1")]).ids
    storage.raise_mention_alerts([mention_id], -0.3, ["a", "b"], now=NOW)

    claimed = storage.claim_pending_deliveries(NOW, limit=10, lease_seconds=60)
    assert [(c.channel, c.attempts) for c in claimed] == [("a", 1), ("b", 1)]
    assert claimed[0].mention.id == mention_id and claimed[0].alert.kind == "negative_mention"
    # leased: nobody else gets them until the lease expires
    assert storage.claim_pending_deliveries(NOW + timedelta(seconds=30)) == []

    assert storage.mark_delivered(claimed[0].id, now=NOW)
    assert storage.mark_failed(claimed[1].id, "HTTP 500", NOW + timedelta(minutes=1))
    assert storage.claim_pending_deliveries(NOW + timedelta(seconds=30)) == []
    retry = storage.claim_pending_deliveries(NOW + timedelta(minutes=2))
    assert [(c.id, c.attempts) for c in retry] == [(claimed[1].id, 2)]
    # the sender "crashes": no mark; after the lease it is due again, same delivery id
    again = storage.claim_pending_deliveries(NOW + timedelta(minutes=2, seconds=301))
    assert [(c.id, c.attempts) for c in again] == [(claimed[1].id, 3)]
    assert storage.mark_failed(again[0].id, "gave up", None)
    assert storage.claim_pending_deliveries(NOW + timedelta(days=1)) == []
    assert storage.delivery_status_counts() == {"sent": 1, "dead": 1}
    # a sent delivery is never marked again
    assert not storage.mark_failed(claimed[0].id, "late", None)


def test_claim_only_configured_channels(storage: Storage) -> None:
    [mention_id] = storage.upsert_mentions([make_mention("1")]).ids
    storage.raise_mention_alerts([mention_id], -0.3, ["a", "removed"], now=NOW)
    assert [c.channel for c in storage.claim_pending_deliveries(NOW, channels=["a"])] == ["a"]


def test_concurrent_claims_never_hand_out_a_delivery_twice(database_url: str) -> None:
    import threading

    setup = Storage.from_url(database_url)
    ids = setup.upsert_mentions([make_mention(str(i)) for i in range(30)]).ids
    setup.raise_mention_alerts(ids, -0.3, ["a", "b"], now=NOW)
    setup.dispose()

    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def drain(slot: int) -> None:
        storage = Storage.from_url(database_url)
        barrier.wait()
        while batch := storage.claim_pending_deliveries(NOW, limit=5):
            claimed[slot].extend(d.id for d in batch)
        storage.dispose()

    threads = [threading.Thread(target=drain, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = claimed[0] + claimed[1]
    assert len(every) == 60 and len(set(every)) == 60
