"""Bluesky: `app.bsky.feed.searchPosts` through a logged-in session.

Logged-out search is refused by the public AppView, so the source logs in with a handle and an
app password (`com.atproto.server.createSession`) and refreshes the session
(`com.atproto.server.refreshSession`) shortly before the access token expires, or when the
service answers `ExpiredToken`. Author follower counts come from `app.bsky.actor.getProfiles`,
25 actors per call, cached in the process. Tokens never leave this module: they are not in
requests' URLs, error messages or the stored raw payload.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import jwt
from pydantic import Field

from care_monitor.config import SourceConfig
from care_monitor.mention import Author, Engagement, Mention
from care_monitor.secrets import SecretError, resolve_connection, resolve_secret
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import MalformedResponse, SourceAuthError, SourceError
from care_monitor.sources.http import HttpClient, HttpResponse
from care_monitor.sources.times import api_time, parse_iso, time_cursor

PROFILE_BATCH = 25  # getProfiles and getPosts accept at most 25 at a time
REFRESH_LEEWAY = 120  # seconds before expiry at which the access token is refreshed


class BlueskyParams(SourceParams):
    search: list[str] = Field(min_length=1, description="searchPosts queries, one stream each")
    lang: str | None = None
    limit: int = Field(default=100, ge=1, le=100)
    followers: bool = Field(default=True, description="look up author follower counts")
    profile_cache_seconds: int = Field(default=6 * 3600, ge=0)


@dataclass
class _Tokens:
    access: str
    refresh: str
    expires_at: float | None


def _expiry(token: str) -> float | None:
    """The `exp` claim of a session JWT; the signature is the server's business, not ours."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, (int, float)) else None


class BlueskySession:
    """An authenticated XRPC session: created lazily, refreshed before it expires."""

    def __init__(self, source_name: str, base_url: str, client: HttpClient,
                 config: SourceConfig) -> None:
        self.source_name = source_name
        self.base_url = base_url
        self.client = client
        self.config = config
        self._tokens: _Tokens | None = None

    def _credentials(self) -> tuple[str, str]:
        creds = self.config.credentials
        try:
            if "account" in creds:
                connection = resolve_connection(creds["account"])
                if not connection.login or not connection.password:
                    raise SourceAuthError(
                        f"{self.source_name}: credentials.account needs a login (handle) and a "
                        "password (app password)"
                    )
                return connection.login, connection.password
            if "handle" in creds and "app_password" in creds:
                return resolve_secret(creds["handle"]), resolve_secret(creds["app_password"])
        except SecretError as error:
            raise SourceAuthError(f"{self.source_name}: {error}") from None
        raise SourceAuthError(
            f"{self.source_name}: Bluesky search needs a logged-in account: set "
            "credentials.handle and credentials.app_password (or credentials.account)"
        )

    def _xrpc(self, method: str) -> str:
        return f"{self.base_url}/xrpc/{method}"

    def _store(self, response: HttpResponse, what: str) -> None:
        try:
            body = response.json()
            access, refresh = body["accessJwt"], body["refreshJwt"]
            if not isinstance(access, str) or not isinstance(refresh, str):
                raise TypeError("tokens are not strings")
        except (ValueError, KeyError, TypeError):
            raise MalformedResponse(
                f"{self.source_name}: {what} answered without a usable session"
            ) from None
        self._tokens = _Tokens(access, refresh, _expiry(access))

    def create(self) -> None:
        handle, password = self._credentials()
        request = Request(self._xrpc("com.atproto.server.createSession"),
                          headers={"Content-Type": "application/json"})
        body = json.dumps({"identifier": handle, "password": password})
        try:
            response = self.client.post(request, data=body)  # type: ignore[arg-type]
        except SourceAuthError:
            raise SourceAuthError(
                f"{self.source_name}: Bluesky refused the login of the configured handle; "
                "check credentials.handle and credentials.app_password (an app password, "
                "not the account password)"
            ) from None
        self._store(response, "createSession")

    def refresh(self) -> None:
        """A new access token from the refresh token; a fresh login if that one expired too."""
        if self._tokens is None:
            self.create()
            return
        request = Request(self._xrpc("com.atproto.server.refreshSession"),
                          headers={"Authorization": f"Bearer {self._tokens.refresh}"})
        try:
            response = self.client.post(request, data={})
        except SourceError:
            self._tokens = None
            self.create()
            return
        self._store(response, "refreshSession")

    def authorize(self, request: Request) -> Request:
        if self._tokens is None:
            self.create()
        elif (self._tokens.expires_at is not None
              and self._tokens.expires_at - self.client.clock() < REFRESH_LEEWAY):
            self.refresh()
        assert self._tokens is not None
        headers = {**request.headers, "Authorization": f"Bearer {self._tokens.access}"}
        return Request(request.url, request.params, headers)


