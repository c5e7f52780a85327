"""The HTTP client every source uses: retries, rate limits and clear, secret-free errors.

* Timeouts, connection errors and 5xx are retried with exponential backoff (tenacity).
* 429 (or 403 carrying rate-limit headers) waits for `Retry-After` or the
  `X-RateLimit-Reset` time and retries; when a response says no requests remain, the next
  request waits for the reset first. A wait longer than `max_wait` raises `RateLimited`.
* 401/403 raise `SourceAuthError`, 404 `SourceNotFound`, other 4xx `SourceError`, at once.

Error messages name the source and the URL with secret query parameters redacted; request
headers (where tokens live) never appear in them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import parse_header_links
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from care_monitor.sources.errors import (
    RateLimited,
    SourceAuthError,
    SourceError,
    SourceNotFound,
)
from care_monitor.text import html_to_text

if TYPE_CHECKING:
    from care_monitor.sources.base import Request

DEFAULT_USER_AGENT = "care-monitor/0.1 (+https://github.com/care-monitor/care-monitor)"
SECRET_PARAMS = frozenset(
    {"apikey", "api_key", "key", "access_token", "token", "client_secret", "password", "secret",
     "sig"}
)
# Rate-limit headers as Mastodon/Reddit/GitHub (X-RateLimit-*), X (x-rate-limit-*) and the IETF
# draft Bluesky follows (RateLimit-*) spell them; header lookups are case-insensitive.
REMAINING_HEADERS = ("X-RateLimit-Remaining", "X-Rate-Limit-Remaining", "RateLimit-Remaining")
RESET_HEADERS = ("X-RateLimit-Reset", "X-Rate-Limit-Reset", "RateLimit-Reset")
SECRET_HEADERS = frozenset({"authorization", "apikey", "api-key", "x-api-key"})
# Google answers an exhausted daily quota with 403 and reasons like these.
_QUOTA_REASON = re.compile(r"quota|rate.?limit|dailyLimitExceeded", re.IGNORECASE)
_REASON_KEYS = ("message", "error_message", "error_description", "detail", "title", "reason", "error")
# A reset value above this is an epoch timestamp; below it, seconds from now.
_EPOCH_THRESHOLD = 1_000_000_000


def redact_url(url: str) -> str:
    """The URL with secret query parameters replaced by `***` and no userinfo."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode(
        [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*(),:"
    )
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def service_reason(response: HttpResponse, secrets: list[str] = ()) -> str:
    """The service's own short explanation of an error, from the usual JSON error shapes
    (`{"error": {"message", "errors": [{"reason"}]}}`, `{"error", "message"}`, `error_message`,
    `detail`...), one line, at most 160 characters, with any secret of the request masked."""
    try:
        body = json.loads(response.text)
    except (json.JSONDecodeError, ValueError):
        return ""
    parts: list[str] = []

    def collect(node: Any, depth: int = 0) -> None:
        if depth > 2 or len(parts) >= 2:
            return
        if isinstance(node, dict):
            for key in _REASON_KEYS:
                value = node.get(key)
                if isinstance(value, str) and value.strip() and value not in parts:
                    parts.append(value.strip())
                elif isinstance(value, (dict, list)):
                    collect(value, depth + 1)
            for item in node.get("errors", [])[:1] if isinstance(node.get("errors"), list) else []:
                collect(item, depth + 1)
        elif isinstance(node, list) and node:
            collect(node[0], depth + 1)

    collect(body)
    reason = " ".join(html_to_text(" ".join(parts)).split())[:160]
    for secret in secrets:
        if secret:
            reason = reason.replace(secret, "***")
    return reason


@dataclass(frozen=True, eq=False)
class HttpResponse:
    url: str
    status: int
    headers: Mapping[str, str]
    text: str
    content: bytes = b""

    def json(self) -> Any:
        """The body as JSON; a ValueError with a clear message when it is not JSON."""
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as error:
            content_type = self.headers.get("Content-Type", "unknown content type")
            snippet = self.text[:60].replace("\n", " ")
            raise ValueError(
                f"response from {redact_url(self.url)} is not JSON ({content_type}, "
                f"{error.msg} at line {error.lineno}): {snippet!r}"
            ) from None

    @property
    def links(self) -> dict[str, dict[str, str]]:
        """The `Link` header by rel, like `requests.Response.links`."""
        header = self.headers.get("Link")
        if not header:
            return {}
        return {link.get("rel") or link["url"]: link for link in parse_header_links(header)}


