"""Rate-limit windows and the headers each service reports them in."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class RateLimitSpec:
    limit: int
    window_seconds: int
    style: str  # "mastodon": X-RateLimit-* with an ISO reset; "reddit": X-Ratelimit-*, seconds


class RateLimitWindow:
    """Counts requests in fixed windows, like the services do."""

    def __init__(self, spec: RateLimitSpec, clock=time.time) -> None:
        self.spec = spec
        self._clock = clock
        self._lock = threading.Lock()
        self._start = clock()
        self._used = 0

    def take(self) -> tuple[bool, dict[str, str]]:
        """Count one request: (allowed, the headers to send)."""
        with self._lock:
            now = self._clock()
            if now - self._start >= self.spec.window_seconds:
                self._start, self._used = now, 0
            self._used += 1
            allowed = self._used <= self.spec.limit
            used = min(self._used, self.spec.limit)
            reset_at = self._start + self.spec.window_seconds
        return allowed, self._headers(used, reset_at, now)

    def _headers(self, used: int, reset_at: float, now: float) -> dict[str, str]:
        remaining = self.spec.limit - used
        if self.spec.style == "reddit":
            return {
                "X-Ratelimit-Used": str(used),
                "X-Ratelimit-Remaining": f"{float(remaining):.1f}",
                "X-Ratelimit-Reset": str(max(0, round(reset_at - now))),
            }
        reset = datetime.fromtimestamp(reset_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {
            "X-RateLimit-Limit": str(self.spec.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": reset,
        }
