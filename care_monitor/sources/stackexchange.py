"""Stack Exchange: `search/advanced` per site and query (questions, newest first).

The key is optional (300 requests a day per IP without one, 10,000 with a free key); it is a
query parameter the HTTP client redacts. Every response reports `quota_remaining`, recorded
for the run; a `backoff` field means "no request to this method for that many seconds" and is
honoured before the next request. When the daily quota is spent the source stops for the run
and says when it resets (midnight UTC).
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

from pydantic import Field

from care_monitor.config import SourceConfig
from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.http import HttpClient, HttpResponse
from care_monitor.sources.quota import QuotaGate
from care_monitor.sources.times import from_epoch
from care_monitor.text import html_to_text


class StackExchangeParams(SourceParams):
    search: list[str] = Field(min_length=1, description="search/advanced `q` terms")
    sites: list[str] = Field(default_factory=lambda: ["stackoverflow"], min_length=1)
    pagesize: int = Field(default=100, ge=1, le=100)
    with_body: bool = Field(default=True, description="ask for question bodies (filter=withbody)")


@register
class StackExchangeSource(Source):
    type: ClassVar[str] = "stackexchange"
    platform: ClassVar[str] = "stackexchange"
    default_base_url: ClassVar[str] = "https://api.stackexchange.com"
    inclusive_cursor: ClassVar[bool] = True  # whole-second times
    params_model = StackExchangeParams
    params: StackExchangeParams

    def __init__(self, config: SourceConfig, client: HttpClient) -> None:
        super().__init__(config, client)
        self.gate = QuotaGate(self.name, client)

    def streams(self) -> list[str]:
        return [f"{site}:{query}" for site in self.params.sites for query in self.params.search]

    def authenticate(self, request: Request) -> Request:
        self.gate.wait()
        key = self.credential("key", required=False)  # optional: raises the daily quota
        if key is None:
            return request
        return Request(request.url, {**request.params, "key": key}, request.headers)

    def first_request(self, stream: str, cursor: str | None) -> Request:
        site, query = stream.split(":", 1)
        params: dict[str, Any] = {"q": query, "site": site, "sort": "creation", "order": "desc",
                                  "page": 1, "pagesize": self.params.pagesize}
        if cursor:
            params["fromdate"] = cursor
        if self.params.with_body:
            params["filter"] = "withbody"
        return Request(f"{self.base_url}/2.3/search/advanced", params)

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        if not response.json().get("has_more"):
            return None
        return Request(request.url, {**request.params, "page": request.params["page"] + 1},
                       request.headers)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        body = response.json()
        items = body["items"]
        if not isinstance(items, list):
            raise ValueError("'items' is not a list")
        self._note_quota(body)
        site = stream.split(":", 1)[0]
        return [self.parse_question(item, site) for item in items]

    def _note_quota(self, body: dict[str, Any]) -> None:
        remaining = body.get("quota_remaining")
        if isinstance(remaining, int):
            self.gate.note_remaining(remaining)
            if remaining <= 0:
                now = datetime.fromtimestamp(self.client.clock(), timezone.utc)
                midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                             microsecond=0)
                self.gate.block_until(midnight.timestamp(),
                                      f"the daily quota of {body.get('quota_max')} requests is used up")
        backoff = body.get("backoff")
        if isinstance(backoff, (int, float)) and backoff > 0:
            self.gate.block_for(float(backoff), f"Stack Exchange asked to back off {backoff}s")

    def parse_question(self, item: dict[str, Any], site: str) -> Mention:
        created = from_epoch(item["creation_date"])
        owner = item.get("owner") or {}
        name = owner.get("display_name")
        return Mention(
            source=self.platform,
            external_id=f"{site}:{item['question_id']}",
            url=item["link"],
            title=html.unescape(item["title"]),
            text=html_to_text(item.get("body")),
            created_at=created,
            author=Author(handle=str(owner["user_id"]) if "user_id" in owner else None,
                          display_name=html.unescape(name) if name else None),
            engagement=Engagement(score=item.get("score"), replies=item.get("answer_count")),
            raw={**item, "site": site},
            replication_value=str(item["creation_date"]),
        )
