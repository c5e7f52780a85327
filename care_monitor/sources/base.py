"""The small interface every source implements, in the spirit of Singer SDK REST streams.

A source declares its `type` (the config's `type`), its `platform` (stored with each
mention), its default base URL and a pydantic model of its `params`. It splits its work
into *streams* (one per hashtag, subreddit, search term or feed URL), each with its own
persisted cursor, and for each stream says how to build the first request, how to parse a
page into mentions, and how to get the next page. The shared engine here follows
pagination newest-first until it reaches the stream's cursor or the per-run page bound.

Sources only fetch and parse: they never touch storage, matching or scoring.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from care_monitor.config import SourceConfig
from care_monitor.mention import Mention
from care_monitor.secrets import SecretError, resolve_secret
from care_monitor.sources.errors import (  # noqa: F401  (re-exported)
    MalformedResponse,
    RateLimited,
    SourceAuthError,
    SourceError,
    SourceNotFound,
)
from care_monitor.sources.http import HttpClient, HttpResponse


class SourceParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Request:
    url: str
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    """One fetched page: its new mentions (those past the cursor) and where it came from."""

    stream: str
    number: int
    mentions: list[Mention]
    reached_cursor: bool


@dataclass
class StreamResult:
    """What one stream's fetch covered, filled in as pages are consumed."""

    stream: str
    old_cursor: str | None
    new_cursor: str | None = None
    pages: int = 0
    fetched: int = 0
    truncated: bool = False


def cursor_sort_key(value: str) -> tuple[int, Any]:
    """Numeric strings compare as numbers (ids, epochs); anything else as text (ISO times)."""
    return (0, int(value)) if value.isdigit() else (1, value)


class Source(ABC):
    type: ClassVar[str]
    platform: ClassVar[str]
    default_base_url: ClassVar[str]
    params_model: ClassVar[type[SourceParams]] = SourceParams
    # True when the cursor is a time that two posts can share (whole seconds): records *at*
    # the cursor are fetched again, since a post stored twice costs nothing (the upsert
    # de-duplicates) while a skipped one is lost. Unique ids (status ids) leave it False.
    inclusive_cursor: ClassVar[bool] = False
    # True when `refresh_engagement` can re-read stored posts by id (Bluesky's getPosts).
    refreshes_engagement: ClassVar[bool] = False

    def __init__(self, config: SourceConfig, client: HttpClient) -> None:
        self.config = config
        self.client = client
        self.params = self.params_model.model_validate(config.params)
        self.base_url = (config.base_url or self.default_base_url).rstrip("/")
        self._secrets: dict[str, str | None] = {}

    @property
    def name(self) -> str:
        return self.config.name

    # --- what each source declares -------------------------------------------------

    @abstractmethod
    def streams(self) -> list[str]:
        """The keys of this source's independent queries, each with its own cursor."""

    @abstractmethod
    def first_request(self, stream: str, cursor: str | None) -> Request:
        """The newest page of a stream, narrowed by the cursor where the API allows it."""

    @abstractmethod
    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        """Records of a page as mentions, newest first; raise MalformedResponse if unreadable."""

    @abstractmethod
    def next_request(
        self, stream: str, request: Request, response: HttpResponse, mentions: list[Mention]
    ) -> Request | None:
        """The next (older) page, or None when the stream has no more."""

    def authenticate(self, request: Request) -> Request:
        """Add credentials to a request; sources with optional auth override this."""
        return request

    def refresh_engagement(self, external_ids: list[str]) -> list[Mention]:
        """Current engagement of posts already stored, for sources whose API can look posts up
        by id (the cursor means a stored post is not fetched again). Default: not supported."""
        return []

    def resume_quota(self, quota_remaining: int, measured_at: datetime) -> None:
        """What an earlier run (another process) left of a daily quota, read from its
        `source_runs` row, so a per-process budget carries across scheduled runs."""

    def credential(self, name: str, *, required: bool = True) -> str | None:
        """The secret behind `credentials.<name>`, resolved once, at first use.

        A missing reference is None when optional and a clear `SourceAuthError` when required;
        the message names the reference, never a value.
        """
        if name not in self._secrets:
            ref = self.config.credentials.get(name)
            try:
                self._secrets[name] = resolve_secret(ref) if ref is not None else None
            except SecretError as error:
                raise SourceAuthError(f"{self.name}: {error}") from None
        if self._secrets[name] is None and required:
            raise SourceAuthError(f"{self.name}: a {self.type} source needs credentials.{name}")
        return self._secrets[name]

    # --- the shared engine ----------------------------------------------------------

    def is_past_cursor(self, mention: Mention, cursor: str | None) -> bool:
        if cursor is None or mention.replication_value is None:
            return True
        if self.inclusive_cursor:
            return cursor_sort_key(mention.replication_value) >= cursor_sort_key(cursor)
        return cursor_sort_key(mention.replication_value) > cursor_sort_key(cursor)

    def fetch_stream(self, stream: str, cursor: str | None, result: StreamResult) -> Iterator[Page]:
        """Pages of new mentions, newest first, until the cursor or the page bound.

        `result` is updated as pages are consumed; the caller persists `result.new_cursor`
        only after every page it took has been committed.
        """
        request: Request | None = self.first_request(stream, cursor)
        number = 0
        while request is not None:
            if number >= self.config.max_pages:
                result.truncated = True
                return
            number += 1
            response = self.client.get(self.authenticate(request))
            try:
                mentions = self.parse_page(stream, response)
            except MalformedResponse:
                raise
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise MalformedResponse(
                    f"{self.name}: page {number} of {stream!r} has an unexpected shape: {error!r}"
                ) from None
            fresh = [m for m in mentions if self.is_past_cursor(m, cursor)]
            reached = len(fresh) < len(mentions)
            for mention in fresh:
                mention.source_name = self.name
                self._advance(result, mention)
            result.pages = number
            # A record re-read *at* an inclusive cursor is not news: keep it out of the count.
            result.fetched += sum(1 for m in fresh if m.replication_value != cursor)
            yield Page(stream=stream, number=number, mentions=fresh, reached_cursor=reached)
            if reached or not mentions:
                return
            request = self.next_request(stream, request, response, mentions)

    @staticmethod
    def _advance(result: StreamResult, mention: Mention) -> None:
        value = mention.replication_value
        if value is None:
            return
        if result.new_cursor is None or cursor_sort_key(value) > cursor_sort_key(result.new_cursor):
            result.new_cursor = value
