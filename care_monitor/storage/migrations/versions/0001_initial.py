"""Initial schema: mentions, brands per mention, corrections, cursors, source runs, alerts, outbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mentions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("source_name", sa.String(100)),
        sa.Column("url", sa.Text()),
        sa.Column("author_handle", sa.String(255)),
        sa.Column("author_name", sa.String(255)),
        sa.Column("author_followers", sa.BigInteger()),
        sa.Column("title", sa.Text()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("likes", sa.BigInteger()),
        sa.Column("replies", sa.BigInteger()),
        sa.Column("shares", sa.BigInteger()),
        sa.Column("score", sa.BigInteger()),
        sa.Column("rating", sa.Integer()),
        sa.Column("brands", sa.JSON(), nullable=False),
        sa.Column("sentiment_label", sa.String(16)),
        sa.Column("sentiment_score", sa.Float()),
        sa.Column("sentiment_reasons", sa.JSON(), nullable=False),
        sa.Column("corrected_label", sa.String(16)),
        sa.Column("first_response_at", TIME),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.UniqueConstraint("source", "external_id", name="uq_mentions_source_external_id"),
    )
    op.create_index("ix_mentions_label_created", "mentions", ["sentiment_label", "created_at"])
    op.create_index("ix_mentions_created", "mentions", ["created_at"])
    op.create_index("ix_mentions_source_created", "mentions", ["source", "created_at"])

    op.create_table(
        "mention_brands",
        sa.Column(
            "mention_id",
            ID,
            sa.ForeignKey("mentions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("brand", sa.String(100), primary_key=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("sentiment_label", sa.String(16)),
    )
    op.create_index("ix_mention_brands_brand_created", "mention_brands", ["brand", "created_at"])
    op.create_index(
        "ix_mention_brands_brand_label_created",
        "mention_brands",
        ["brand", "sentiment_label", "created_at"],
    )

    op.create_table(
        "corrections",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "mention_id", ID, sa.ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("previous_label", sa.String(16)),
        sa.Column("note", sa.Text()),
        sa.Column("corrected_by", sa.String(255)),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("ix_corrections_mention_id", "corrections", ["mention_id"])

    op.create_table(
        "cursors",
        sa.Column("source_name", sa.String(100), primary_key=True),
        sa.Column("stream", sa.String(500), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )

    op.create_table(
        "source_runs",
        sa.Column("id", ID, primary_key=True),
        sa.Column("source_name", sa.String(100), nullable=False),
        sa.Column("source_type", sa.String(32), nullable=False),
        sa.Column("stream", sa.String(500), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("finished_at", TIME),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("items_fetched", sa.Integer(), nullable=False),
        sa.Column("mentions_stored", sa.Integer(), nullable=False),
        sa.Column("pages_skipped", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("rate_limited_waits", sa.Integer(), nullable=False),
        sa.Column("waited_seconds", sa.Float(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("quota_remaining", sa.Integer()),
    )
    op.create_index("ix_source_runs_source_started", "source_runs", ["source_name", "started_at"])

    op.create_table(
        "alerts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(255), nullable=False, unique=True),
        sa.Column("mention_id", ID, sa.ForeignKey("mentions.id", ondelete="SET NULL")),
        sa.Column("brand", sa.String(100)),
        sa.Column("score", sa.Float()),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("ix_alerts_created", "alerts", ["created_at"])
    op.create_index("ix_alerts_mention_id", "alerts", ["mention_id"])

    op.create_table(
        "alert_deliveries",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "alert_id", ID, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("next_attempt_at", TIME),
        sa.Column("sent_at", TIME),
        sa.UniqueConstraint("alert_id", "channel", name="uq_alert_deliveries_alert_channel"),
    )
    op.create_index(
        "ix_alert_deliveries_status", "alert_deliveries", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    for table in (
        "alert_deliveries",
        "alerts",
        "source_runs",
        "cursors",
        "corrections",
        "mention_brands",
        "mentions",
    ):
        op.drop_table(table)
