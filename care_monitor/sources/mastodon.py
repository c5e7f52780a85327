"""Mastodon: hashtag timelines and public status search on one (configurable) instance.

Streams are `#<tag>` (`/api/v1/timelines/tag/<tag>`, narrowed by `since_id`, older pages
through the `Link` header's `next`) and `search:<terms>` (`/api/v2/search?type=statuses`,
one page: `offset` and `resolve` need a logged-in account). The cursor is the newest status
id on this instance; the mention's external id is the status `uri`, the same on every
instance, so a post seen through two instances is stored once.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import SourceError
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import parse_iso
from care_monitor.text import html_to_text

TAG_PREFIX = "#"
SEARCH_PREFIX = "search:"


class MastodonParams(SourceParams):
    hashtags: list[str] = Field(default_factory=list)
    search: list[str] = Field(default_factory=list)
    limit: int = Field(default=40, gt=0, le=40)
    local: bool = False


@register
class MastodonSource(Source):
    type: ClassVar[str] = "mastodon"
    platform: ClassVar[str] = "mastodon"
    default_base_url: ClassVar[str] = "https://mastodon.social"
    params_model = MastodonParams
    params: MastodonParams

    def streams(self) -> list[str]:
        return [f"{TAG_PREFIX}{t.lstrip('#')}" for t in self.params.hashtags] + [
            f"{SEARCH_PREFIX}{q}" for q in self.params.search
        ]

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"limit": self.params.limit}
        if stream.startswith(TAG_PREFIX):
            if self.params.local:
                params["local"] = "true"
            if cursor:
                params["since_id"] = cursor
            tag = quote(stream.removeprefix(TAG_PREFIX), safe="")
            return Request(f"{self.base_url}/api/v1/timelines/tag/{tag}", params)
        if stream.startswith(SEARCH_PREFIX):
            params.update(q=stream.removeprefix(SEARCH_PREFIX), type="statuses")
            return Request(f"{self.base_url}/api/v2/search", params)
        raise SourceError(f"{self.name}: unknown stream {stream!r}")

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        body = response.json()
        statuses = body["statuses"] if stream.startswith(SEARCH_PREFIX) else body
        if not isinstance(statuses, list):
            raise TypeError(f"expected a list of statuses, got {type(statuses).__name__}")
        return [self.parse_status(status) for status in statuses]

    def next_request(
        self, stream: str, request: Request, response: HttpResponse, mentions: list[Mention]
    ) -> Request | None:
        if stream.startswith(SEARCH_PREFIX):
            return None
        next_link = response.links.get("next")
        if not next_link:
            return None
        # The link carries every parameter (limit, local, max_id) in its query.
        return Request(next_link["url"], {}, request.headers)

    def parse_status(self, status: dict[str, Any]) -> Mention:
        account = status["account"]
        return Mention(
            source=self.platform,
            external_id=status["uri"],
            url=status.get("url") or status["uri"],
            text=html_to_text(status.get("content")),
            title=status.get("spoiler_text") or None,
            language=status.get("language"),
            created_at=parse_iso(status["created_at"]),
            author=Author(
                handle=account.get("acct"),
                display_name=account.get("display_name") or None,
                followers=account.get("followers_count"),
            ),
            engagement=Engagement(
                likes=status.get("favourites_count"),
                replies=status.get("replies_count"),
                shares=status.get("reblogs_count"),
            ),
            raw=status,
            replication_value=str(status["id"]),
        )

    def authenticate(self, request: Request) -> Request:
        token = self.credential("access_token", required=False)
        if token is None:
            return request
        return Request(request.url, request.params,
                       {**request.headers, "Authorization": f"Bearer {token}"})
