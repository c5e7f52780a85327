"""Draining the alert outbox: each due alert × channel is claimed, sent and marked.

Delivery is at-least-once, made as close to exactly-once as the channel allows:
- a delivery is marked ``sent`` only after the channel accepted it, and a ``sent`` row is never
  claimed again, so a success is never repeated by a later run;
- a channel error (non-2xx, timeout, SMTP error) marks it ``failed`` with a next attempt time
  and it is retried by a later run, until `max_attempts` tries make it ``dead`` (kept, listed);
- if the process dies between the channel accepting and the row being marked, the lease runs
  out and the delivery is sent again.  That window cannot be closed from our side alone, so the
  re-send carries the same identity (webhook ``Idempotency-Key``, e-mail ``Message-ID``) for the
  receiver to drop the duplicate.  Slack incoming webhooks offer no such key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from care_monitor.alerting.channels import DeliveryError, Sender, build_sender
from care_monitor.alerting.message import build_message
from care_monitor.alerting.rules import next_attempt_at
from care_monitor.config import AlertsConfig, EmailChannel, SlackChannel, WebhookChannel
from care_monitor.storage.repository import OPEN_DELIVERY_STATUSES, Storage
from care_monitor.storage.views import ClaimedDelivery, utcnow

log = logging.getLogger(__name__)

ChannelConfig = SlackChannel | EmailChannel | WebhookChannel
DEFAULT_LEASE_SECONDS = 300.0  # longer than any channel's timeout
DEFAULT_MAX_ATTEMPTS = 20


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # failed this run (including those given up)
    pending: int = 0  # still to deliver after this run, on the configured channels
    dead: int = 0  # given up this run after max_attempts
    errors: list[str] = field(default_factory=list)


def deliver_pending(
    storage: Storage,
    channels: Sequence[ChannelConfig],
    *,
    now: datetime | None = None,
    limit: int = 100,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    senders: Mapping[str, Sender] | None = None,
) -> DeliveryReport:
    """Send up to `limit` due deliveries once each; a channel's failure never stops the others.

    `senders` overrides the sender built from a channel's config (tests, custom channels).
    Deliveries for channels that are not configured stay pending.
    """
    report = DeliveryReport()
    by_name = {c.name: (senders or {}).get(c.name) or build_sender(c) for c in channels}
    for name, sender in (senders or {}).items():
        by_name.setdefault(name, sender)
    if not by_name:
        return report
    claimed = storage.claim_pending_deliveries(
        now=now, limit=limit, lease_seconds=lease_seconds, channels=list(by_name)
    )
    for delivery in claimed:
        _deliver_one(storage, by_name[delivery.channel], delivery, max_attempts, now, report)
    counts = storage.delivery_status_counts(channels=list(by_name))
    report.pending = sum(counts.get(status, 0) for status in OPEN_DELIVERY_STATUSES)
    return report


def _deliver_one(
    storage: Storage,
    sender: Sender,
    delivery: ClaimedDelivery,
    max_attempts: int,
    now: datetime | None,
    report: DeliveryReport,
) -> None:
    where = f"delivery {delivery.id} (alert {delivery.alert.id}) to {delivery.channel}"
    if delivery.attempts > max_attempts:
        # Its sender kept dying before it could record an outcome (e.g. a message that crashes it).
        _fail(storage, delivery, f"{where}: gave up after {max_attempts} attempts", None, report)
        return
    try:
        sender.send(build_message(delivery))
    except DeliveryError as error:
        retry_at = next_attempt_at(now or utcnow(), delivery.attempts, max_attempts)
        _fail(storage, delivery, str(error), retry_at, report)
        return
    except Exception as error:  # noqa: BLE001 - a bug in one channel must not block the others
        log.exception("%s: unexpected error", where)
        retry_at = next_attempt_at(now or utcnow(), delivery.attempts, max_attempts)
        _fail(storage, delivery, f"unexpected {type(error).__name__}", retry_at, report)
        return
    if storage.mark_delivered(delivery.id):
        report.sent += 1
        log.info("%s: sent", where)
    else:
        # The lease ran out while sending and another worker took it over; it will record it.
        log.warning("%s: sent, but the lease had been taken over", where)
        report.sent += 1


def _fail(
    storage: Storage,
    delivery: ClaimedDelivery,
    error: str,
    retry_at: datetime | None,
    report: DeliveryReport,
) -> None:
    storage.mark_failed(delivery.id, error, retry_at)
    report.failed += 1
    report.errors.append(error)
    if retry_at is None:
        report.dead += 1
        log.error("delivery %s to %s failed for good: %s", delivery.id, delivery.channel, error)
    else:
        log.warning("delivery %s to %s failed (attempt %s): %s", delivery.id, delivery.channel,
                    delivery.attempts, error)


def deliver_configured(storage: Storage, alerts: AlertsConfig, **kwargs: Any) -> DeliveryReport:
    """Drain the outbox on the configured channels with the configured retry bound."""
    kwargs.setdefault("max_attempts", alerts.max_attempts)
    return deliver_pending(storage, list(alerts.channels), **kwargs)
