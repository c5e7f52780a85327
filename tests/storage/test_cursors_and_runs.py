import pytest

from care_monitor.storage import Storage


def test_cursor_upsert(storage: Storage) -> None:
    assert storage.get_cursor("hn", "nordwind") is None
    storage.set_cursor("hn", "nordwind", "100")
    storage.set_cursor("hn", "nordwind", "200")
    storage.set_cursor("hn", "skyjet", "5")
    assert storage.get_cursor("hn", "nordwind") == "200"
    assert storage.get_cursor("hn", "skyjet") == "5"


def test_source_runs_record_what_was_fetched(storage: Storage) -> None:
    first = storage.start_source_run("hn", "hackernews", "nordwind")
    storage.finish_source_run(first, "error", error="HTTP 503")
    second = storage.start_source_run("hn", "hackernews", "nordwind")
    storage.finish_source_run(
        second, "ok", pages=3, items_fetched=40, mentions_stored=7, pages_skipped=1,
        truncated=True, rate_limited_waits=2, waited_seconds=1.5, retries=1, quota_remaining=99,
    )
    other = storage.start_source_run("reddit", "reddit", "r/travel")

    runs = storage.latest_source_runs()
    assert [(r.source_name, r.id, r.status) for r in runs] == [
        ("hn", second, "ok"), ("reddit", other, "running"),
    ]
    hn = runs[0]
    assert (hn.pages, hn.items_fetched, hn.mentions_stored, hn.pages_skipped, hn.truncated) == (3, 40, 7, 1, True)
    assert (hn.rate_limited_waits, hn.waited_seconds, hn.retries, hn.quota_remaining) == (2, 1.5, 1, 99)
    assert hn.finished_at is not None and hn.finished_at >= hn.started_at


def test_finishing_unknown_run_fails(storage: Storage) -> None:
    with pytest.raises(LookupError):
        storage.finish_source_run(12345, "ok")
    with pytest.raises(ValueError, match="status"):
        storage.finish_source_run(1, "done")