class _RefreshingClient:
    """The source's HTTP client, retrying a request once after `ExpiredToken`.

    The service can expire a token before its `exp` (a revoked session, clock skew); it then
    answers HTTP 400 with the XRPC error name `ExpiredToken`.
    """

    def __init__(self, inner: HttpClient, session: BlueskySession) -> None:
        self._inner = inner
        self._session = session

    @property
    def stats(self):  # the pipeline swaps the stats object per stream
        return self._inner.stats

    @stats.setter
    def stats(self, value) -> None:
        self._inner.stats = value

    def get(self, request: Request) -> HttpResponse:
        try:
            return self._inner.get(request)
        except SourceError as error:
            if "ExpiredToken" not in str(error) or isinstance(error, SourceAuthError):
                raise
        self._session.refresh()
        return self._inner.get(self._session.authorize(request))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@register
class BlueskySource(Source):
    type: ClassVar[str] = "bluesky"
    refreshes_engagement: ClassVar[bool] = True
    platform: ClassVar[str] = "bluesky"
    default_base_url: ClassVar[str] = "https://bsky.social"
    params_model = BlueskyParams
    params: BlueskyParams

    # did -> (fetched at, followers); shared by every Bluesky source in the process
    _followers_cache: ClassVar[dict[str, tuple[float, int | None]]] = {}

    def __init__(self, config: SourceConfig, client: HttpClient) -> None:
        super().__init__(config, client)
        self.session = BlueskySession(self.name, self.base_url, client, config)
        self.client = _RefreshingClient(client, self.session)  # type: ignore[assignment]

    def streams(self) -> list[str]:
        return list(self.params.search)

    def authenticate(self, request: Request) -> Request:
        return self.session.authorize(request)

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"q": stream, "sort": "latest", "limit": self.params.limit}
        if cursor:
            params["since"] = api_time(parse_iso(cursor))
        if self.params.lang:
            params["lang"] = self.params.lang
        return Request(f"{self.base_url}/xrpc/app.bsky.feed.searchPosts", params)

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        cursor = response.json().get("cursor")
        if not cursor:
            return None
        return Request(request.url, {**request.params, "cursor": cursor}, request.headers)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        body = response.json()
        posts = body["posts"]
        if not isinstance(posts, list):
            raise MalformedResponse(f"{self.name}: 'posts' of {stream!r} is not a list")
        followers = self.followers([p["author"]["did"] for p in posts])
        return [self.parse_post(post, followers) for post in posts]

    def parse_post(self, post: dict[str, Any], followers: dict[str, int | None]) -> Mention:
        author, record = post["author"], post["record"]
        did, rkey = _did_and_rkey(post["uri"])
        created = parse_iso(record["createdAt"])
        langs = record.get("langs") or []
        return Mention(
            source=self.platform,
            external_id=post["uri"],
            url=f"https://bsky.app/profile/{author.get('handle') or did}/post/{rkey}",
            text=record.get("text") or "",
            created_at=created,
            author=Author(handle=author.get("handle"), display_name=author.get("displayName"),
                          followers=followers.get(author["did"])),
            engagement=Engagement(
                likes=post.get("likeCount"),
                replies=post.get("replyCount"),
                shares=(post.get("repostCount") or 0) + (post.get("quoteCount") or 0),
            ),
            language=langs[0] if langs else None,
            raw=post,
            replication_value=time_cursor(created),
        )

    # --- authors and engagement ------------------------------------------------------

    def followers(self, dids: list[str]) -> dict[str, int | None]:
        """Follower counts by DID, from the cache or `getProfiles` in batches of 25.

        With the rate limit used up until later, the page keeps what the cache knows rather
        than being lost: the run stops at the next page instead.
        """
        if not self.params.followers:
            return {}
        now = time.monotonic()
        ttl = self.params.profile_cache_seconds
        cache = self._followers_cache
        missing = sorted({d for d in dids if d not in cache or now - cache[d][0] > ttl})
        if self.client.would_stop_for_quota():
            missing = []
        for start in range(0, len(missing), PROFILE_BATCH):
            batch = missing[start:start + PROFILE_BATCH]
            request = Request(f"{self.base_url}/xrpc/app.bsky.actor.getProfiles",
                              {"actors": batch})
            profiles = self.client.get(self.authenticate(request)).json()["profiles"]
            for profile in profiles:
                cache[profile["did"]] = (now, profile.get("followersCount"))
            for did in batch:  # deleted or suspended accounts have no profile
                cache.setdefault(did, (now, None))
        return {d: cache[d][1] for d in dids if d in cache}

    def refresh_engagement(self, external_ids: list[str]) -> list[Mention]:
        """Current like/reply/repost counts of known posts (`app.bsky.feed.getPosts`)."""
        mentions: list[Mention] = []
        for start in range(0, len(external_ids), PROFILE_BATCH):
            request = Request(f"{self.base_url}/xrpc/app.bsky.feed.getPosts",
                              {"uris": external_ids[start:start + PROFILE_BATCH]})
            posts = self.client.get(self.authenticate(request)).json()["posts"]
            followers = self.followers([p["author"]["did"] for p in posts])
            mentions.extend(self.parse_post(post, followers) for post in posts)
        return mentions


def _did_and_rkey(uri: str) -> tuple[str, str]:
    """`at://did:plc:abc/app.bsky.feed.post/3kxyz` -> (`did:plc:abc`, `3kxyz`)."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        raise ValueError(f"not a post URI: {uri!r}")
    return parts[0], parts[2]
