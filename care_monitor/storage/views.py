"""Plain read-only records the storage layer hands out (for the CLI, alerts and reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC, so say so."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class UpsertResult:
    """Ids of the stored mentions in input order (duplicates in one batch share an id)."""

    ids: list[int]
    inserted_ids: list[int]
    updated_ids: list[int]

    @property
    def inserted(self) -> int:
        return len(self.inserted_ids)

    @property
    def updated(self) -> int:
        return len(self.updated_ids)


@dataclass(frozen=True)
class CorrectedMention:
    """A mention a person labelled, beside the scorer's current label for it."""

    id: int
    language: str | None
    scorer_label: str | None  # the latest scoring's label; a correction never overwrites it
    person_label: str
    text: str


@dataclass(frozen=True)
class MentionView:
    id: int
    source: str
    source_name: str | None
    external_id: str
    url: str | None
    author_handle: str | None
    author_name: str | None
    author_followers: int | None
    title: str | None
    text: str
    language: str | None
    created_at: datetime
    likes: int | None
    replies: int | None
    shares: int | None
    score: int | None
    brands: list[str]
    sentiment_label: str | None
    sentiment_score: float | None
    sentiment_reasons: list[str]
    corrected_label: str | None
    first_seen_at: datetime
    last_seen_at: datetime

    @property
    def effective_label(self) -> str | None:
        """A person's correction wins over the scorer."""
        return self.corrected_label or self.sentiment_label


@dataclass(frozen=True)
class DeliveryView:
    id: int
    channel: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None


@dataclass(frozen=True)
class AlertView:
    id: int
    kind: str
    dedupe_key: str
    brand: str | None
    score: float | None
    payload: dict
    created_at: datetime
    mention_id: int | None
    deliveries: list[DeliveryView] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery leased to one sender until `lease_until`, with what it needs to render."""

    id: int
    channel: str
    attempts: int
    lease_until: datetime
    alert: AlertView
    mention: MentionView | None


@dataclass(frozen=True)
class SourceRunView:
    id: int
    source_name: str
    source_type: str
    stream: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    error: str | None
    pages: int
    items_fetched: int
    mentions_stored: int
    pages_skipped: int
    truncated: bool
    rate_limited_waits: int
    waited_seconds: float
    retries: int
    quota_remaining: int | None
