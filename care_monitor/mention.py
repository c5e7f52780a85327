"""The normalised mention: what every source parses its records into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True)
class Author:
    handle: str | None = None
    display_name: str | None = None
    followers: int | None = None


@dataclass(frozen=True)
class Engagement:
    likes: int | None = None
    replies: int | None = None
    shares: int | None = None
    score: int | None = None


@dataclass
class Mention:
    """One post from one platform, before and after scoring.

    `source` is the platform (``reddit``, ``mastodon``...) so the same post found by two
    configured sources of one platform is stored once; `source_name` is the configured source
    that found it.  `replication_value` is the source's cursor value for this record
    (a sortable string: an epoch, an ISO time or a numeric id).
    """

    source: str
    external_id: str
    url: str | None
    text: str
    created_at: datetime
    author: Author = field(default_factory=Author)
    engagement: Engagement = field(default_factory=Engagement)
    language: str | None = None
    title: str | None = None
    rating: int | None = None
    # when the team (e.g. the app developer) already replied on the platform itself
    replied_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    source_name: str | None = None
    replication_value: str | None = None
    # filled by matching and scoring
    brands: list[str] = field(default_factory=list)
    sentiment_label: str | None = None
    sentiment_score: float | None = None
    sentiment_reasons: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError(f"{self.source}:{self.external_id}: created_at must be timezone-aware")
        self.created_at = self.created_at.astimezone(timezone.utc)
        if self.replied_at is not None:
            if self.replied_at.tzinfo is None:
                raise ValueError(f"{self.source}:{self.external_id}: replied_at must be timezone-aware")
            self.replied_at = self.replied_at.astimezone(timezone.utc)

    @property
    def full_text(self) -> str:
        """Title and body together: what matching and scoring read."""
        if self.title and self.title not in self.text:
            return f"{self.title}\n{self.text}" if self.text else self.title
        return self.text
