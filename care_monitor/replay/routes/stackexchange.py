"""Stack Exchange API 2.3: `GET /stackexchange/2.3/search/advanced` (gzip-compressed, as the
real API always is).

Honours `q`, `site`, `sort=creation`, `order`, `page`, `pagesize` (max 100), `fromdate`,
`todate` and `filter=withbody`. Every response carries `quota_max`/`quota_remaining`
(300 a day, 10,000 with one of `KEYS`); past the quota, error 502 `throttle_violation`.
Test knob: `server.store.meta("stackexchange")["backoff_once"] = seconds` adds `backoff` to
the next response; counters live in the same per-server dict.
"""

from __future__ import annotations

import gzip
import json
import threading
from typing import Any

from care_monitor.replay.routing import Call, Reply, Route, matches_query

PREFIX = "stackexchange"
SOURCE_TYPE = "stackexchange"
KEYS = {"replay-se-key"}
QUOTA = {"keyless": 300, "key": 10_000}
_lock = threading.Lock()


def _reply(body: dict[str, Any], status: int = 200) -> Reply:
    return Reply(status=status, body=gzip.compress(json.dumps(body, ensure_ascii=False).encode()),
                 headers={"Content-Encoding": "gzip"})


def _error(status: int, error_id: int, name: str, message: str) -> Reply:
    return _reply({"error_id": error_id, "error_message": message, "error_name": name}, status)


def question(call: Call, record: dict[str, Any], with_body: bool) -> dict[str, Any]:
    created = int(call.created(record).timestamp())
    fields = {k: v for k, v in record.items() if k not in ("site", "body", "age_min", "_seq")}
    item = {"tags": fields.pop("tags"), **fields, "last_activity_date": created, "creation_date": created,
            "content_license": "CC BY-SA 4.0",
            "link": f"https://{record['site']}.com/questions/{record['question_id']}/q"}
    if with_body:
        item["body"] = record["body"]
    return item


def search_advanced(call: Call) -> Reply:
    key = call.arg("key")
    if key is not None and key not in KEYS:
        return _error(400, 400, "bad_parameter", "key")
    tier = "key" if key else "keyless"
    state = call.meta()
    with _lock:
        used = state.setdefault("_used", {"keyless": 0, "key": 0})
        if used[tier] >= QUOTA[tier]:
            return _error(400, 502, "throttle_violation",
                          "too many requests from this IP, more requests available in 82374 seconds")
        used[tier] += 1
        remaining = QUOTA[tier] - used[tier]
        backoff = state.pop("backoff_once", 0)
    site = call.arg("site")
    if not site:
        return _error(400, 400, "bad_parameter", "site is required")
    query = call.arg("q") or ""
    fromdate, todate = call.int_arg("fromdate", 0), call.int_arg("todate", 2**62)
    records = [r for r in call.posts()
               if r["site"] == site and matches_query(query, r["title"], r["body"])
               and fromdate <= int(call.created(r).timestamp()) <= todate]
    if call.arg("order") == "asc":
        records.reverse()
    size = call.int_arg("pagesize", 30, maximum=100)
    page = call.int_arg("page", 1)
    chunk = records[(page - 1) * size:page * size]
    body: dict[str, Any] = {
        "items": [question(call, r, call.arg("filter") == "withbody") for r in chunk],
        "has_more": page * size < len(records),
        "quota_max": QUOTA[tier], "quota_remaining": remaining,
    }
    if backoff:
        body["backoff"] = backoff
    return _reply(body)


def malformed() -> Reply:
    return Reply(body=gzip.compress(b'{"items": [{"tags": ["api"], "owner": {'),
                 headers={"Content-Encoding": "gzip"})


ROUTES = [Route("GET", r"2\.3/search/advanced", search_advanced)]
