"""Hacker News via Algolia's `search_by_date`: stories and comments matching each query.

The cursor is the newest `created_at_i` (epoch seconds); the first request narrows the
search with `numericFilters=created_at_i>=cursor`, pages follow `page` until `nbPages`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import from_epoch
from care_monitor.text import html_to_text

ITEM_URL = "https://news.ycombinator.com/item?id={}"


class HackerNewsParams(SourceParams):
    queries: list[str] = Field(min_length=1)
    tags: str = "(story,comment)"
    hits_per_page: int = Field(default=50, gt=0, le=1000)


@register
class HackerNewsSource(Source):
    type: ClassVar[str] = "hackernews"
    platform: ClassVar[str] = "hackernews"
    inclusive_cursor: ClassVar[bool] = True  # whole-second times
    default_base_url: ClassVar[str] = "https://hn.algolia.com"
    params_model = HackerNewsParams
    params: HackerNewsParams

    def streams(self) -> list[str]:
        return list(self.params.queries)

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {
            "query": stream,
            "tags": self.params.tags,
            "hitsPerPage": self.params.hits_per_page,
            "page": 0,
        }
        if cursor:
            params["numericFilters"] = f"created_at_i>={int(cursor)}"
        return Request(f"{self.base_url}/api/v1/search_by_date", params)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        return [self.parse_hit(hit) for hit in response.json()["hits"]]

    def next_request(
        self, stream: str, request: Request, response: HttpResponse, mentions: list[Mention]
    ) -> Request | None:
        body = response.json()
        page = int(body["page"])
        if page + 1 >= int(body["nbPages"]):
            return None
        return Request(request.url, {**request.params, "page": page + 1}, request.headers)

    def parse_hit(self, hit: dict[str, Any]) -> Mention:
        created_i = int(hit["created_at_i"])
        is_comment = "comment" in (hit.get("_tags") or [])
        body = hit.get("comment_text") if is_comment else hit.get("story_text")
        return Mention(
            source=self.platform,
            external_id=str(hit["objectID"]),
            url=ITEM_URL.format(hit["objectID"]),
            text=html_to_text(body),
            title=None if is_comment else hit.get("title"),
            created_at=from_epoch(created_i),
            author=Author(handle=hit.get("author")),
            engagement=Engagement(score=hit.get("points"), replies=hit.get("num_comments")),
            raw=hit,
            replication_value=str(created_i),
        )
