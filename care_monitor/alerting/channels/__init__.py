"""Alert channels: one module per kind, each turning an `AlertMessage` into one send."""

from __future__ import annotations

from care_monitor.alerting.channels.base import DeliveryError, Sender
from care_monitor.config import EmailChannel, SlackChannel, WebhookChannel


def build_sender(channel: SlackChannel | EmailChannel | WebhookChannel) -> Sender:
    from care_monitor.alerting.channels.email import EmailSender
    from care_monitor.alerting.channels.slack import SlackSender
    from care_monitor.alerting.channels.webhook import WebhookSender

    if isinstance(channel, SlackChannel):
        return SlackSender(channel)
    if isinstance(channel, EmailChannel):
        return EmailSender(channel)
    if isinstance(channel, WebhookChannel):
        return WebhookSender(channel)
    raise TypeError(f"unknown channel type {type(channel).__name__}")


__all__ = ["DeliveryError", "Sender", "build_sender"]
