"""X API v2: `GET /x/2/tweets/search/recent` with an app bearer token (one of `BEARER_TOKENS`).

Honours `query`, `max_results` (10-100), `since_id`, `until_id`, `next_token`, `tweet.fields`,
`expansions=author_id` and `user.fields`; ids are snowflakes, so they sort by time. Every
response carries `x-rate-limit-limit/-remaining/-reset` (450 requests per 15 minutes).
Nothing found: `{"meta": {"result_count": 0}}`, as X answers.

Long posts ("note tweets"): a recorded text longer than 280 characters is served cut, as X cuts
it. This server's rule, an approximation of X's: keep at most the first 279 characters, drop a
word cut in the middle, and end with "…" (at most 280 characters in all). The whole text comes
as `note_tweet: {"text": ...}` only when `tweet.fields` asks for `note_tweet`. A record may give
its own `note_tweet`, served as it is (tests use it to send a broken one). Queries match the
whole recorded text, so a post naming the brand after character 280 is still found.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from care_monitor.replay.routing import Call, Reply, Route, matches_query

PREFIX = "x"
SOURCE_TYPE = "x"
BEARER_TOKENS = {"replay-x-bearer"}
TWITTER_EPOCH_MS = 1288834974657
LIMIT, WINDOW = 450, 900
TEXT_LIMIT = 280
ELLIPSIS = "…"
_lock = threading.Lock()


def post_id(call: Call, record: dict[str, Any]) -> int:
    millis = int(call.created(record).timestamp() * 1000)
    return ((millis - TWITTER_EPOCH_MS) << 22) + record["_seq"]


def _problem(status: int, title: str, detail: str, kind: str) -> Reply:
    return Reply(status=status, body={"title": title, "detail": detail, "type": kind, "status": status},
                 content_type="application/problem+json")


def _rate_headers(call: Call) -> dict[str, str]:
    with _lock:
        window = call.meta().setdefault("_rate", {"count": 0, "start": time.time()})
        if time.time() - window["start"] >= WINDOW:
            window.update(count=0, start=time.time())
        window["count"] += 1
        remaining = max(0, LIMIT - window["count"])
        reset = int(window["start"] + WINDOW)
    return {"x-rate-limit-limit": str(LIMIT), "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset)}


def shortened(text: str) -> str:
    """What X puts in `text` for a post longer than 280 characters (see the module docstring)."""
    if len(text) <= TEXT_LIMIT:
        return text
    room = TEXT_LIMIT - len(ELLIPSIS)
    head = text[:room]
    if not text[room].isspace():
        head = re.sub(r"\S+$", "", head) or head  # one unbroken word is cut where it is
    return head.rstrip() + ELLIPSIS


def note_tweet(record: dict[str, Any]) -> dict[str, Any]:
    """`{"note_tweet": ...}` for a long post (or a record giving its own), else nothing."""
    if "note_tweet" in record:
        return {"note_tweet": record["note_tweet"]}
    if len(record["text"]) > TEXT_LIMIT:
        return {"note_tweet": {"text": record["text"]}}
    return {}


def tweet(call: Call, record: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    pid = str(post_id(call, record))
    user = call.meta()["users"][record["author"]]
    item: dict[str, Any] = {"id": pid, "text": shortened(record["text"]),
                            "edit_history_tweet_ids": [pid]}
    optional = {
        "created_at": call.created(record).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "author_id": user["id"], "lang": record["lang"], "conversation_id": pid,
        "public_metrics": record["public_metrics"],
    }
    item.update({k: v for k, v in optional.items() if k in fields})
    if "note_tweet" in fields:
        item.update(note_tweet(record))
    return item


def search_recent(call: Call) -> Reply:
    if call.headers.get("authorization", "").removeprefix("Bearer ") not in BEARER_TOKENS:
        return _problem(401, "Unauthorized", "Unauthorized", "about:blank")
    query = call.arg("query") or ""
    size = call.int_arg("max_results", 10)
    if not query or not 10 <= size <= 100:
        return Reply(status=400, body={
            "errors": [{"parameters": {"max_results": [str(size)]},
                        "message": "The `max_results` query parameter value must be between 10 and 100"}],
            "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"})
    since_id = int(call.arg("since_id") or 0)
    until_id = int(call.arg("until_id") or 2**63)
    records = [r for r in call.posts()
               if matches_query(query.replace("#", " ").replace("@", " "), r["text"])
               and since_id < post_id(call, r) < until_id]
    offset = int(call.arg("next_token") or 0)
    chunk = records[offset:offset + size]
    fields = set((call.arg("tweet.fields") or "").split(","))
    headers = _rate_headers(call)
    if not chunk:
        return Reply(body={"meta": {"result_count": 0}}, headers=headers)
    body: dict[str, Any] = {"data": [tweet(call, r, fields) for r in chunk]}
    if "author_id" in (call.arg("expansions") or "").split(","):
        user_fields = set((call.arg("user.fields") or "").split(","))
        users = {}
        for record in chunk:
            user = call.meta()["users"][record["author"]]
            users[user["id"]] = {"id": user["id"], "name": user["name"], "username": user["username"],
                                 **({"public_metrics": user["public_metrics"]}
                                    if "public_metrics" in user_fields else {})}
        body["includes"] = {"users": list(users.values())}
    meta: dict[str, Any] = {"newest_id": body["data"][0]["id"], "oldest_id": body["data"][-1]["id"],
                            "result_count": len(chunk)}
    if offset + size < len(records):
        meta["next_token"] = str(offset + size)
    body["meta"] = meta
    return Reply(body=body, headers=headers)


def malformed() -> Reply:
    return Reply(body=b'{"data": [{"id": "1790000000000000000", "text": "Nordwind')


ROUTES = [Route("GET", r"2/tweets/search/recent", search_recent)]
