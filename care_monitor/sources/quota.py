"""Quotas a service reports in its own words: non-standard rate-limit headers (X's
`x-rate-limit-*`, Bluesky's `RateLimit-*`), quota fields in the body (Stack Exchange's
`quota_remaining` and `backoff`) and daily unit budgets (YouTube).

`HttpClient` handles `Retry-After` and `X-RateLimit-*` itself; a source whose service speaks
differently records what it learnt in a `QuotaGate` after each response, and calls
`gate.wait()` before its next request: it sleeps (the client's injectable sleep) when the
reset is near, and otherwise stops the source for the run with a message saying until when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from care_monitor.sources.errors import RateLimited
from care_monitor.sources.http import HttpClient

_EPOCH_THRESHOLD = 1_000_000_000


@dataclass
class QuotaGate:
    source_name: str
    client: HttpClient
    resume_at: float | None = None  # epoch seconds
    reason: str = ""

    def block_until(self, resume_at: float, reason: str) -> None:
        """No request before `resume_at` (epoch seconds)."""
        if self.resume_at is None or resume_at > self.resume_at:
            self.resume_at, self.reason = resume_at, reason

    def block_for(self, seconds: float, reason: str) -> None:
        self.block_until(self.client.clock() + seconds, reason)

    def note_remaining(self, remaining: int | None) -> None:
        if remaining is not None:
            self.client.stats.quota_remaining = remaining

    def note_headers(
        self, headers: Mapping[str, str], remaining_header: str, reset_header: str
    ) -> None:
        """Record the quota left; when none is left, block until the reset."""
        remaining = _number(headers.get(remaining_header))
        if remaining is None:
            return
        self.note_remaining(int(remaining))
        if remaining > 0:
            return
        reset = _number(headers.get(reset_header))
        now = self.client.clock()
        if reset is None:
            resume_at = now + 60
        else:
            resume_at = reset if reset > _EPOCH_THRESHOLD else now + reset
        self.block_until(resume_at, "no requests left in the rate-limit window")

    def would_stop(self) -> bool:
        """True when the next `wait()` would stop the run rather than sleep."""
        return (self.resume_at is not None
                and self.resume_at - self.client.clock() > self.client.max_wait)

    def wait(self) -> None:
        """Sleep until the service accepts requests again, or stop the run if that is too far.

        A stop keeps the gate closed, so the source's other streams stop at once too.
        """
        if self.resume_at is None:
            return
        seconds = self.resume_at - self.client.clock()
        if seconds <= 0:
            self.resume_at = None
            return
        if seconds > self.client.max_wait:
            until = datetime.fromtimestamp(self.resume_at, timezone.utc).isoformat(timespec="seconds")
            message = f"{self.source_name}: {self.reason}; stopping this run, quota resets at {until}"
            self.client.stats.errors.append(message)
            raise RateLimited(message)
        self.resume_at = None
        self.client.stats.rate_limited_waits += 1
        self.client.stats.waited_seconds += seconds
        self.client.sleep(seconds)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
