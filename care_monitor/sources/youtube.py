"""YouTube comments: `commentThreads.list` of configured videos or of a whole channel.

YouTube has no global comment search, so each configured video (`videoId`) or channel
(`allThreadsRelatedToChannelId`) is one stream, newest first (`order=time`). The API key goes
in the `key` query parameter, which the HTTP client redacts from every message.

Quota is counted in units per day (commentThreads.list costs 1 unit; the default project
budget is 10,000 a day, reset at midnight Pacific time). The source counts what it spends in a
process-wide ledger, reports what is left in `HttpStats.quota_remaining`, and stops for the run
before exceeding the budget, saying when it resets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import RateLimited
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import parse_iso, time_cursor

QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")
UNITS_PER_CALL = 1  # commentThreads.list


class YouTubeParams(SourceParams):
    videos: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list, description="allThreadsRelatedToChannelId")
    search_terms: str | None = Field(default=None, description="YouTube-side comment filter")
    max_results: int = Field(default=100, ge=1, le=100)
    daily_quota: int = Field(default=10_000, gt=0, description="units this source may spend a day")

    @model_validator(mode="after")
    def _something_to_read(self) -> "YouTubeParams":
        if not self.videos and not self.channels:
            raise ValueError("give at least one of 'videos' or 'channels'")
        return self


@dataclass
class QuotaLedger:
    """Units spent per (source, Pacific day) in this process."""

    spent: dict[tuple[str, date], int] = field(default_factory=dict)

    def used(self, source: str, day: date) -> int:
        return self.spent.get((source, day), 0)

    def spend(self, source: str, day: date, units: int) -> None:
        self.spent[(source, day)] = self.used(source, day) + units

    def seed(self, source: str, day: date, used: int) -> None:
        """Start from what earlier processes spent today (e.g. summed from source_runs)."""
        self.spent[(source, day)] = max(self.used(source, day), used)


LEDGER = QuotaLedger()


@register
class YouTubeSource(Source):
    type: ClassVar[str] = "youtube"
    platform: ClassVar[str] = "youtube"
    default_base_url: ClassVar[str] = "https://www.googleapis.com"
    inclusive_cursor: ClassVar[bool] = True  # whole-second times
    params_model = YouTubeParams
    params: YouTubeParams

    # --- quota -------------------------------------------------------------------------

    def quota_day(self) -> date:
        return datetime.fromtimestamp(self.client.clock(), QUOTA_TIMEZONE).date()

    @property
    def quota_remaining(self) -> int:
        return max(0, self.params.daily_quota - LEDGER.used(self.name, self.quota_day()))

    def resume_quota(self, quota_remaining: int, measured_at: datetime) -> None:
        day = measured_at.astimezone(QUOTA_TIMEZONE).date()
        if day == self.quota_day():
            LEDGER.seed(self.name, day, self.params.daily_quota - quota_remaining)

    def _quota_resets_at(self) -> str:
        day = self.quota_day() + timedelta(days=1)
        midnight = datetime(day.year, day.month, day.day, tzinfo=QUOTA_TIMEZONE)
        return midnight.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds")

    def _spend(self) -> None:
        self.client.stats.quota_remaining = self.quota_remaining
        if self.quota_remaining < UNITS_PER_CALL:
            message = (f"{self.name}: the daily YouTube quota of {self.params.daily_quota} units "
                       f"is used up; stopping this run, it resets at {self._quota_resets_at()}")
            self.client.stats.errors.append(message)
            raise RateLimited(message)
        LEDGER.spend(self.name, self.quota_day(), UNITS_PER_CALL)
        self.client.stats.quota_remaining = self.quota_remaining

    # --- the stream interface -------------------------------------------------------------

    def streams(self) -> list[str]:
        return ([f"video:{v}" for v in self.params.videos]
                + [f"channel:{c}" for c in self.params.channels])

    def authenticate(self, request: Request) -> Request:
        key = self.credential("api_key")
        self._spend()
        return Request(request.url, {**request.params, "key": key}, request.headers)

    def first_request(self, stream: str, cursor: str | None) -> Request:
        kind, ident = stream.split(":", 1)
        params: dict[str, Any] = {"part": "snippet", "order": "time", "textFormat": "plainText",
                                  "maxResults": self.params.max_results}
        params["videoId" if kind == "video" else "allThreadsRelatedToChannelId"] = ident
        if self.params.search_terms:
            params["searchTerms"] = self.params.search_terms
        return Request(f"{self.base_url}/youtube/v3/commentThreads", params)

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        token = response.json().get("nextPageToken")
        if not token:
            return None
        return Request(request.url, {**request.params, "pageToken": token}, request.headers)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        items = response.json()["items"]
        if not isinstance(items, list):
            raise ValueError("'items' is not a list")
        return [self.parse_thread(item) for item in items]

    def parse_thread(self, thread: dict[str, Any]) -> Mention:
        snippet = thread["snippet"]
        comment = snippet["topLevelComment"]
        top = comment["snippet"]
        published = parse_iso(top["publishedAt"])
        video = snippet.get("videoId") or top.get("videoId")
        url = (f"https://www.youtube.com/watch?v={video}&lc={comment['id']}" if video
               else f"https://www.youtube.com/channel/{snippet.get('channelId')}")
        return Mention(
            source=self.platform,
            external_id=comment["id"],
            url=url,
            text=top.get("textOriginal") or top.get("textDisplay") or "",
            created_at=published,
            author=Author(handle=(top.get("authorChannelId") or {}).get("value"),
                          display_name=top.get("authorDisplayName")),
            engagement=Engagement(likes=top.get("likeCount"),
                                  replies=snippet.get("totalReplyCount")),
            raw=thread,
            replication_value=time_cursor(published),
        )
