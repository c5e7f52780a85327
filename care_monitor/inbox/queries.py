"""The inbox's reads: filtered, paginated mentions with their alert and latest correction.

Storage.list_mentions has no offset, no "has an alert" or "unanswered" filter and does not
return deliveries, so the inbox reads the tables itself (read-only, SQLAlchemy 2.0 style).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, exists, func, select

from care_monitor.storage.db import read_connection
from care_monitor.storage.models import (
    AlertDeliveryRow,
    AlertRow,
    CorrectionRow,
    MentionBrandRow,
    MentionRow,
)
from care_monitor.storage.repository import LABELS
from care_monitor.storage.views import as_utc

ANY_LABEL = "all"
LABEL_CHOICES = (*LABELS, ANY_LABEL)
MAX_LIMIT = 200


@dataclass(frozen=True)
class InboxFilter:
    """What the list shows; `label=None` means every label."""

    brand: str | None = None
    label: str | None = "negative"
    source: str | None = None
    unanswered: bool = False
    with_alert: bool = False
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.label is not None and self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r} (expected one of {', '.join(LABEL_CHOICES)})")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset must not be negative, not {self.offset}")


@dataclass(frozen=True)
class DeliveryStatus:
    channel: str
    status: str
    attempts: int
    sent_at: datetime | None


@dataclass(frozen=True)
class AlertStatus:
    id: int
    created_at: datetime
    deliveries: list[DeliveryStatus] = field(default_factory=list)


@dataclass(frozen=True)
class CorrectionInfo:
    label: str
    previous_label: str | None
    note: str | None
    corrected_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class InboxItem:
    id: int
    source: str
    source_name: str | None
    url: str | None
    author_handle: str | None
    author_name: str | None
    author_followers: int | None
    title: str | None
    text: str
    language: str | None
    created_at: datetime
    rating: int | None
    brands: list[str]
    sentiment_label: str | None
    sentiment_score: float | None
    sentiment_reasons: list[str]
    corrected_label: str | None
    first_response_at: datetime | None
    alert: AlertStatus | None = None
    correction: CorrectionInfo | None = None

    @property
    def effective_label(self) -> str | None:
        return self.corrected_label or self.sentiment_label


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItem]
    filter: InboxFilter
    has_more: bool

    @property
    def next_offset(self) -> int | None:
        return self.filter.offset + self.filter.limit if self.has_more else None

    @property
    def previous_offset(self) -> int | None:
        if self.filter.offset == 0:
            return None
        return max(self.filter.offset - self.filter.limit, 0)


_ITEM_COLUMNS = (
    MentionRow.id, MentionRow.source, MentionRow.source_name, MentionRow.url,
    MentionRow.author_handle, MentionRow.author_name, MentionRow.author_followers,
    MentionRow.title, MentionRow.text, MentionRow.language, MentionRow.created_at,
    MentionRow.rating, MentionRow.brands, MentionRow.sentiment_label, MentionRow.sentiment_score,
    MentionRow.sentiment_reasons, MentionRow.corrected_label, MentionRow.first_response_at,
)


def _list_query(wanted: InboxFilter):
    query = select(*_ITEM_COLUMNS)
    if wanted.brand is not None:
        # mention_brands carries the effective label and created_at, indexed per brand
        query = query.join(MentionBrandRow, MentionBrandRow.mention_id == MentionRow.id).where(
            MentionBrandRow.brand == wanted.brand
        )
        if wanted.label is not None:
            query = query.where(MentionBrandRow.sentiment_label == wanted.label)
        query = query.order_by(MentionBrandRow.created_at.desc(), MentionRow.id.desc())
    else:
        if wanted.label is not None:
            effective = func.coalesce(MentionRow.corrected_label, MentionRow.sentiment_label)
            query = query.where(effective == wanted.label)
        query = query.order_by(MentionRow.created_at.desc(), MentionRow.id.desc())
    if wanted.source is not None:
        query = query.where(MentionRow.source == wanted.source)
    if wanted.unanswered:
        query = query.where(MentionRow.first_response_at.is_(None))
    if wanted.with_alert:
        query = query.where(exists().where(AlertRow.mention_id == MentionRow.id))
    # one extra row tells whether there is a next page
    return query.limit(wanted.limit + 1).offset(wanted.offset)


def list_inbox(engine: Engine, wanted: InboxFilter) -> InboxPage:
    """Newest first, with each mention's alert (and its deliveries) and latest correction."""
    with read_connection(engine) as conn:
        rows = conn.execute(_list_query(wanted)).all()
        has_more = len(rows) > wanted.limit
        rows = rows[: wanted.limit]
        ids = [row.id for row in rows]
        alerts = _alerts_by_mention(conn, ids)
        corrections = _latest_corrections(conn, ids)
    items = [
        InboxItem(
            **{
                **row._mapping,
                "created_at": as_utc(row.created_at),
                "first_response_at": as_utc(row.first_response_at),
                "brands": list(row.brands or []),
                "sentiment_reasons": list(row.sentiment_reasons or []),
            },
            alert=alerts.get(row.id),
            correction=corrections.get(row.id),
        )
        for row in rows
    ]
    return InboxPage(items=items, filter=wanted, has_more=has_more)


def _alerts_by_mention(conn, mention_ids: list[int]) -> dict[int, AlertStatus]:
    if not mention_ids:
        return {}
    alert_rows = conn.execute(
        select(AlertRow.id, AlertRow.mention_id, AlertRow.created_at)
        .where(AlertRow.mention_id.in_(mention_ids))
        .order_by(AlertRow.id)
    ).all()
    if not alert_rows:
        return {}
    deliveries: dict[int, list[DeliveryStatus]] = {}
    query = (
        select(
            AlertDeliveryRow.alert_id, AlertDeliveryRow.channel, AlertDeliveryRow.status,
            AlertDeliveryRow.attempts, AlertDeliveryRow.sent_at,
        )
        .where(AlertDeliveryRow.alert_id.in_([row.id for row in alert_rows]))
        .order_by(AlertDeliveryRow.channel)
    )
    for row in conn.execute(query):
        deliveries.setdefault(row.alert_id, []).append(
            DeliveryStatus(row.channel, row.status, row.attempts, as_utc(row.sent_at))
        )
    # the latest alert of a mention wins (negative-mention alerts are unique per mention anyway)
    return {
        row.mention_id: AlertStatus(row.id, as_utc(row.created_at), deliveries.get(row.id, []))
        for row in alert_rows
    }


def _latest_corrections(conn, mention_ids: list[int]) -> dict[int, CorrectionInfo]:
    if not mention_ids:
        return {}
    query = (
        select(CorrectionRow)
        .where(CorrectionRow.mention_id.in_(mention_ids))
        .order_by(CorrectionRow.id)
    )
    return {
        row.mention_id: CorrectionInfo(
            row.label, row.previous_label, row.note, row.corrected_by, as_utc(row.created_at)
        )
        for row in conn.execute(query)
    }


def filter_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """The brands and sources present in the database, for the filter menus."""
    with read_connection(engine) as conn:
        brands = list(conn.execute(select(MentionBrandRow.brand).distinct().order_by(MentionBrandRow.brand)).scalars())
        sources = list(conn.execute(select(MentionRow.source).distinct().order_by(MentionRow.source)).scalars())
    return brands, sources
