"""E-mail over SMTP: a plain-text and an HTML part, every untrusted value escaped."""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from care_monitor.alerting.channels.base import DeliveryError
from care_monitor.alerting.escaping import (
    email_header,
    html_attr,
    html_text,
    safe_url,
    truncate,
)
from care_monitor.alerting.message import AlertMessage
from care_monitor.config import EmailChannel
from care_monitor.secrets import SecretError, resolve_secret

EXCERPT_CHARS = 1500
TIMEOUT_SECONDS = 20.0
DELIVERY_HEADER = "X-Care-Monitor-Delivery"


class EmailSender:
    def __init__(self, channel: EmailChannel) -> None:
        self.channel = channel
        self.name = channel.name

    def send(self, message: AlertMessage) -> None:
        try:
            if message.prepared_email:
                email = build_prepared_email(message.prepared_email, self.channel, message.delivery_id)
            else:
                email = build_email(message, self.channel)
        except (ValueError, KeyError, TypeError) as error:  # e.g. a line break in a configured address
            raise DeliveryError(f"email {self.name}: cannot build the message: {error}") from None
        try:
            with self._connect() as smtp:
                self._login(smtp)
                smtp.send_message(email)
        except SecretError as error:
            raise DeliveryError(f"email {self.name}: {error}") from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"email {self.name}: SMTP {error.smtp_code} {_decode(error.smtp_error)}") from None
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"email {self.name}: recipients refused: {', '.join(error.recipients)}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"email {self.name}: {type(error).__name__}: {error}") from None

    def _connect(self) -> smtplib.SMTP:
        host, port = self.channel.smtp_host, self.channel.smtp_port
        context = ssl.create_default_context()
        if self.channel.use_ssl:
            return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if self.channel.starttls:
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        if self.channel.username is None and self.channel.password is None:
            return
        if self.channel.username is None or self.channel.password is None:
            raise DeliveryError(f"email {self.name}: give both username and password, or neither")
        smtp.login(resolve_secret(self.channel.username), resolve_secret(self.channel.password))


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def build_prepared_email(part: dict, channel: EmailChannel, delivery_id: int) -> EmailMessage:
    """multipart/alternative: plain text, then HTML with its images as related inline parts.

    The HTML was escaped by whoever prepared it (the report renderer autoescapes); only the
    headers are made safe here.
    """
    email = EmailMessage()
    email["Subject"] = email_header(part["subject"])
    _address(email, channel, delivery_id)
    email.set_content(part["text"])
    email.add_alternative(part["html"], subtype="html")
    html = email.get_payload()[1]
    for content_id, encoded in (part.get("images") or {}).items():
        html.add_related(
            base64.b64decode(encoded), maintype="image", subtype="png",
            cid=f"<{content_id}>", filename=content_id.split("@")[0] + ".png", disposition="inline",
        )
    return email


def _address(email: EmailMessage, channel: EmailChannel, delivery_id: int) -> None:
    email["From"] = channel.sender
    email["To"] = ", ".join(channel.recipients)
    email["Date"] = formatdate(localtime=False)
    # A stable id per delivery: a re-send after a crash is recognisable as the same message.
    email["Message-ID"] = make_msgid(idstring=f"delivery-{delivery_id}", domain="care-monitor")
    email[DELIVERY_HEADER] = str(delivery_id)


def build_email(message: AlertMessage, channel: EmailChannel) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = email_header(f"[care-monitor] {message.title}")
    _address(email, channel, message.delivery_id)
    email.set_content(plain_body(message))
    email.add_alternative(html_body(message), subtype="html")
    return email


def _rows(message: AlertMessage) -> list[tuple[str, str]]:
    rows = []
    if message.author:
        reach = f" · {message.followers:,} followers" if message.followers is not None else ""
        rows.append(("Author", message.author + reach))
    if message.explanation:
        rows.append(("Sentiment", message.explanation))
    if message.source:
        rows.append(("Source", message.source))
    if message.brand:
        rows.append(("Brand", message.brand))
    if message.created_at:
        rows.append(("Posted", f"{message.created_at:%Y-%m-%d %H:%M} UTC"))
    rows.extend(message.fields.items())
    return rows


def plain_body(message: AlertMessage) -> str:
    lines = [message.title, ""]
    if message.text:
        lines += [truncate(message.text, EXCERPT_CHARS), ""]
    lines += [f"{label}: {value}" for label, value in _rows(message)]
    link = safe_url(message.url)
    if link:
        lines += ["", link]
    return "\n".join(lines) + "\n"


def html_body(message: AlertMessage) -> str:
    rows = "".join(
        f'<tr><th align="left" style="padding:2px 12px 2px 0;color:#555">{html_text(label)}</th>'
        f"<td>{html_text(value)}</td></tr>"
        for label, value in _rows(message)
    )
    link = safe_url(message.url)
    button = (
        f'<p><a href="{html_attr(link)}" style="color:#1a5fb4">Open the post</a></p>' if link else ""
    )
    excerpt = (
        '<blockquote style="margin:12px 0;padding:8px 12px;border-left:4px solid #c01c28;'
        f'background:#f6f5f4">{html_text(truncate(message.text, EXCERPT_CHARS))}</blockquote>'
        if message.text
        else ""
    )
    return (
        '<!DOCTYPE html><html><body style="font-family:Arial,sans-serif;font-size:14px;color:#222">'
        f'<h2 style="font-size:18px">{html_text(message.title)}</h2>'
        f"{excerpt}<table>{rows}</table>{button}</body></html>"
    )
