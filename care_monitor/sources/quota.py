"""Quotas a service reports in the response body (Stack Exchange's `quota_remaining` and
`backoff`).

`HttpClient` handles `Retry-After` and the rate-limit headers itself; a source whose service
speaks in the body records what it learnt in a `QuotaGate` after each response, and calls
`gate.wait()` before its next request: it sleeps (the client's injectable sleep) when the
reset is near, and otherwise stops the source for the run with a message saying until when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from care_monitor.sources.errors import RateLimited
from care_monitor.sources.http import HttpClient



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
