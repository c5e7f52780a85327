"""RSS and Atom feeds, Google Alerts feeds included, parsed with feedparser.

One stream per configured feed URL (a relative path is joined to `base_url`, for the
replay server). Feeds have no pagination. The cursor is the newest entry time; an entry
without a date is always passed on and deduplicated by its id when stored. Google Alerts
titles are HTML and links are Google redirects: the real article URL is unwrapped from
the redirect's `url=` parameter.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from datetime import datetime, timezone
from typing import Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
from pydantic import Field

from care_monitor.mention import Author, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import MalformedResponse, SourceError
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import time_cursor
from care_monitor.text import html_to_text

GOOGLE_REDIRECT_HOSTS = {"www.google.com", "google.com"}


class RssParams(SourceParams):
    feeds: list[str] = Field(min_length=1)


@register
class RssSource(Source):
    type: ClassVar[str] = "rss"
    platform: ClassVar[str] = "rss"
    inclusive_cursor: ClassVar[bool] = True  # whole-second times
    default_base_url: ClassVar[str] = ""
    params_model = RssParams
    params: RssParams

    def streams(self) -> list[str]:
        return list(self.params.feeds)

    def feed_url(self, feed: str) -> str:
        if urlsplit(feed).scheme:
            return feed
        if not self.base_url:
            raise SourceError(
                f"{self.name}: feed {feed!r} is a relative URL but no base_url is set"
            )
        return urljoin(self.base_url + "/", feed.lstrip("/"))

    def first_request(self, stream: str, cursor: str | None) -> Request:
        return Request(self.feed_url(stream))

    def next_request(
        self, stream: str, request: Request, response: HttpResponse, mentions: list[Mention]
    ) -> Request | None:
        return None

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        parsed = feedparser.parse(
            response.content or response.text.encode("utf-8"),
            response_headers={
                "content-type": response.headers.get("Content-Type", "application/xml"),
                "content-location": response.url,
            },
        )
        if parsed.bozo and not parsed.entries:
            problem = getattr(parsed, "bozo_exception", None) or "no entries"
            raise MalformedResponse(
                f"{self.name}: page 1 of {stream!r} is not a readable RSS/Atom feed: {problem}"
            )
        fallback = _entry_time(parsed.feed) or datetime.now(timezone.utc)
        language = parsed.feed.get("language")
        mentions = [self.parse_entry(stream, e, fallback, language) for e in parsed.entries]
        return sorted(mentions, key=lambda m: m.created_at, reverse=True)

    def parse_entry(
        self, stream: str, entry: Any, fallback: datetime, language: str | None
    ) -> Mention:
        published = _entry_time(entry)
        link = unwrap_google_redirect(entry.get("link") or "") or None
        body = entry["content"][0]["value"] if entry.get("content") else entry.get("summary")
        author = entry.get("author")
        return Mention(
            source=self.platform,
            external_id=self.entry_id(stream, entry, link),
            url=urljoin(self.feed_url(stream), link) if link else None,
            text=html_to_text(body),
            title=html_to_text(entry.get("title")) or None,
            language=language,
            created_at=published or fallback,
            author=Author(handle=author, display_name=author) if author else Author(),
            raw=json_safe(dict(entry)),
            replication_value=time_cursor(published) if published else None,
        )

    @staticmethod
    def entry_id(stream: str, entry: Any, link: str | None) -> str:
        """The entry's id/guid; ids that are not URIs are qualified by the feed."""
        entry_id = entry.get("id") or link
        if not entry_id:
            digest = hashlib.sha256((entry.get("title") or "").encode("utf-8")).hexdigest()[:16]
            entry_id = f"sha256:{digest}"
        return entry_id if ":" in entry_id else f"{stream}#{entry_id}"


def unwrap_google_redirect(link: str) -> str:
    """`https://www.google.com/url?...&url=<real>&...` -> `<real>`; other links unchanged."""
    parts = urlsplit(link)
    if parts.hostname in GOOGLE_REDIRECT_HOSTS and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target and urlsplit(target[0]).scheme in ("http", "https"):
            return target[0]
    return link


def _entry_time(entry: Any) -> datetime | None:
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if not moment:
        return None
    return datetime.fromtimestamp(calendar.timegm(moment), timezone.utc)


def json_safe(value: Any) -> Any:
    """feedparser's entry as plain JSON types (its times are struct_time tuples)."""
    if isinstance(value, time.struct_time):
        return datetime.fromtimestamp(calendar.timegm(value), timezone.utc).isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
