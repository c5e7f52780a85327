"""Trustpilot: reviews of the team's business units (API key; the paid "API module").

Each business unit is one stream, newest first (`orderBy=createdat.desc`), paged with
`page`/`perPage` while the response links a `next-page`. A unit is given by its id
(`business_units`) or by its name or domain (`business_unit_names`, e.g. "example.com"),
which is resolved to the id once per source instance with `GET /v1/business-units/find?name=`;
the stream (and its cursor) keeps the configured name, requests use the id. A name that does
not resolve fails only its own stream, with an error naming it. The key travels in the
`apikey` header (Trustpilot accepts it there as well as in the query), so it is never part
of a URL. A review the company already answered (`companyReply`) carries `replied_at`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import (
    MalformedResponse,
    Request,
    Source,
    SourceNotFound,
    SourceParams,
)
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import parse_iso, time_cursor


class TrustpilotParams(SourceParams):
    business_units: list[str] = Field(default_factory=list, description="business-unit ids")
    business_unit_names: list[str] = Field(
        default_factory=list, description="names or domains, resolved with business-units/find")
    per_page: int = Field(default=100, ge=1, le=100)
    language: str | None = Field(default=None, description="e.g. 'en'; default: all")

    @model_validator(mode="after")
    def _something_to_read(self) -> "TrustpilotParams":
        if not self.business_units and not self.business_unit_names:
            raise ValueError("give at least one of 'business_units' or 'business_unit_names'")
        return self


@register
class TrustpilotSource(Source):
    type: ClassVar[str] = "trustpilot"
    platform: ClassVar[str] = "trustpilot"
    default_base_url: ClassVar[str] = "https://api.trustpilot.com"
    params_model = TrustpilotParams
    params: TrustpilotParams

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resolved: dict[str, str] = {}  # business name -> business-unit id

    def streams(self) -> list[str]:
        ids = list(dict.fromkeys(self.params.business_units))
        names = [n for n in dict.fromkeys(self.params.business_unit_names) if n not in ids]
        return ids + names

    def unit_id(self, stream: str) -> str:
        """The business-unit id of a stream: an id as given, a name resolved once via `find`."""
        if stream in self.params.business_units or stream not in self.params.business_unit_names:
            return stream
        if stream not in self._resolved:
            self._resolved[stream] = self._find(stream)
        return self._resolved[stream]

    def _find(self, name: str) -> str:
        request = Request(f"{self.base_url}/v1/business-units/find", {"name": name})
        try:
            response = self.client.get(self.authenticate(request))
        except SourceNotFound:
            raise SourceNotFound(
                f"{self.name}: Trustpilot has no business unit named {name!r} "
                "(business-units/find returned HTTP 404); check business_unit_names"
            ) from None
        try:
            body = response.json()
            unit = body.get("id") if isinstance(body, dict) else None
        except ValueError as error:
            raise MalformedResponse(
                f"{self.name}: business-units/find for {name!r} is unreadable: {error}") from None
        if not isinstance(unit, str) or not unit:
            raise MalformedResponse(
                f"{self.name}: business-units/find for {name!r} returned no business-unit 'id'")
        return unit

    def authenticate(self, request: Request) -> Request:
        key = self.credential("api_key")
        return Request(request.url, request.params, {**request.headers, "apikey": key})

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"perPage": self.params.per_page, "page": 1,
                                  "orderBy": "createdat.desc"}
        if self.params.language:
            params["language"] = self.params.language
        return Request(f"{self.base_url}/v1/business-units/{self.unit_id(stream)}/reviews", params)

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
