"""What an alert says, independent of the channel; channels escape these fields themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from care_monitor.storage.repository import NEGATIVE_MENTION
from care_monitor.storage.views import ClaimedDelivery


@dataclass(frozen=True)
class AlertMessage:
    """Every field holds raw (untrusted) text."""

    delivery_id: int
    alert_id: int
    kind: str
    title: str
    text: str
    brand: str | None = None
    url: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    followers: int | None = None
    score: float | None = None
    label: str | None = None
    reasons: list[str] = field(default_factory=list)
    source: str | None = None
    created_at: datetime | None = None
    fields: dict[str, str] = field(default_factory=dict)
    # A complete e-mail prepared by whoever raised the alert (the weekly report):
    # {"subject", "text", "html", "images": {content_id: base64 PNG}}; e-mail channels send it as is.
    prepared_email: dict | None = None

    @property
    def author(self) -> str | None:
        if self.author_handle and self.author_name and self.author_name != self.author_handle:
            return f"{self.author_name} (@{self.author_handle.lstrip('@')})"
        if self.author_handle:
            return f"@{self.author_handle.lstrip('@')}"
        return self.author_name

    @property
    def explanation(self) -> str | None:
        """"negative (-0.72): cancelled, nobody helps" — the score and what drove it."""
        if self.label is None and self.score is None:
            return None
        parts = [self.label or "unlabelled"]
        if self.score is not None:
            parts.append(f"({self.score:+.2f})")
        text = " ".join(parts)
        if self.reasons:
            text += ": " + ", ".join(self.reasons[:5])
        return text


def build_message(delivery: ClaimedDelivery) -> AlertMessage:
    alert, mention = delivery.alert, delivery.mention
    if alert.kind == NEGATIVE_MENTION and mention is not None:
        return AlertMessage(
            delivery_id=delivery.id,
            alert_id=alert.id,
            kind=alert.kind,
            title=f"Negative mention of {alert.brand or 'your brand'} on {mention.source}",
            text=mention.title + "\n" + mention.text if mention.title else mention.text,
            brand=alert.brand,
            url=mention.url,
            author_handle=mention.author_handle,
            author_name=mention.author_name,
            followers=mention.author_followers,
            score=mention.sentiment_score,
            label=mention.effective_label,
            reasons=list(mention.sentiment_reasons or []),
            source=mention.source_name or mention.source,
            created_at=mention.created_at,
        )
    payload = alert.payload or {}
    raw_fields = payload.get("fields") or {}
    return AlertMessage(
        delivery_id=delivery.id,
        alert_id=alert.id,
        kind=alert.kind,
        title=str(payload.get("title") or alert.kind.replace("_", " ")),
        text=str(payload.get("text") or ""),
        brand=alert.brand,
        url=payload.get("url"),
        score=alert.score,
        created_at=alert.created_at,
        fields={str(k): str(v) for k, v in raw_fields.items()} if isinstance(raw_fields, dict) else {},
        prepared_email=payload.get("email") if isinstance(payload.get("email"), dict) else None,
    )
