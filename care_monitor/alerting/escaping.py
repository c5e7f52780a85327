"""Making untrusted post text safe for each channel (Slack mrkdwn, HTML, e-mail headers).

Post text, author names and reasons come from strangers on the internet: they must not be able
to ping a whole Slack channel, inject links or formatting, or add e-mail headers.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

ZERO_WIDTH_JOINER = "\u200d"
ELLIPSIS = "\u2026"

# Slack's broadcast words; "@\u200dchannel" reads the same but is not a mention.
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
# mrkdwn has no escape character for these, so they become look-alikes that do not format.
_MRKDWN_MARKERS = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")
_SPACES = re.compile(r"[ \t]+")


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def clean_text(text: str | None) -> str:
    """Normalised Unicode without control or bidi-override characters; newlines kept."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def single_line(text: str | None) -> str:
    return _SPACES.sub(" ", _LINE_BREAKS.sub(" ", clean_text(text))).strip()


# ---------------------------------------------------------------------- Slack


def slack_mrkdwn(text: str | None) -> str:
    """Untrusted text as inert Slack mrkdwn: no mentions, links, broadcasts or formatting."""
    text = clean_text(text)
    # Slack's own rule: &, < and > are the only characters to escape; with them escaped
    # `<!channel>`, `<@U123>` and `<http://x|click>` are shown as text.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BROADCAST.sub(lambda m: "@" + ZERO_WIDTH_JOINER + m.group(1), text)
    return text.translate(_MRKDWN_MARKERS)


def slack_plain(text: str | None, limit: int | None = None) -> str:
    """Untrusted text for a `plain_text` object (headers): one line, no broadcasts."""
    text = single_line(text)
    if limit is not None:
        text = truncate(text, limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + ZERO_WIDTH_JOINER + m.group(1), text)


def slack_quote(text: str | None, limit: int) -> str:
    """An excerpt as a mrkdwn block quote (every line prefixed with '>')."""
    excerpt = truncate(clean_text(text), limit)
    lines = [slack_mrkdwn(line) for line in excerpt.split("\n") if line.strip()]
    return "\n".join(f">{line}" for line in lines) or ">(no text)"


# ---------------------------------------------------------------------- links, HTML, e-mail


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None (no javascript:, data:, mailto:...)."""
    if not url:
        return None
    url = url.strip()
    if _CONTROL.search(url) or any(c.isspace() for c in url) or len(url) > 2000:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def html_text(text: str | None) -> str:
    """Untrusted text as HTML, line breaks kept."""
    return html.escape(clean_text(text), quote=True).replace("\n", "<br>\n")


def html_attr(value: str) -> str:
    return html.escape(value, quote=True)


def email_header(text: str | None, limit: int = 150) -> str:
    """Untrusted text for a header such as Subject: one line, so no header can be injected."""
    return truncate(single_line(text), limit)
