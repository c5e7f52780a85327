"""Building mentions for storage and alerting tests."""

from __future__ import annotations

from datetime import datetime, timezone

from care_monitor.mention import Author, Engagement, Mention

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def make_mention(
    external_id: str = "1",
    *,
    source: str = "mastodon",
    text: str = "Nordwind lost my bag",
    brands: list[str] | None = None,
    label: str | None = "negative",
    score: float | None = -0.6,
    reasons: list[str] | None = None,
    likes: int | None = 1,
    followers: int | None = 100,
    source_name: str = "mastodon",
    handle: str = "alice",
    url: str | None = None,
) -> Mention:
    return Mention(
        source=source,
        external_id=external_id,
        url=url or f"https://example.social/@alice/{external_id}",
        text=text,
        created_at=CREATED,
        author=Author(handle=handle, display_name="Alice", followers=followers),
        engagement=Engagement(likes=likes, replies=0, shares=0),
        language="en",
        raw={"id": external_id, "content": text},
        source_name=source_name,
        brands=list(brands if brands is not None else ["Nordwind"]),
        sentiment_label=label,
        sentiment_score=score,
        sentiment_reasons=list(reasons if reasons is not None else ["lost"]),
    )
