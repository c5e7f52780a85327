"""The replay server's posts: bundled sample data plus posts added at run time.

Sample records are in each service's response shape, except that times are given as
`age_min` (minutes before the server's anchor time), so the demo's posts are recent.
"""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@dataclass
class Platform:
    """One platform's sample file: `posts` plus any other keys (`meta`)."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


class PostStore:
    def __init__(self, anchor: datetime, clock=lambda: datetime.now(timezone.utc)) -> None:
        if anchor.tzinfo is None:
            anchor = anchor.replace(tzinfo=timezone.utc)
        self.anchor = anchor.astimezone(timezone.utc)
        self._clock = clock
        self._platforms: dict[str, Platform] = {}
        self._lock = threading.Lock()
        self._sequence = 0

    def load(self, prefix: str, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        posts = data.pop("posts", [])
        self._platforms[prefix] = Platform(meta=data)
        self.add(prefix, posts)

    def add(self, prefix: str, posts: list[dict[str, Any]]) -> None:
        """Add posts; one without `age_min` is dated now (newer than every sample post)."""
        with self._lock:
            platform = self._platforms.setdefault(prefix, Platform())
            for post in posts:
                record = copy.deepcopy(post)
                if "age_min" not in record:
                    record["age_min"] = (self.anchor - self._clock()).total_seconds() / 60
                self._sequence += 1
                record["_seq"] = self._sequence
                platform.posts.append(record)

    def posts(self, prefix: str) -> list[dict[str, Any]]:
        """A snapshot, newest first (ties: the later added first)."""
        with self._lock:
            posts = list(self._platforms.get(prefix, Platform()).posts)
        return sorted(posts, key=lambda p: (-p["age_min"], p["_seq"]), reverse=True)

    def meta(self, prefix: str) -> dict[str, Any]:
        return self._platforms.get(prefix, Platform()).meta

    def created(self, record: dict[str, Any]) -> datetime:
        return self.anchor - timedelta(minutes=record["age_min"])
