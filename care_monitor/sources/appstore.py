"""Apple App Store customer reviews: the public per-country JSON feed (no key).

`{base}/{country}/rss/customerreviews/page={1..10}/id={app}/sortby=mostrecent/json` holds about
the 500 newest reviews per country; each (app, country) pair is one stream. The feed is an
RSS-to-JSON conversion with its quirks: every value sits under `label`, the star rating is a
string, `entry` is a single object when a page has one review and is absent when it has none,
and older captures have no `updated` field (the review id, which grows over time, is the
cursor either way).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, ClassVar

from pydantic import Field

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import MalformedResponse
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import parse_iso

LAST_PAGE = 10  # the feed stops at page 10
_PAGE_IN_URL = re.compile(r"/page=(\d+)/")


class AppStoreParams(SourceParams):
    apps: list[str] = Field(min_length=1, description="numeric App Store ids (id123456789)")
    countries: list[str] = Field(default_factory=lambda: ["us"], min_length=1)


@register
class AppStoreSource(Source):
    type: ClassVar[str] = "appstore"
    platform: ClassVar[str] = "appstore"
    default_base_url: ClassVar[str] = "https://itunes.apple.com"
    params_model = AppStoreParams
    params: AppStoreParams

    def streams(self) -> list[str]:
        return [f"{app.removeprefix('id')}:{country.lower()}"
                for app in self.params.apps for country in self.params.countries]

    def _page_url(self, stream: str, page: int) -> str:
        app, country = stream.split(":")
        return (f"{self.base_url}/{country}/rss/customerreviews/page={page}/id={app}"
                "/sortby=mostrecent/json")

    def first_request(self, stream: str, cursor: str | None) -> Request:
        return Request(self._page_url(stream, 1))

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        page = int(_PAGE_IN_URL.search(request.url).group(1)) + 1  # type: ignore[union-attr]
        if page > LAST_PAGE:
            return None
        return Request(self._page_url(stream, page))

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        feed = response.json()["feed"]
        if not isinstance(feed, dict):
            raise MalformedResponse(f"{self.name}: 'feed' of {stream!r} is not an object")
        entries = feed.get("entry", [])
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list):
            raise MalformedResponse(f"{self.name}: 'feed.entry' of {stream!r} is not a list")
        country = stream.split(":")[1]
        fetched_at = datetime.now(timezone.utc)
        # Older feeds open page 1 with the app itself: an entry without a rating.
        return [self.parse_entry(e, country, fetched_at) for e in entries if "im:rating" in e]

    def parse_entry(self, entry: dict[str, Any], country: str, fetched_at: datetime) -> Mention:
        review_id = _label(entry["id"])
        if not review_id.isdigit():
            raise ValueError(f"review id {review_id!r} is not numeric")
        rating = int(_label(entry["im:rating"]))
        if not 1 <= rating <= 5:
            raise ValueError(f"rating {rating} of review {review_id} is not 1-5")
        updated = entry.get("updated")
        created = parse_iso(_label(updated)) if updated else fetched_at
        author = entry.get("author") or {}
        link = entry.get("link") or {}
        if isinstance(link, list):
            link = link[0] if link else {}
        return Mention(
            source=self.platform,
            external_id=review_id,
            url=(link.get("attributes") or {}).get("href"),
            title=_label(entry.get("title")) or None,
            text=_label(entry.get("content")),
            created_at=created,
            author=Author(handle=_label(author.get("uri")) or None,
                          display_name=_label(author.get("name")) or None),
            engagement=Engagement(likes=_int(entry.get("im:voteSum")),
                                  score=_int(entry.get("im:voteCount"))),
            rating=rating,
            raw={**entry, "country": country, "app_version": _label(entry.get("im:version"))},
            replication_value=review_id,
        )


def _label(node: Any) -> str:
    """`{"label": "x"}` -> "x"; absent -> ""."""
    if node is None:
        return ""
    value = node["label"]
    if not isinstance(value, str):
        raise TypeError(f"label {value!r} is not a string")
    return value


def _int(node: Any) -> int | None:
    value = _label(node)
    return int(value) if value else None
