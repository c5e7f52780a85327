"""Reddit: site-wide search and per-subreddit new posts, keyless or with an OAuth app.

Streams are `search:<terms>` (`/search.json?sort=new`) and `r/<subreddit>`
(`/r/<sub>/new.json`); pages follow `after`; the cursor is the newest `created_utc`.
With `client_id` and `client_secret` credentials the source gets an application-only
token (client credentials) and calls the OAuth host with it.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.secrets import SecretError, resolve_secret
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import SourceAuthError, SourceError
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import from_epoch

WEB_URL = "https://www.reddit.com"
OAUTH_API_URL = "https://oauth.reddit.com"
SEARCH_PREFIX = "search:"
SUBREDDIT_PREFIX = "r/"


class RedditParams(SourceParams):
    search: list[str] = Field(default_factory=list)
    subreddits: list[str] = Field(default_factory=list)
    limit: int = Field(default=100, gt=0, le=100)


@register
class RedditSource(Source):
    type: ClassVar[str] = "reddit"
    platform: ClassVar[str] = "reddit"
    inclusive_cursor: ClassVar[bool] = True  # whole-second times
    default_base_url: ClassVar[str] = WEB_URL
    params_model = RedditParams
    params: RedditParams

    _token: str | None = None

    def streams(self) -> list[str]:
        return [f"{SEARCH_PREFIX}{q}" for q in self.params.search] + [
            f"{SUBREDDIT_PREFIX}{s.removeprefix('r/')}" for s in self.params.subreddits
        ]

    @property
    def uses_oauth(self) -> bool:
        return "client_id" in self.config.credentials

    @property
    def api_url(self) -> str:
        """Where listings come from: with OAuth on reddit.com, the OAuth host."""
        if self.uses_oauth and self.base_url == WEB_URL:
            return OAUTH_API_URL
        return self.base_url

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"limit": self.params.limit, "raw_json": 1}
        if stream.startswith(SEARCH_PREFIX):
            params.update(q=stream.removeprefix(SEARCH_PREFIX), sort="new", type="link")
            return Request(f"{self.api_url}/search.json", params)
        if stream.startswith(SUBREDDIT_PREFIX):
            sub = quote(stream.removeprefix(SUBREDDIT_PREFIX), safe="")
            return Request(f"{self.api_url}/r/{sub}/new.json", params)
        raise SourceError(f"{self.name}: unknown stream {stream!r}")

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        children = response.json()["data"]["children"]
        return [self.parse_post(child["data"]) for child in children if child["kind"] == "t3"]

    def next_request(
        self, stream: str, request: Request, response: HttpResponse, mentions: list[Mention]
    ) -> Request | None:
        after = response.json()["data"].get("after")
        if not after:
            return None
        return Request(request.url, {**request.params, "after": after}, request.headers)

    def parse_post(self, post: dict[str, Any]) -> Mention:
        created = int(float(post["created_utc"]))
        return Mention(
            source=self.platform,
            external_id=post.get("name") or f"t3_{post['id']}",
            url=WEB_URL + post["permalink"],
            text=post.get("selftext") or "",
            title=post.get("title"),
            created_at=from_epoch(created),
            author=Author(handle=post.get("author")),
            engagement=Engagement(score=post.get("score"), replies=post.get("num_comments")),
            raw=post,
            replication_value=str(created),
        )

    # --- optional OAuth (application-only) -----------------------------------------------

    def authenticate(self, request: Request) -> Request:
        if not self.uses_oauth:
            return request
        if self._token is None:
            self._token = self._fetch_token()
        return Request(request.url, request.params,
                       {**request.headers, "Authorization": f"bearer {self._token}"})

    def _fetch_token(self) -> str:
        try:
            client_id = resolve_secret(self.config.credentials["client_id"])
            secret_ref = self.config.credentials.get("client_secret")
            client_secret = resolve_secret(secret_ref) if secret_ref else ""
        except SecretError as error:
            raise SourceAuthError(f"{self.name}: {error}") from None
        token_url = f"{self.base_url}/api/v1/access_token"
        response = self.client.post(
            Request(token_url), data={"grant_type": "client_credentials"},
            auth=(client_id, client_secret),
        )
        token = response.json().get("access_token")
        if not token:
            raise SourceAuthError(f"{self.name}: {token_url} answered without an access_token")
        return token
