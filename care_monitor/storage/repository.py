"""Everything the pipeline, CLI and reports do with the project's database, on SQLite and PostgreSQL.

Each public method is one transaction.  Writes that may race (two mapped tasks storing the same
post, two workers draining the outbox) rely on the database, not on Python locks:
``INSERT ... ON CONFLICT`` for upserts, ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or a write lock taken
at ``BEGIN IMMEDIATE`` (SQLite, see `db.py`) for the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from care_monitor.mention import Mention
from care_monitor.storage.db import make_engine, read_connection
from care_monitor.storage.models import (
    AlertDeliveryRow,
    AlertRow,
    CorrectionRow,
    CursorRow,
    MentionBrandRow,
    MentionRow,
    SourceRunRow,
)
from care_monitor.storage.views import (
    AlertView,
    ClaimedDelivery,
    CorrectedMention,
    DeliveryView,
    MentionView,
    SourceRunView,
    UpsertResult,
    as_utc,
    utcnow,
)

LABELS = ("negative", "neutral", "positive")
NEGATIVE_MENTION = "negative_mention"
# Rows per INSERT statement: well under SQLite's 32,766 bound parameters at 26 columns.
_CHUNK = 500
# Deliveries that still need work (a `sending` row is in flight or its sender crashed).
OPEN_DELIVERY_STATUSES = ("pending", "sending", "failed")

Key = tuple[str, str]


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


def _effective_label_column():
    return func.coalesce(MentionRow.corrected_label, MentionRow.sentiment_label)


class Storage:
    """The project's database.  Create with `Storage.from_url(url)` or around an existing engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def from_url(cls, url: str) -> "Storage":
        return cls(make_engine(url))

    def dispose(self) -> None:
        self.engine.dispose()

    def _insert(self, table):  # noqa: ANN001, ANN202
        """The dialect's INSERT, which knows ON CONFLICT."""
        module = postgresql if self.dialect == "postgresql" else sqlite
        return module.insert(table)

    # ------------------------------------------------------------------ mentions

    def upsert_mentions(self, mentions: Sequence[Mention], *, now: datetime | None = None) -> UpsertResult:
        """Store a batch: new posts are inserted, posts seen again are refreshed, in one transaction.

        A refresh updates engagement, follower count, text/raw (edits), language, URL and
        last_seen_at, adds newly matched brands, and replaces the score when the new mention is
        scored.  first_seen_at, source_name and a person's corrected_label are never changed.
        """
        if not mentions:
            return UpsertResult([], [], [])
        now = as_utc(now) or utcnow()
        merged = _merge_duplicates(mentions)
        keys = sorted(merged)  # a fixed lock order, so concurrent batches cannot deadlock
        values = [_mention_values(merged[key], now) for key in keys]

        id_by_key: dict[Key, int] = {}
        inserted: set[int] = set()
        stored: dict[int, dict[str, Any]] = {}
        with self.engine.begin() as conn:
            existing = self._existing_keys(conn, keys) if self.dialect != "postgresql" else None
            upsert = self._mention_upsert()
            for chunk in _chunks(values):
                # executemany: SQLAlchemy batches it into multi-row INSERTs ("insertmanyvalues")
                # with a statement compiled once, and keeps RETURNING rows in parameter order.
                for row in conn.execute(upsert, list(chunk)):
                    key = (row.source, row.external_id)
                    id_by_key[key] = row.id
                    is_new = row.inserted if existing is None else key not in existing
                    if is_new:
                        inserted.add(row.id)
                    stored[row.id] = {
                        "key": key,
                        "brands": list(row.brands or []),
                        "label": row.corrected_label or row.sentiment_label,
                        "created_at": row.created_at,
                    }
            self._sync_brands(conn, merged, id_by_key, stored, inserted)

        ids = [id_by_key[(m.source, m.external_id)] for m in mentions]
        ordered = list(dict.fromkeys(ids))
        return UpsertResult(
            ids=ids,
            inserted_ids=[i for i in ordered if i in inserted],
            updated_ids=[i for i in ordered if i not in inserted],
        )

    def _existing_keys(self, conn: Connection, keys: list[Key]) -> set[Key]:
        # Exact on SQLite because the transaction already holds the write lock (BEGIN IMMEDIATE).
        found: set[Key] = set()
        for chunk in _chunks(keys):
            query = select(MentionRow.source, MentionRow.external_id).where(
                tuple_(MentionRow.source, MentionRow.external_id).in_(list(chunk))
            )
            found.update((row.source, row.external_id) for row in conn.execute(query))
        return found

    def _mention_upsert(self):  # noqa: ANN202
        stmt = self._insert(MentionRow)
        new = stmt.excluded
        rescored = new.sentiment_label.is_not(None)

        def keep_if_missing(name: str):  # noqa: ANN202
            return func.coalesce(getattr(new, name), getattr(MentionRow, name))

        def from_new_score(name: str):  # noqa: ANN202
            return case((rescored, getattr(new, name)), else_=getattr(MentionRow, name))

        stmt = stmt.on_conflict_do_update(
            index_elements=[MentionRow.source, MentionRow.external_id],
            set_={
                "url": keep_if_missing("url"),
                "author_handle": keep_if_missing("author_handle"),
                "author_name": keep_if_missing("author_name"),
                "author_followers": keep_if_missing("author_followers"),
                "title": keep_if_missing("title"),
                "text": new.text,
                "language": keep_if_missing("language"),
                "created_at": new.created_at,
                "likes": keep_if_missing("likes"),
                "replies": keep_if_missing("replies"),
                "shares": keep_if_missing("shares"),
                "score": keep_if_missing("score"),
                "rating": keep_if_missing("rating"),
                "sentiment_label": from_new_score("sentiment_label"),
                "sentiment_score": from_new_score("sentiment_score"),
                "sentiment_reasons": from_new_score("sentiment_reasons"),
                "raw": new.raw,
                "last_seen_at": new.last_seen_at,
                # the first answer on the platform, once known, stays the first
                "first_response_at": func.coalesce(MentionRow.first_response_at, new.first_response_at),
                # not set: source_name, first_seen_at, corrected_label, and
                # brands (merged below, as a union with the stored ones)
            },
        )
        returning = [
            MentionRow.id,
            MentionRow.source,
            MentionRow.external_id,
            MentionRow.brands,
            MentionRow.sentiment_label,
            MentionRow.corrected_label,
            MentionRow.created_at,
        ]
        if self.dialect == "postgresql":
            # xmax is 0 for a row version this statement inserted, non-zero for an updated one.
            returning.append(literal_column("(xmax = 0)").label("inserted"))
        return stmt.returning(*returning, sort_by_parameter_order=True)

    def _sync_brands(
        self,
        conn: Connection,
        merged: dict[Key, Mention],
        id_by_key: dict[Key, int],
        stored: dict[int, dict[str, Any]],
        inserted: set[int],
    ) -> None:
        """mentions.brands becomes the union of stored and new brands; mention_brands mirrors it."""
        brand_rows: list[dict[str, Any]] = []
        brand_updates: list[dict[str, Any]] = []
        label_updates: list[dict[str, Any]] = []
        for key, mention in merged.items():
            mention_id = id_by_key[key]
            info = stored[mention_id]
            union = list(dict.fromkeys([*info["brands"], *mention.brands]))
            if union != info["brands"]:
                brand_updates.append({"b_id": mention_id, "b_brands": union})
            for brand in union:
                brand_rows.append(
                    {
                        "mention_id": mention_id,
                        "brand": brand,
                        "created_at": info["created_at"],
                        "sentiment_label": info["label"],
                    }
                )
            if mention_id not in inserted:
                label_updates.append(
                    {"l_id": mention_id, "l_label": info["label"], "l_created": info["created_at"]}
                )
        if brand_rows:
            stmt = self._insert(MentionBrandRow).on_conflict_do_nothing(
                index_elements=["mention_id", "brand"]
            )
            conn.execute(stmt, brand_rows)
        if brand_updates:
            conn.execute(
                update(MentionRow)
                .where(MentionRow.id == bindparam("b_id"))
                .values(brands=bindparam("b_brands", type_=MentionRow.__table__.c.brands.type)),
                brand_updates,
            )
        if label_updates:
            conn.execute(
                update(MentionBrandRow)
                .where(MentionBrandRow.mention_id == bindparam("l_id"))
                .values(sentiment_label=bindparam("l_label"), created_at=bindparam("l_created")),
                label_updates,
            )

    def get_mention(self, mention_id: int) -> MentionView | None:
        with read_connection(self.engine) as conn:
            row = conn.execute(select(MentionRow).where(MentionRow.id == mention_id)).first()
        return _mention_view(row) if row else None

    def get_mention_by_key(self, source: str, external_id: str) -> MentionView | None:
        query = select(MentionRow).where(
            MentionRow.source == source, MentionRow.external_id == external_id
        )
        with read_connection(self.engine) as conn:
            row = conn.execute(query).first()
        return _mention_view(row) if row else None

    def list_mentions(
        self,
        brand: str | None = None,
        label: str | None = None,
        source: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[MentionView]:
        """Newest first; `label` filters on the effective label (a correction wins)."""
        if label is not None and label not in LABELS:
            raise ValueError(f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
        query = select(MentionRow)
        if brand is not None:
            query = query.join(MentionBrandRow, MentionBrandRow.mention_id == MentionRow.id).where(
                MentionBrandRow.brand == brand
            )
            if label is not None:
                query = query.where(MentionBrandRow.sentiment_label == label)
            if since is not None:
                query = query.where(MentionBrandRow.created_at >= as_utc(since))
            query = query.order_by(MentionBrandRow.created_at.desc(), MentionRow.id.desc())
        else:
            if label is not None:
                query = query.where(_effective_label_column() == label)
            if since is not None:
                query = query.where(MentionRow.created_at >= as_utc(since))
            query = query.order_by(MentionRow.created_at.desc(), MentionRow.id.desc())
        if source is not None:
            query = query.where(MentionRow.source == source)
        with read_connection(self.engine) as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [_mention_view(row) for row in rows]

    def counts_by_source(self) -> dict[str, int]:
        query = select(MentionRow.source, func.count()).group_by(MentionRow.source)
        with read_connection(self.engine) as conn:
            return {source: count for source, count in conn.execute(query.order_by(MentionRow.source))}

    def correct_label(
        self,
        mention_id: int,
        label: str,
        *,
        note: str | None = None,
        corrected_by: str | None = None,
        now: datetime | None = None,
    ) -> int:
        """Record a person's label for a mention; it wins over every later rescore."""
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
        now = as_utc(now) or utcnow()
        with self.engine.begin() as conn:
            current = conn.execute(
                select(MentionRow.corrected_label, MentionRow.sentiment_label).where(
                    MentionRow.id == mention_id
                )
            ).first()
            if current is None:
                raise LookupError(f"no mention with id {mention_id}")
            correction_id = conn.execute(
                self._insert(CorrectionRow)
                .values(
                    mention_id=mention_id,
                    label=label,
                    previous_label=current.corrected_label or current.sentiment_label,
                    note=note,
                    corrected_by=_clip(corrected_by, 255),
                    created_at=now,
                )
                .returning(CorrectionRow.id)
            ).scalar_one()
            conn.execute(
                update(MentionRow).where(MentionRow.id == mention_id).values(corrected_label=label)
            )
            conn.execute(
                update(MentionBrandRow)
                .where(MentionBrandRow.mention_id == mention_id)
                .values(sentiment_label=label)
            )
        return correction_id

    def corrected_mentions(self, language: str | None = None) -> list[CorrectedMention]:
        """Every mention a person labelled (oldest first), with the scorer's current label:
        where the two differ is where the scorer errs."""
        query = select(
            MentionRow.id, MentionRow.language, MentionRow.sentiment_label,
            MentionRow.corrected_label, MentionRow.text,
        ).where(MentionRow.corrected_label.is_not(None))
        if language is not None:
            query = query.where(MentionRow.language == language)
        with read_connection(self.engine) as conn:
            return [
                CorrectedMention(row.id, row.language, row.sentiment_label, row.corrected_label,
                                 row.text)
                for row in conn.execute(query.order_by(MentionRow.id))
            ]

    # ------------------------------------------------------------------ cursors

    def get_cursor(self, source_name: str, stream: str) -> str | None:
        query = select(CursorRow.value).where(
            CursorRow.source_name == source_name, CursorRow.stream == stream
        )
        with read_connection(self.engine) as conn:
            return conn.execute(query).scalar_one_or_none()

    def set_cursor(self, source_name: str, stream: str, value: str, *, now: datetime | None = None) -> None:
        now = as_utc(now) or utcnow()
        stmt = self._insert(CursorRow).values(
            source_name=source_name, stream=stream, value=value, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[CursorRow.source_name, CursorRow.stream],
            set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    # ------------------------------------------------------------------ source runs

    def start_source_run(
        self, source_name: str, source_type: str, stream: str, *, now: datetime | None = None
    ) -> int:
        values = {
            "source_name": source_name,
            "source_type": source_type,
            "stream": stream,
            "started_at": as_utc(now) or utcnow(),
            "status": "running",
            "pages": 0,
            "items_fetched": 0,
            "mentions_stored": 0,
            "pages_skipped": 0,
            "truncated": False,
            "rate_limited_waits": 0,
            "waited_seconds": 0.0,
            "retries": 0,
        }
        with self.engine.begin() as conn:
            stmt = self._insert(SourceRunRow).values(**values).returning(SourceRunRow.id)
            return conn.execute(stmt).scalar_one()

    def finish_source_run(
        self,
        run_id: int,
        status: str,
        *,
        error: str | None = None,
        pages: int = 0,
        items_fetched: int = 0,
        mentions_stored: int = 0,
        pages_skipped: int = 0,
        truncated: bool = False,
        rate_limited_waits: int = 0,
        waited_seconds: float = 0.0,
        retries: int = 0,
        quota_remaining: int | None = None,
        now: datetime | None = None,
    ) -> None:
        if status not in ("ok", "error"):
            raise ValueError(f"source run status must be 'ok' or 'error', not {status!r}")
        stmt = (
            update(SourceRunRow)
            .where(SourceRunRow.id == run_id)
            .values(
                status=status,
                finished_at=as_utc(now) or utcnow(),
                error=error,
                pages=pages,
                items_fetched=items_fetched,
                mentions_stored=mentions_stored,
                pages_skipped=pages_skipped,
                truncated=truncated,
                rate_limited_waits=rate_limited_waits,
                waited_seconds=waited_seconds,
                retries=retries,
                quota_remaining=quota_remaining,
            )
        )
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount != 1:
                raise LookupError(f"no source run with id {run_id}")

    def latest_source_runs(self) -> list[SourceRunView]:
        """The most recent run of every (source, stream), by source name."""
        latest = (
            select(func.max(SourceRunRow.id))
            .group_by(SourceRunRow.source_name, SourceRunRow.stream)
            .scalar_subquery()
        )
        query = (
            select(SourceRunRow)
            .where(SourceRunRow.id.in_(latest))
            .order_by(SourceRunRow.source_name, SourceRunRow.stream)
        )
        with read_connection(self.engine) as conn:
            return [_source_run_view(row) for row in conn.execute(query)]

    # ------------------------------------------------------------------ alerts

    def raise_mention_alerts(
        self,
        mention_ids: Iterable[int],
        threshold: float,
        channels: Sequence[str],
        *,
        brands: Iterable[str] | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """One alert (and one pending delivery per channel) for each negative-enough mention.

        Negative enough: a person corrected it to negative, or nobody corrected it and its score
        is at or below `threshold`.  Raising again for the same mention does nothing (dedupe key
        ``mention:<id>``).  With `brands`, only mentions of those brands alert (e.g. leave out
        competitors).  Returns the ids of the alerts created now.
        """
        ids = sorted(set(mention_ids))
        if not ids:
            return []
        wanted_brands = None if brands is None else set(brands)
        now = as_utc(now) or utcnow()
        negative = or_(
            MentionRow.corrected_label == "negative",
            and_(MentionRow.corrected_label.is_(None), MentionRow.sentiment_score <= threshold),
        )
        created: list[int] = []
        with self.engine.begin() as conn:
            for chunk in _chunks(ids):
                query = select(
                    MentionRow.id, MentionRow.brands, MentionRow.sentiment_score,
                    MentionRow.sentiment_label, MentionRow.corrected_label,
                ).where(MentionRow.id.in_(chunk), negative)
                for row in conn.execute(query).all():
                    row_brands = list(row.brands or [])
                    if wanted_brands is not None:
                        row_brands = [b for b in row_brands if b in wanted_brands]
                        if not row_brands:
                            continue
                    alert_id = self._insert_alert(
                        conn,
                        kind=NEGATIVE_MENTION,
                        dedupe_key=f"mention:{row.id}",
                        payload={"brands": row_brands, "label": row.corrected_label or row.sentiment_label},
                        channels=channels,
                        brand=row_brands[0] if row_brands else None,
                        mention_id=row.id,
                        score=row.sentiment_score,
                        now=now,
                    )
                    if alert_id is not None:
                        created.append(alert_id)
        return created

    def raise_alert(
        self,
        kind: str,
        dedupe_key: str,
        payload: dict[str, Any],
        channels: Sequence[str],
        brand: str | None = None,
        mention_id: int | None = None,
        score: float | None = None,
        *,
        now: datetime | None = None,
    ) -> int | None:
        """Any other alert (source unhealthy, weekly report...); None when `dedupe_key` was raised before.

        For kinds other than negative mentions the channels render `payload["title"]`,
        `payload["text"]`, optional `payload["url"]` and `payload["fields"]` ({label: value}).
        """
        with self.engine.begin() as conn:
            return self._insert_alert(
                conn,
                kind=kind,
                dedupe_key=dedupe_key,
                payload=payload,
                channels=channels,
                brand=brand,
                mention_id=mention_id,
                score=score,
                now=as_utc(now) or utcnow(),
            )

    def _insert_alert(
        self,
        conn: Connection,
        *,
        kind: str,
        dedupe_key: str,
        payload: dict[str, Any],
        channels: Sequence[str],
        brand: str | None,
        mention_id: int | None,
        score: float | None,
        now: datetime,
    ) -> int | None:
        stmt = (
            self._insert(AlertRow)
            .values(
                kind=kind,
                dedupe_key=dedupe_key,
                mention_id=mention_id,
                brand=brand,
                score=score,
                payload=payload,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[AlertRow.dedupe_key])
            .returning(AlertRow.id)
        )
        alert_id = conn.execute(stmt).scalar_one_or_none()
        if alert_id is None:
            return None
        if channels:
            rows = [
                {
                    "alert_id": alert_id,
                    "channel": channel,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now,
                }
                for channel in dict.fromkeys(channels)
            ]
            conn.execute(
                self._insert(AlertDeliveryRow).on_conflict_do_nothing(
                    index_elements=["alert_id", "channel"]
                ),
                rows,
            )
        return alert_id

    def list_alerts(self, status: str | None = None, limit: int = 50) -> list[AlertView]:
        """Newest first, each with its deliveries; `status` keeps alerts with a delivery in it."""
        query = select(AlertRow).order_by(AlertRow.created_at.desc(), AlertRow.id.desc())
        if status is not None:
            query = query.where(
                AlertRow.id.in_(select(AlertDeliveryRow.alert_id).where(AlertDeliveryRow.status == status))
            )
        with read_connection(self.engine) as conn:
            alerts = conn.execute(query.limit(limit)).all()
            deliveries = self._deliveries_by_alert(conn, [a.id for a in alerts])
        return [_alert_view(a, deliveries.get(a.id, [])) for a in alerts]

    def get_alert(self, alert_id: int) -> AlertView | None:
        with read_connection(self.engine) as conn:
            row = conn.execute(select(AlertRow).where(AlertRow.id == alert_id)).first()
            if row is None:
                return None
            deliveries = self._deliveries_by_alert(conn, [alert_id])
        return _alert_view(row, deliveries.get(alert_id, []))

    def _deliveries_by_alert(self, conn: Connection, alert_ids: list[int]) -> dict[int, list[DeliveryView]]:
        result: dict[int, list[DeliveryView]] = {}
        for chunk in _chunks(alert_ids):
            query = (
                select(AlertDeliveryRow)
                .where(AlertDeliveryRow.alert_id.in_(chunk))
                .order_by(AlertDeliveryRow.id)
            )
            for row in conn.execute(query):
                result.setdefault(row.alert_id, []).append(_delivery_view(row))
        return result

    # ------------------------------------------------------------------ outbox

    def claim_pending_deliveries(
        self,
        now: datetime | None = None,
        limit: int = 100,
        lease_seconds: float = 300.0,
        channels: Sequence[str] | None = None,
    ) -> list[ClaimedDelivery]:
        """Lease up to `limit` due deliveries to the caller (status ``sending``).

        Due: pending or failed whose next attempt time has come, or ``sending`` whose lease ran
        out (its sender crashed between claiming and marking).  Each claim counts as an attempt,
        so a delivery that keeps crashing its sender still reaches max_attempts.
        """
        now = as_utc(now) or utcnow()
        lease_until = now + timedelta(seconds=lease_seconds)
        table = AlertDeliveryRow
        due = or_(
            and_(
                table.status.in_(("pending", "failed")),
                or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now),
            ),
            and_(table.status == "sending", table.next_attempt_at <= now),
        )
        candidates = select(table.id).where(due)
        if channels is not None:
            candidates = candidates.where(table.channel.in_(list(channels)))
        # SKIP LOCKED lets concurrent senders on PostgreSQL take disjoint rows; SQLite ignores it
        # and serialises the whole transaction instead.
        candidates = candidates.order_by(table.id).limit(limit).with_for_update(skip_locked=True)
        with self.engine.begin() as conn:
            # Two statements rather than UPDATE ... WHERE id IN (subquery LIMIT n): PostgreSQL may
            # re-run such a subquery per row and so claim more than `limit` rows.
            ids = list(conn.execute(candidates).scalars())
            if not ids:
                return []
            claim = (
                update(table)
                .where(table.id.in_(ids), due)
                .values(status="sending", next_attempt_at=lease_until, attempts=table.attempts + 1)
                .returning(table.id, table.alert_id, table.channel, table.attempts)
            )
            claimed = sorted(conn.execute(claim).all(), key=lambda row: row.id)
            alerts, mentions = self._alerts_and_mentions(conn, {row.alert_id for row in claimed})
        result = []
        for row in claimed:
            alert = alerts[row.alert_id]
            result.append(
                ClaimedDelivery(
                    id=row.id,
                    channel=row.channel,
                    attempts=row.attempts,
                    lease_until=lease_until,
                    alert=alert,
                    mention=mentions.get(alert.mention_id) if alert.mention_id else None,
                )
            )
        return result

    def _alerts_and_mentions(
        self, conn: Connection, alert_ids: set[int]
    ) -> tuple[dict[int, AlertView], dict[int, MentionView]]:
        if not alert_ids:
            return {}, {}
        alerts = {
            row.id: _alert_view(row, [])
            for row in conn.execute(select(AlertRow).where(AlertRow.id.in_(sorted(alert_ids))))
        }
        mention_ids = sorted({a.mention_id for a in alerts.values() if a.mention_id is not None})
        mentions = {}
        if mention_ids:
            for row in conn.execute(select(MentionRow).where(MentionRow.id.in_(mention_ids))):
                mentions[row.id] = _mention_view(row)
        return alerts, mentions

    def mark_delivered(self, delivery_id: int, *, now: datetime | None = None) -> bool:
        """Record a successful send; from then on the delivery is never claimed again."""
        stmt = (
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id == delivery_id, AlertDeliveryRow.status == "sending")
            .values(status="sent", sent_at=as_utc(now) or utcnow(), next_attempt_at=None, last_error=None)
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def mark_failed(self, delivery_id: int, error: str, next_attempt_at: datetime | None) -> bool:
        """Record a failed send, due again at `next_attempt_at`; None means give up (status ``dead``)."""
        stmt = (
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id == delivery_id, AlertDeliveryRow.status == "sending")
            .values(
                status="failed" if next_attempt_at is not None else "dead",
                last_error=error[:2000],
                next_attempt_at=as_utc(next_attempt_at),
            )
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def delivery_status_counts(self, channels: Sequence[str] | None = None) -> dict[str, int]:
        query = select(AlertDeliveryRow.status, func.count()).group_by(AlertDeliveryRow.status)
        if channels is not None:
            query = query.where(AlertDeliveryRow.channel.in_(list(channels)))
        with read_connection(self.engine) as conn:
            return {status: count for status, count in conn.execute(query)}

    def list_deliveries(self, status: str | None = None, limit: int = 100) -> list[DeliveryView]:
        query = select(AlertDeliveryRow).order_by(AlertDeliveryRow.id.desc()).limit(limit)
        if status is not None:
            query = query.where(AlertDeliveryRow.status == status)
        with read_connection(self.engine) as conn:
            return [_delivery_view(row) for row in conn.execute(query)]


# ---------------------------------------------------------------------- helpers


def _merge_duplicates(mentions: Sequence[Mention]) -> dict[Key, Mention]:
    """One mention per (source, external_id): the last one wins, brands are united.

    ON CONFLICT DO UPDATE cannot touch the same row twice in one statement, so a batch that
    contains a post twice (found by two queries) must be merged first.
    """
    merged: dict[Key, Mention] = {}
    for mention in mentions:
        _validate(mention)
        key = (mention.source, mention.external_id)
        previous = merged.get(key)
        if previous is not None:
            brands = list(dict.fromkeys([*previous.brands, *mention.brands]))
            mention = _replace_brands(mention, brands)
        merged[key] = mention
    return merged


def _replace_brands(mention: Mention, brands: list[str]) -> Mention:
    from dataclasses import replace

    return replace(mention, brands=brands)


def _validate(mention: Mention) -> None:
    where = f"mention {mention.source}:{mention.external_id}"
    if not mention.source or len(mention.source) > 32:
        raise ValueError(f"{where}: source must be 1 to 32 characters")
    if not mention.external_id or len(mention.external_id) > 255:
        raise ValueError(f"{where}: external_id must be 1 to 255 characters")
    if mention.text is None:
        raise ValueError(f"{where}: text is missing")
    if mention.sentiment_label is not None and mention.sentiment_label not in LABELS:
        raise ValueError(f"{where}: unknown sentiment label {mention.sentiment_label!r}")
    for brand in mention.brands:
        if not brand or len(brand) > 100:
            raise ValueError(f"{where}: brand names must be 1 to 100 characters, got {brand!r}")


def _mention_values(mention: Mention, now: datetime) -> dict[str, Any]:
    return {
        "source": mention.source,
        "external_id": mention.external_id,
        "source_name": _clip(mention.source_name, 100),
        "url": mention.url,
        "author_handle": _clip(mention.author.handle, 255),
        "author_name": _clip(mention.author.display_name, 255),
        "author_followers": mention.author.followers,
        "title": mention.title,
        "text": mention.text,
        "language": _clip(mention.language, 16),
        "created_at": mention.created_at,
        "likes": mention.engagement.likes,
        "replies": mention.engagement.replies,
        "shares": mention.engagement.shares,
        "score": mention.engagement.score,
        "rating": mention.rating,
        "brands": list(dict.fromkeys(mention.brands)),
        "sentiment_label": mention.sentiment_label,
        "sentiment_score": mention.sentiment_score,
        "sentiment_reasons": list(mention.sentiment_reasons),
        "raw": mention.raw,
        "first_response_at": mention.replied_at,
        "first_seen_at": now,
        "last_seen_at": now,
    }


_DATETIME_FIELDS = {"created_at", "first_seen_at", "last_seen_at", "finished_at", "started_at",
                    "next_attempt_at", "sent_at"}


def _view(cls, row: Any, **extra: Any):  # noqa: ANN001, ANN202
    mapping = row._mapping
    values = {}
    for f in fields(cls):
        if f.name in extra:
            continue
        value = mapping[f.name]
        values[f.name] = as_utc(value) if f.name in _DATETIME_FIELDS else value
    return cls(**values, **extra)


def _mention_view(row: Any) -> MentionView:
    view = _view(MentionView, row)
    return view


def _alert_view(row: Any, deliveries: list[DeliveryView]) -> AlertView:
    return _view(AlertView, row, deliveries=deliveries)


def _delivery_view(row: Any) -> DeliveryView:
    return _view(DeliveryView, row)


def _source_run_view(row: Any) -> SourceRunView:
    return _view(SourceRunView, row)
