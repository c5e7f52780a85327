"""Trustpilot: reviews of the team's business units (API key; the paid "API module").

Each business-unit id is one stream, newest first (`orderBy=createdat.desc`), paged with
`page`/`perPage` while the response links a `next-page`. The key travels in the `apikey`
header (Trustpilot accepts it there as well as in the query), so it is never part of a URL.
A review the company already answered (`companyReply`) carries `replied_at`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import parse_iso, time_cursor


class TrustpilotParams(SourceParams):
    business_units: list[str] = Field(min_length=1, description="business-unit ids")
    per_page: int = Field(default=100, ge=1, le=100)
    language: str | None = Field(default=None, description="e.g. 'en'; default: all")


@register
class TrustpilotSource(Source):
    type: ClassVar[str] = "trustpilot"
    platform: ClassVar[str] = "trustpilot"
    default_base_url: ClassVar[str] = "https://api.trustpilot.com"
    params_model = TrustpilotParams
    params: TrustpilotParams

    def streams(self) -> list[str]:
        return list(self.params.business_units)

    def authenticate(self, request: Request) -> Request:
        key = self.credential("api_key")
        return Request(request.url, request.params, {**request.headers, "apikey": key})

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"perPage": self.params.per_page, "page": 1,
                                  "orderBy": "createdat.desc"}
        if self.params.language:
            params["language"] = self.params.language
        return Request(f"{self.base_url}/v1/business-units/{stream}/reviews", params)

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        links = response.json().get("links") or []
        if not any(link.get("rel") == "next-page" for link in links):
            return None
        return Request(request.url, {**request.params, "page": request.params["page"] + 1},
                       request.headers)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        reviews = response.json()["reviews"]
        if not isinstance(reviews, list):
            raise ValueError("'reviews' is not a list")
        return [self.parse_review(review) for review in reviews]

    def parse_review(self, review: dict[str, Any]) -> Mention:
        created = parse_iso(review["createdAt"])
        stars = int(review["stars"])
        if not 1 <= stars <= 5:
            raise ValueError(f"stars {stars} of review {review['id']} is not 1-5")
        consumer = review.get("consumer") or {}
        reply = review.get("companyReply") or {}
        return Mention(
            source=self.platform,
            external_id=review["id"],
            url=f"https://www.trustpilot.com/reviews/{review['id']}",
            title=review.get("title") or None,
            text=review.get("text") or "",
            created_at=created,
            author=Author(handle=consumer.get("id"), display_name=consumer.get("displayName")),
            engagement=Engagement(likes=review.get("numberOfLikes")),
            language=review.get("language"),
            rating=stars,
            replied_at=parse_iso(reply["createdAt"]) if reply.get("createdAt") else None,
            raw=review,
            replication_value=time_cursor(created),
        )
