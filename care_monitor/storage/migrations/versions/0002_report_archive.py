"""Weekly report archive: one row per (brand, ISO week, format).

Revision ID: 0002_report_archive
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_report_archive"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "report_archive",
        sa.Column("id", ID, primary_key=True),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.UniqueConstraint("brand", "week", "format", name="uq_report_archive_brand_week_format"),
    )


def downgrade() -> None:
    op.drop_table("report_archive")
