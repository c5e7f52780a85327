"""The first answer on the platform (Google Play's developer reply) becomes first_response_at."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import select

from care_monitor.storage.models import MentionRow
from tests.storage.factories import make_mention


def test_first_response_time_comes_from_the_platform_and_stays_the_first(storage):
    first = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    later = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
    mention = make_mention(external_id="answered")
    storage.upsert_mentions([mention])
    storage.upsert_mentions([replace(mention, replied_at=first)])
    storage.upsert_mentions([replace(mention, replied_at=later)])
    with storage.engine.connect() as conn:
        stored = conn.execute(
            select(MentionRow.first_response_at).where(MentionRow.external_id == "answered")
        ).scalar_one()
    assert stored.replace(tzinfo=timezone.utc) == first
