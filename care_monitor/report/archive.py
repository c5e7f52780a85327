"""Archiving rendered reports: files under the reports directory plus one `report_archive` row
per (brand, week, format).  A rerun overwrites the file and updates the row in place."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from care_monitor.storage.report_models import ReportArchiveRow


@dataclass(frozen=True)
class ArchivedReport:
    brand: str
    week: str
    format: str
    path: Path
    generated_at: datetime
    checksum: str


def slug(name: str) -> str:
    """A file-system-safe brand directory name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "brand"


def report_path(reports_dir: Path, brand: str, week: str, fmt: str) -> Path:
    return reports_dir / slug(brand) / f"{slug(brand)}-{week}.{fmt}"


def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def record(engine: Engine, brand: str, week: str, fmt: str, path: Path, generated_at: datetime) -> ArchivedReport:
    """Insert or replace the archive row of (brand, week, format)."""
    checksum = sha256_file(path)
    values = {"path": str(path), "generated_at": generated_at, "checksum": checksum}
    key = (
        (ReportArchiveRow.brand == brand)
        & (ReportArchiveRow.week == week)
        & (ReportArchiveRow.format == fmt)
    )
    insert = ReportArchiveRow.__table__.insert().values(brand=brand, week=week, format=fmt, **values)
    for attempt in range(2):  # a concurrent insert of the same key: the retry updates it
        try:
            with engine.begin() as conn:
                if not conn.execute(update(ReportArchiveRow).where(key).values(**values)).rowcount:
                    conn.execute(insert)
            break
        except IntegrityError:
            if attempt:
                raise
    return ArchivedReport(brand, week, fmt, path, generated_at, checksum)


def list_archive(engine: Engine, brand: str | None = None) -> list[ArchivedReport]:
    query = select(ReportArchiveRow).order_by(
        ReportArchiveRow.brand, ReportArchiveRow.week, ReportArchiveRow.format
    )
    if brand is not None:
        query = query.where(ReportArchiveRow.brand == brand)
    with engine.connect() as conn:
        return [
            ArchivedReport(r.brand, r.week, r.format, Path(r.path), r.generated_at, r.checksum)
            for r in conn.execute(query)
        ]
