"""The project's own schema (separate from Airflow's metadata database).

Alembic migrations in `care_monitor/storage/migrations` create exactly these tables; the
hand-written SQL in `sql/` reads them.  Times are stored as UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_mentions_source_external_id"),
        Index("ix_mentions_label_created", "sentiment_label", "created_at"),
        Index("ix_mentions_created", "created_at"),
        Index("ix_mentions_source_created", "source", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    source_name: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(Text)
    author_handle: Mapped[str | None] = mapped_column(String(255))
    author_name: Mapped[str | None] = mapped_column(String(255))
    author_followers: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    likes: Mapped[int | None] = mapped_column(BigInteger)
    replies: Mapped[int | None] = mapped_column(BigInteger)
    shares: Mapped[int | None] = mapped_column(BigInteger)
    score: Mapped[int | None] = mapped_column(BigInteger)
    rating: Mapped[int | None] = mapped_column(Integer)
    brands: Mapped[list[str]] = mapped_column(JSON, default=list)
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    corrected_label: Mapped[str | None] = mapped_column(String(16))
    first_response_at: Mapped[datetime | None]
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]

    brand_links: Mapped[list["MentionBrandRow"]] = relationship(back_populates="mention")


class MentionBrandRow(Base):
    """One row per (mention, matched brand); created_at and label copied for per-brand indexes."""

    __tablename__ = "mention_brands"
    __table_args__ = (
        Index("ix_mention_brands_brand_created", "brand", "created_at"),
        Index("ix_mention_brands_brand_label_created", "brand", "sentiment_label", "created_at"),
    )

    mention_id: Mapped[int] = mapped_column(
        ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True
    )
    brand: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime]
    sentiment_label: Mapped[str | None] = mapped_column(String(16))

    mention: Mapped[MentionRow] = relationship(back_populates="brand_links")


class CorrectionRow(Base):
    """A person's correction of a mention's label; never overwritten by a rescore."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(16))
    previous_label: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    corrected_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class CursorRow(Base):
    __tablename__ = "cursors"

    source_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    stream: Mapped[str] = mapped_column(String(500), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime]


class SourceRunRow(Base):
    """One poll of one stream of one source: what it fetched and what it could not."""

    __tablename__ = "source_runs"
    __table_args__ = (Index("ix_source_runs_source_started", "source_name", "started_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source_name: Mapped[str] = mapped_column(String(100))
    source_type: Mapped[str] = mapped_column(String(32))
    stream: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))  # running | ok | error
    error: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items_fetched: Mapped[int] = mapped_column(Integer, default=0)
    mentions_stored: Mapped[int] = mapped_column(Integer, default=0)
    pages_skipped: Mapped[int] = mapped_column(Integer, default=0)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_limited_waits: Mapped[int] = mapped_column(Integer, default=0)
    waited_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    quota_remaining: Mapped[int | None] = mapped_column(Integer)


class AlertRow(Base):
    """One alert; `dedupe_key` makes raising idempotent (``mention:<id>`` for negative posts)."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_created", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # negative_mention | source_unhealthy | ...
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    mention_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentions.id", ondelete="SET NULL"), index=True
    )
    brand: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]

    deliveries: Mapped[list["AlertDeliveryRow"]] = relationship(back_populates="alert")


class AlertDeliveryRow(Base):
    """The outbox: one row per alert × channel, sent at most once once it succeeded."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", name="uq_alert_deliveries_alert_channel"),
        Index("ix_alert_deliveries_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(100))
    # pending | sending (claimed; next_attempt_at is then the lease expiry) | sent | failed
    # | dead (gave up after alerts.max_attempts; kept visible, never dropped)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    alert: Mapped[AlertRow] = relationship(back_populates="deliveries")


# Tables of other concerns, registered on the same metadata so Alembic and tests see them all.
from care_monitor.storage import report_models  # noqa: E402,F401
