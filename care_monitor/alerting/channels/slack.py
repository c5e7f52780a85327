"""Slack incoming webhook with Block Kit: header, excerpt, author and reach, score, source, link."""

from __future__ import annotations

from typing import Any

from care_monitor.alerting.channels.base import post_json
from care_monitor.alerting.escaping import safe_url, slack_mrkdwn, slack_plain, slack_quote
from care_monitor.alerting.message import AlertMessage
from care_monitor.config import SlackChannel
from care_monitor.secrets import SecretError, resolve_secret

EXCERPT_CHARS = 500
HEADER_CHARS = 150  # Block Kit's limit for a header's text
TIMEOUT_SECONDS = 10.0


class SlackSender:
    def __init__(self, channel: SlackChannel) -> None:
        self.channel = channel
        self.name = channel.name

    def send(self, message: AlertMessage) -> None:
        from care_monitor.alerting.channels.base import DeliveryError

        try:
            url = resolve_secret(self.channel.webhook_url)
        except SecretError as error:
            raise DeliveryError(f"slack {self.name}: {error}") from None
        post_json(url, slack_payload(message), what=f"slack {self.name}", timeout=TIMEOUT_SECONDS)


def slack_payload(message: AlertMessage) -> dict[str, Any]:
    """The webhook body; every piece of post-derived text is escaped."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": slack_plain(message.title, HEADER_CHARS)}},
    ]
    if message.text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": slack_quote(message.text, EXCERPT_CHARS)}})
    facts = _facts(message)
    if facts:
        blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in facts[:10]]})
    link = safe_url(message.url)
    if link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open the post"},
                        "url": link,
                        "action_id": f"open-{message.delivery_id}",
                    }
                ],
            }
        )
    return {
        # the notification text (also what clients without Block Kit show)
        "text": slack_plain(message.title, HEADER_CHARS),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _facts(message: AlertMessage) -> list[str]:
    facts = []
    if message.author:
        reach = f" · {message.followers:,} followers" if message.followers is not None else ""
        facts.append(f"*Author*\n{slack_mrkdwn(message.author)}{reach}")
    if message.explanation:
        facts.append(f"*Sentiment*\n{slack_mrkdwn(message.explanation)}")
    if message.source:
        facts.append(f"*Source*\n{slack_mrkdwn(message.source)}")
    if message.brand:
        facts.append(f"*Brand*\n{slack_mrkdwn(message.brand)}")
    if message.created_at:
        facts.append(f"*Posted*\n{message.created_at:%Y-%m-%d %H:%M} UTC")
    for label, value in message.fields.items():
        facts.append(f"*{slack_mrkdwn(label)}*\n{slack_mrkdwn(value)}")
    return facts
