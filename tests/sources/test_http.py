"""HttpClient against the replay server: retries, rate-limit waits, fast failures, redaction."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from care_monitor.replay import Fault, ReplayServer
from care_monitor.sources.base import Request
from care_monitor.sources.errors import (
    RateLimited,
    SourceAuthError,
    SourceError,
    SourceNotFound,
)
from care_monitor.sources.http import HttpClient, HttpResponse, redact_url

HN_PATH = "/hn/api/v1/search_by_date"


@pytest.fixture
def client(sleeps: list[float]) -> HttpClient:
    return HttpClient("hn-test", timeout=5, max_retries=3, sleep=sleeps.append)


def hn_request(replay: ReplayServer, **params: str) -> Request:
    return Request(replay.url + HN_PATH, {"query": "nordwind", **params})


def test_get_returns_json_body_and_headers(replay, client):
    response = client.get(hn_request(replay))
    assert response.status == 200
    assert response.json()["nbHits"] > 0
    assert response.headers["content-type"].startswith("application/json")
    assert client.stats.requests == 1 and client.stats.retries == 0


def test_5xx_is_retried_with_backoff_then_succeeds(replay, client, sleeps):
    replay.inject(HN_PATH, Fault(status=503), times=2)
    response = client.get(hn_request(replay))
    assert response.status == 200
    assert client.stats.retries == 2
    assert client.stats.requests == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]  # exponential


def test_5xx_every_time_fails_after_the_retries(replay, client):
    replay.inject(HN_PATH, Fault(status=500), times=10)
    with pytest.raises(SourceError, match=r"hn-test: GET .* failed after 4 attempts: HTTP 500"):
        client.get(hn_request(replay))
    assert client.stats.requests == 4
    assert client.stats.errors  # recorded for source_runs


def test_429_waits_retry_after_seconds(replay, client, sleeps):
    replay.inject(HN_PATH, Fault(status=429, retry_after=7))
    assert client.get(hn_request(replay)).status == 200
    assert sleeps == [7.0]
    assert client.stats.rate_limited_waits == 1
    assert client.stats.waited_seconds == 7.0
    assert client.stats.retries == 0


def test_429_waits_until_retry_after_http_date(replay, client, sleeps):
    moment = datetime.now(timezone.utc) + timedelta(seconds=30)
    replay.inject(HN_PATH, Fault(status=429, retry_after=format_datetime(moment, usegmt=True)))
    client.get(hn_request(replay))
    assert len(sleeps) == 1 and 20 < sleeps[0] <= 31


def test_403_with_rate_limit_headers_is_a_rate_limit(replay, client, sleeps):
    replay.inject(HN_PATH, Fault(status=403, headers={"X-RateLimit-Remaining": "0",
                                                       "X-RateLimit-Reset": "12"}))
    assert client.get(hn_request(replay)).status == 200
    assert sleeps == [12.0] and client.stats.rate_limited_waits == 1


def test_wait_longer_than_max_wait_fails_saying_until_when(replay, client, sleeps):
    replay.inject(HN_PATH, Fault(status=429, retry_after=3600))
    with pytest.raises(RateLimited, match=r"rate limited until \d{4}-\d\d-\d\dT.*longer than the 120s"):
        client.get(hn_request(replay))
    assert sleeps == []


def test_quota_used_up_waits_for_the_iso_reset_before_the_next_request(replay, client, sleeps):
    reset = (datetime.now(timezone.utc) + timedelta(seconds=40)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    replay.inject(HN_PATH, Fault(headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}))
    client.get(hn_request(replay))
    assert sleeps == [] and client.stats.quota_remaining == 0
    client.get(hn_request(replay))
    assert len(sleeps) == 1 and 30 < sleeps[0] <= 41
    assert client.stats.rate_limited_waits == 1


def test_quota_reset_in_seconds_as_reddit_sends_it(replay, client, sleeps):
    replay.inject(HN_PATH, Fault(headers={"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "9"}))
    client.get(hn_request(replay))
    client.get(hn_request(replay))
    assert len(sleeps) == 1 and 8 < sleeps[0] <= 9


@pytest.mark.parametrize("status, error", [(401, SourceAuthError), (403, SourceAuthError),
                                           (404, SourceNotFound)])
def test_client_errors_fail_fast(replay, client, sleeps, status, error):
    replay.inject(HN_PATH, Fault(status=status))
    with pytest.raises(error, match=f"hn-test: GET .* returned HTTP {status}"):
        client.get(hn_request(replay))
    assert client.stats.requests == 1 and sleeps == []


def test_unknown_path_is_not_found(replay, client):
    with pytest.raises(SourceNotFound, match="check base_url"):
        client.get(Request(replay.url + "/hn/api/v9/nothing"))


def test_connection_refused_is_retried_then_fails_clearly(client, sleeps):
    with pytest.raises(SourceError, match=r"hn-test: GET http://127\.0\.0\.1:9/x failed after 4 attempts: cannot connect"):
        client.get(Request("http://127.0.0.1:9/x"))
    assert client.stats.retries == 3


def test_errors_never_show_secrets(replay, client):
    replay.inject(HN_PATH, Fault(status=401))
    request = Request(replay.url + HN_PATH, {"apikey": "s3cr3t-key", "query": "nordwind"},
                      {"Authorization": "Bearer s3cr3t-token"})
    with pytest.raises(SourceAuthError) as raised:
        client.get(request)
    message = str(raised.value)
    assert "s3cr3t" not in message and "apikey=***" in message
    assert all("s3cr3t" not in e for e in client.stats.errors)


def test_redact_url_hides_secret_params_and_userinfo():
    url = "https://user:pw@api.example.com/v1/x?q=nordwind&access_token=abc&client_secret=def&key=ghi"
    redacted = redact_url(url)
    assert redacted == "https://api.example.com/v1/x?q=nordwind&access_token=***&client_secret=***&key=***"


def test_json_of_non_json_body_is_a_clear_value_error():
    response = HttpResponse(url="https://h.example/feed?token=t0k", status=200,
                            headers={"Content-Type": "text/html"}, text="<html>oops</html>")
    with pytest.raises(ValueError, match=r"https://h.example/feed\?token=\*\*\* is not JSON \(text/html") as raised:
        response.json()
    assert "t0k" not in str(raised.value)


def test_links_parses_the_link_header():
    header = '<https://m.example/api?max_id=5>; rel="next", <https://m.example/api?min_id=9>; rel="prev"'
    response = HttpResponse(url="u", status=200, headers={"Link": header}, text="[]")
    assert response.links["next"]["url"] == "https://m.example/api?max_id=5"
    assert response.links["prev"]["url"] == "https://m.example/api?min_id=9"


def test_take_stats_starts_fresh_counts(replay, client):
    client.get(hn_request(replay))
    taken = client.take_stats()
    assert taken.requests == 1 and client.stats.requests == 0


def test_url_without_scheme_is_a_clear_error(client):
    with pytest.raises(SourceError, match="hn-test: cannot request 'hn.example/api': MissingSchema"):
        client.get(Request("hn.example/api"))


def test_service_reason_is_short_plain_and_masks_the_requests_secrets():
    from requests.structures import CaseInsensitiveDict

    from care_monitor.sources.http import HttpResponse, service_reason

    body = ('{"error": {"code": 403, "message": "Key <b>sk-123</b> has no access. See '
            '<a href=\\"/docs\\">docs</a>", "errors": [{"reason": "forbidden"}]}}')
    response = HttpResponse("http://x", 403, CaseInsensitiveDict(), body)
    reason = service_reason(response, ["sk-123"])
    assert reason == "Key *** has no access. See docs forbidden"
    assert service_reason(HttpResponse("http://x", 500, CaseInsensitiveDict(), "<html>oops</html>")) == ""


@pytest.mark.parametrize("prefix", ["X-RateLimit", "x-rate-limit", "RateLimit"])
def test_every_spelling_of_the_reset_header_is_honoured_on_429(replay, prefix):
    from care_monitor.replay import Fault
    from care_monitor.sources.base import Request
    from care_monitor.sources.http import HttpClient

    sleeps: list[float] = []
    client = HttpClient("t", sleep=sleeps.append, clock=lambda: 1_000_000_000.0)
    replay.inject("/hn/", Fault(status=429, headers={f"{prefix}-Remaining": "0", f"{prefix}-Reset": str(1_000_000_000 + 42)}))
    client.get(Request(f"{replay.base_url('hackernews')}/api/v1/search_by_date", {"query": "x"}))
    assert sleeps == [42.0]
    assert client.stats.rate_limited_waits == 1
