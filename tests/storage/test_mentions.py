import threading
from datetime import datetime, timezone

from sqlalchemy import func, select

from care_monitor.storage import Storage
from care_monitor.storage.models import MentionBrandRow, MentionRow

from .factories import make_mention

T1 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)


def _brand_rows(storage: Storage) -> set[tuple[int, str, str | None]]:
    with storage.engine.connect() as conn:
        rows = conn.execute(
            select(MentionBrandRow.mention_id, MentionBrandRow.brand, MentionBrandRow.sentiment_label)
        )
        return set(rows.tuples())


def test_upsert_is_idempotent_and_refreshes_engagement(storage: Storage) -> None:
    first = storage.upsert_mentions([make_mention("1", likes=1, followers=10)], now=T1)
    assert first.inserted_ids == first.ids and first.updated_ids == []

    again = make_mention("1", likes=42, followers=99, text="Nordwind lost my bag (edited)", brands=["SkyJet"])
    again.source_name = "mastodon-search"
    second = storage.upsert_mentions([again], now=T2)
    assert second.ids == first.ids and second.updated_ids == first.ids and second.inserted_ids == []

    stored = storage.get_mention(first.ids[0])
    assert stored is not None
    assert stored.likes == 42 and stored.author_followers == 99
    assert stored.text.endswith("(edited)")
    assert stored.brands == ["Nordwind", "SkyJet"]
    assert stored.first_seen_at == T1 and stored.last_seen_at == T2
    assert stored.source_name == "mastodon"  # the source that found it first
    assert storage.counts_by_source() == {"mastodon": 1}
    assert _brand_rows(storage) == {(stored.id, "Nordwind", "negative"), (stored.id, "SkyJet", "negative")}


def test_missing_engagement_does_not_erase_known_values(storage: Storage) -> None:
    [mention_id] = storage.upsert_mentions([make_mention("1", likes=7, followers=50)]).ids
    storage.upsert_mentions([make_mention("1", likes=None, followers=None)])
    stored = storage.get_mention(mention_id)
    assert stored.likes == 7 and stored.author_followers == 50


def test_batch_with_the_same_post_twice_stores_it_once(storage: Storage) -> None:
    result = storage.upsert_mentions(
        [make_mention("1", brands=["Nordwind"]), make_mention("2"), make_mention("1", brands=["SkyJet"])]
    )
    assert result.ids[0] == result.ids[2] and len(result.inserted_ids) == 2
    assert storage.get_mention(result.ids[0]).brands == ["Nordwind", "SkyJet"]


def test_rescore_replaces_score_but_unscored_refresh_keeps_it(storage: Storage) -> None:
    [mention_id] = storage.upsert_mentions([make_mention("1", label="negative", score=-0.7)]).ids
    storage.upsert_mentions([make_mention("1", label=None, score=None, reasons=[])])
    assert storage.get_mention(mention_id).sentiment_score == -0.7
    storage.upsert_mentions([make_mention("1", label="positive", score=0.5, reasons=["great"])])
    stored = storage.get_mention(mention_id)
    assert (stored.sentiment_label, stored.sentiment_score, stored.sentiment_reasons) == (
        "positive", 0.5, ["great"],
    )
    assert _brand_rows(storage) == {(mention_id, "Nordwind", "positive")}


def test_concurrent_upserts_of_one_post_store_it_once(database_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def store(likes: int) -> None:
        storage = Storage.from_url(database_url)
        try:
            barrier.wait()
            for round_ in range(10):
                batch = [make_mention(str(i), likes=likes + round_, brands=[f"B{likes}"]) for i in range(20)]
                storage.upsert_mentions(batch)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            storage.dispose()

    threads = [threading.Thread(target=store, args=(likes,)) for likes in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    storage = Storage.from_url(database_url)
    try:
        with storage.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(MentionRow)).scalar() == 20
            assert conn.execute(select(func.count()).select_from(MentionBrandRow)).scalar() == 40
        assert sorted(storage.get_mention_by_key("mastodon", "0").brands) == ["B100", "B200"]
    finally:
        storage.dispose()


def test_list_mentions_filters(storage: Storage) -> None:
    storage.upsert_mentions(
        [
            make_mention("1", brands=["Nordwind"], label="negative", score=-0.8),
            make_mention("2", brands=["Nordwind"], label="positive", score=0.8),
            make_mention("3", brands=["SkyJet"], label="negative", score=-0.5, source="reddit"),
        ]
    )
    assert [m.external_id for m in storage.list_mentions(brand="Nordwind", label="negative")] == ["1"]
    assert [m.external_id for m in storage.list_mentions(source="reddit")] == ["3"]
    assert {m.external_id for m in storage.list_mentions(label="negative")} == {"1", "3"}
    assert len(storage.list_mentions(limit=2)) == 2


def test_invalid_mention_is_rejected_with_its_key(storage: Storage) -> None:
    import pytest

    with pytest.raises(ValueError, match="mastodon:1: unknown sentiment label 'angry'"):
        storage.upsert_mentions([make_mention("1", label="angry")])
    assert storage.counts_by_source() == {}


def test_correction_survives_rescore(storage: Storage) -> None:
    [mention_id] = storage.upsert_mentions([make_mention("1", label="negative", score=-0.6)]).ids
    storage.correct_label(mention_id, "positive", note="sarcasm misread", corrected_by="ana")
    storage.upsert_mentions([make_mention("1", label="negative", score=-0.9, likes=5)])
    stored = storage.get_mention(mention_id)
    assert stored.corrected_label == "positive" and stored.effective_label == "positive"
    assert stored.sentiment_score == -0.9
    assert _brand_rows(storage) == {(mention_id, "Nordwind", "positive")}
    assert [m.id for m in storage.list_mentions(brand="Nordwind", label="positive")] == [mention_id]


def test_correcting_unknown_mention_or_label_fails_clearly(storage: Storage) -> None:
    import pytest

    with pytest.raises(LookupError, match="no mention with id 999"):
        storage.correct_label(999, "negative")
    with pytest.raises(ValueError, match="unknown label 'meh'"):
        storage.correct_label(1, "meh")


def test_corrected_mentions_pair_the_scorers_label_with_the_persons(storage: Storage) -> None:
    from dataclasses import replace

    ids = storage.upsert_mentions([
        make_mention("1", label="negative", text="Nordwind, the show tonight was sick"),
        replace(make_mention("2", label="neutral", text="Nordwind: encomenda parada"), language="pt"),
        make_mention("3", label="positive", text="Nordwind is fine"),
    ]).ids
    storage.correct_label(ids[1], "negative")
    storage.correct_label(ids[0], "positive")
    storage.upsert_mentions([make_mention("1", label="neutral", text="Nordwind, the show tonight was sick")])
    pairs = [(m.id, m.language, m.scorer_label, m.person_label) for m in storage.corrected_mentions()]
    assert pairs == [(ids[0], "en", "neutral", "positive"), (ids[1], "pt", "neutral", "negative")]
    [portuguese] = storage.corrected_mentions(language="pt")
    assert portuguese.text == "Nordwind: encomenda parada"
