"""The weekly report archive: one row per (brand, ISO week, format), replaced on rerun."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from care_monitor.storage.models import Base


class ReportArchiveRow(Base):
    __tablename__ = "report_archive"
    __table_args__ = (
        UniqueConstraint("brand", "week", "format", name="uq_report_archive_brand_week_format"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    week: Mapped[str] = mapped_column(String(8))  # ISO week, e.g. 2026-W47
    format: Mapped[str] = mapped_column(String(8))  # html | pdf | json | md
    path: Mapped[str] = mapped_column(Text)
    generated_at: Mapped[datetime]
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the file, hex
