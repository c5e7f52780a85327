"""Generic JSON webhook: the alert and its mention as JSON, with an Idempotency-Key header.

The key is the delivery id: if the process dies after the receiver got the request but before
the outbox recorded it, the re-send carries the same key so the receiver can drop it.
"""

from __future__ import annotations

from typing import Any

from care_monitor.alerting.channels.base import DeliveryError, post_json
from care_monitor.alerting.message import AlertMessage
from care_monitor.config import WebhookChannel
from care_monitor.secrets import SecretError, resolve_secret

IDEMPOTENCY_HEADER = "Idempotency-Key"


class WebhookSender:
    def __init__(self, channel: WebhookChannel) -> None:
        self.channel = channel
        self.name = channel.name

    def _url(self) -> str:
        if isinstance(self.channel.url, str):
            return self.channel.url
        try:
            return resolve_secret(self.channel.url)
        except SecretError as error:
            raise DeliveryError(f"webhook {self.name}: {error}") from None

    def send(self, message: AlertMessage) -> None:
        post_json(
            self._url(),
            webhook_payload(message),
            what=f"webhook {self.name}",
            timeout=self.channel.timeout,
            headers={IDEMPOTENCY_HEADER: str(message.delivery_id)},
        )


def webhook_payload(message: AlertMessage) -> dict[str, Any]:
    """Raw values (JSON-encoded, not HTML/mrkdwn-escaped: the receiver escapes for its display)."""
    return {
        "delivery_id": message.delivery_id,
        "alert": {
            "id": message.alert_id,
            "kind": message.kind,
            "title": message.title,
            "text": message.text if message.kind != "negative_mention" else None,
            "brand": message.brand,
            "score": message.score,
            "label": message.label,
            "reasons": message.reasons,
            "fields": message.fields,
        },
        "mention": {
            "text": message.text,
            "url": message.url,
            "author_handle": message.author_handle,
            "author_name": message.author_name,
            "author_followers": message.followers,
            "source": message.source,
            "created_at": message.created_at.isoformat() if message.created_at else None,
        }
        if message.kind == "negative_mention"
        else None,
    }