@dataclass
class HttpStats:
    """What a client did; the pipeline copies these into `source_runs`."""

    requests: int = 0
    retries: int = 0
    rate_limited_waits: int = 0
    waited_seconds: float = 0.0
    quota_remaining: int | None = None
    errors: list[str] = field(default_factory=list)


class _Transient(Exception):
    """A failure worth retrying after backoff (timeout, connection error, 5xx)."""


class _RetryAfter(Exception):
    """A rate-limited response: retry after `seconds`."""

    def __init__(self, seconds: float, message: str) -> None:
        super().__init__(message)
        self.seconds = seconds


class HttpClient:
    def __init__(
        self,
        source_name: str,
        *,
        timeout: float = 20,
        max_retries: int = 4,
        max_wait: float = 120,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        session: requests.Session | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.source_name = source_name
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock
        self.session = session or requests.Session()
        self.user_agent = user_agent
        self.stats = HttpStats()
        self._resume_at: float | None = None  # set when the quota is used up

    # --- public ----------------------------------------------------------------------

    def get(self, request: Request) -> HttpResponse:
        return self._send("GET", request.url, request.params, request.headers)

    def post(
        self, request: Request, data: Mapping[str, str], auth: tuple[str, str] | None = None
    ) -> HttpResponse:
        """A form POST (token endpoints); same retries and errors as `get`."""
        return self._send(
            "POST", request.url, request.params, request.headers, data=data, auth=auth
        )

    def take_stats(self) -> HttpStats:
        """The counts so far, starting fresh ones (one `source_runs` row per stream)."""
        stats, self.stats = self.stats, HttpStats(quota_remaining=self.stats.quota_remaining)
        return stats

    # --- internals -------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any],
        headers: Mapping[str, str],
        **extra: Any,
    ) -> HttpResponse:
        try:
            where = redact_url(requests.Request(method, url, params=params).prepare().url or url)
        except requests.RequestException as error:  # e.g. a base_url without http://
            raise self._fail(SourceError(
                f"{self.source_name}: cannot request {redact_url(url)!r}: {type(error).__name__}"
            )) from None
        self._wait_for_quota(where)
        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait_before_retry,
            retry=retry_if_exception_type((_Transient, _RetryAfter)),
            sleep=self.sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt(method, url, params, headers, where, extra)
        except (_Transient, _RetryAfter) as error:
            attempts = self.max_retries + 1
            raise self._fail(SourceError(
                f"{self.source_name}: {method} {where} failed after {attempts} attempts: {error}"
            )) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any],
        headers: Mapping[str, str],
        where: str,
        extra: dict[str, Any],
    ) -> HttpResponse:
        self.stats.requests += 1
        try:
            raw = self.session.request(
                method, url, params=params, headers={"User-Agent": self.user_agent, **headers},
                timeout=self.timeout, **extra,
            )
        except requests.Timeout:
            raise _Transient(f"timed out after {self.timeout:g}s") from None
        except requests.ConnectionError as error:
            raise _Transient(f"cannot connect ({type(error).__name__})") from None
        except requests.RequestException as error:
            raise self._fail(
                SourceError(f"{self.source_name}: {method} {where}: {type(error).__name__}")
            ) from None
        response = HttpResponse(
            url=raw.url, status=raw.status_code, headers=CaseInsensitiveDict(raw.headers),
            text=raw.text, content=raw.content,
        )
        self._note_quota(response)
        secrets = [str(v) for k, v in params.items() if k.lower() in SECRET_PARAMS]
        secrets += [v for k, v in headers.items() if k.lower() in SECRET_HEADERS]
        self._check_status(response, method, where, secrets)
        return response

    def _check_status(
        self, response: HttpResponse, method: str, where: str, secrets: list[str]
    ) -> None:
        status = response.status
        if status < 400:
            return
        reason = service_reason(response, secrets)
        prefix = f"{self.source_name}: {method} {where} returned HTTP {status}"
        if reason:
            prefix += f" ({reason})"
        if status == 429 or (status == 403 and _is_rate_limit(response.headers)):
            seconds = self._seconds_to_wait(response.headers)
            if seconds > self.max_wait:
                raise self._fail(RateLimited(
                    f"{prefix}: rate limited until {self._moment(seconds)}, "
                    f"longer than the {self.max_wait:g}s allowed"
                ))
            raise _RetryAfter(seconds, f"HTTP {status} (rate limited)")
        if status >= 500:
            raise _Transient(f"HTTP {status}")
        if status == 403 and _QUOTA_REASON.search(reason):
            raise self._fail(RateLimited(f"{prefix}: the service's quota is used up for now"))
        if status in (401, 403):
            raise self._fail(
                SourceAuthError(f"{prefix}: access refused; check the source's credentials")
            )
        if status in (404, 410):
            raise self._fail(
                SourceNotFound(f"{prefix}: not found; check base_url and the source's params")
            )
        raise self._fail(SourceError(f"{prefix}: {response.text[:200]!r}"))

    def _wait_before_retry(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RetryAfter):
            return error.seconds
        return wait_exponential(multiplier=self.backoff, max=60)(state)

    def _count_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        seconds = state.next_action.sleep if state.next_action else 0.0
        if isinstance(error, _RetryAfter):
            self.stats.rate_limited_waits += 1
            self.stats.waited_seconds += seconds
        else:
            self.stats.retries += 1

    def _wait_for_quota(self, where: str) -> None:
        if self._resume_at is None:
            return
        seconds = max(0.0, self._resume_at - self.clock())
        if seconds <= 0:
            self._resume_at = None
            return
        if seconds > self.max_wait:
            # The window stays closed: the source's other streams stop at once too.
            raise self._fail(RateLimited(
                f"{self.source_name}: no requests left before GET {where}; stopping this run, "
                f"quota resets at {self._moment(seconds)} (more than the {self.max_wait:g}s it may wait)"
            ))
        self._resume_at = None
        self.stats.rate_limited_waits += 1
        self.stats.waited_seconds += seconds
        self.sleep(seconds)

    def would_stop_for_quota(self) -> bool:
        """True when the next request would stop the run for a used-up quota (not just wait)."""
        return self._resume_at is not None and self._resume_at - self.clock() > self.max_wait

    def _note_quota(self, response: HttpResponse) -> None:
        remaining = _header_number(response.headers, *REMAINING_HEADERS)
        if remaining is None:
            return
        self.stats.quota_remaining = int(remaining)
        if remaining <= 0 and response.status < 400:
            self._resume_at = self.clock() + self._seconds_to_wait(response.headers)

    def _seconds_to_wait(self, headers: Mapping[str, str]) -> float:
        """Seconds from now until the service accepts requests again (at least 1)."""
        seconds = _parse_retry_after(headers.get("Retry-After"), self.clock())
        if seconds is None:
            reset = next((headers[name] for name in RESET_HEADERS if name in headers), None)
            seconds = _parse_reset(reset, self.clock())
        return max(1.0, seconds if seconds is not None else 60.0)

    def _moment(self, seconds_from_now: float) -> str:
        moment = datetime.fromtimestamp(round(self.clock() + seconds_from_now), timezone.utc)
        return moment.isoformat(timespec="seconds")

    def _fail(self, error: SourceError) -> SourceError:
        self.stats.errors.append(str(error))
        return error


def _is_rate_limit(headers: Mapping[str, str]) -> bool:
    return "Retry-After" in headers or _header_number(headers, *REMAINING_HEADERS) == 0


def _header_number(headers: Mapping[str, str], *names: str) -> float | None:
    """The first of these headers that is present, as a number."""
    value = next((headers[name] for name in names if name in headers), None)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` is either delay-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError):
        return None


def _parse_reset(value: str | None, now: float) -> float | None:
    """`X-RateLimit-Reset`: seconds (Reddit), an epoch, or an ISO timestamp (Mastodon)."""
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp() - now
    return number - now if number > _EPOCH_THRESHOLD else number
