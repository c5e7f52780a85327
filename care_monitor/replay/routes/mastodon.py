"""Mastodon: `GET /mastodon/api/v1/timelines/tag/{tag}` and `GET /mastodon/api/v2/search`.

Ids are snowflake-like (creation milliseconds << 16, plus a sequence), so they sort by time.
The tag timeline honours `max_id`, `since_id`, `min_id`, `limit` (20, max 40) and `local`,
and sends a `Link` header: `next` (max_id = oldest id) only when the page is full, `prev`
(min_id = newest id) whenever it has statuses, as Mastodon's base controller does.
Search is public only without `resolve`/`offset`.
"""

from __future__ import annotations

import zlib
from typing import Any
from urllib.parse import urlencode

from care_monitor.replay.ratelimit import RateLimitSpec
from care_monitor.replay.routing import Call, Reply, Route, json_error, matches_query

PREFIX = "mastodon"
SOURCE_TYPE = "mastodon"
RATE_LIMIT = RateLimitSpec(limit=300, window_seconds=300, style="mastodon")
INSTANCE = "mastodon.example"  # the replayed instance's domain, in account and status URLs
_KEPT_PARAMS = ("limit", "local", "remote", "only_media")


def status_id(call: Call, record: dict[str, Any]) -> int:
    millis = int(call.created(record).timestamp() * 1000)
    return (millis << 16) + record["_seq"]


def status(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    sid = str(status_id(call, record))
    account = record["account"]
    username, _, domain = account["acct"].partition("@")
    host = domain or INSTANCE
    tags = record.get("tags", [])
    fields = {k: v for k, v in record.items() if k not in ("age_min", "_seq", "account", "tags")}
    return {
        "id": sid,
        "created_at": call.created(record).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None,
        "uri": f"https://{host}/users/{username}/statuses/{sid}",
        "url": f"https://{host}/@{username}/{sid}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": None,
        "reblog": None,
        "media_attachments": [],
        "mentions": [],
        "emojis": [],
        "card": None,
        "poll": None,
        **fields,
        "account": {
            "id": str(zlib.crc32(account["acct"].encode())),
            "username": username,
            "acct": account["acct"],
            "display_name": account.get("display_name", username),
            "locked": False,
            "bot": False,
            "url": f"https://{host}/@{username}",
            "followers_count": account.get("followers_count", 0),
            "following_count": account.get("following_count", 0),
            "statuses_count": account.get("statuses_count", 0),
        },
        "tags": [{"name": t, "url": f"https://{INSTANCE}/tags/{t}"} for t in tags],
    }


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def tag_timeline(call: Call) -> Reply:
    tag = call.path_params["tag"].lower()
    limit = call.int_arg("limit", 20, maximum=40)
    local_only = call.arg("local") in ("true", "1")
    max_id, since_id, min_id = (_int_or_none(call.arg(k)) for k in ("max_id", "since_id", "min_id"))
    candidates = []
    for record in call.posts():  # newest first
        sid = status_id(call, record)
        if tag not in [t.lower() for t in record.get("tags", [])]:
            continue
        if local_only and "@" in record["account"]["acct"]:
            continue
        if max_id and sid >= max_id:
            continue
        if (since_id and sid <= since_id) or (min_id and sid <= min_id):
            continue
        candidates.append(record)
    # min_id pages upwards from min_id: the oldest `limit` above it, still shown newest first
    page = candidates[-limit:] if min_id else candidates[:limit]
    statuses = [status(call, r) for r in page]
    return Reply(body=statuses, headers=_link_header(call, statuses, limit))


def _link_header(call: Call, statuses: list[dict[str, Any]], limit: int) -> dict[str, str]:
    if not statuses:
        return {}
    kept = {k: call.arg(k) for k in _KEPT_PARAMS if call.arg(k) is not None}
    base = f"{call.base_url}/{call.path}"
    links = []
    if len(statuses) == limit:
        links.append(f'<{base}?{urlencode({**kept, "max_id": statuses[-1]["id"]})}>; rel="next"')
    links.append(f'<{base}?{urlencode({**kept, "min_id": statuses[0]["id"]})}>; rel="prev"')
    return {"Link": ", ".join(links)}


def search(call: Call) -> Reply:
    authenticated = "authorization" in call.headers
    if not authenticated and (call.arg("resolve") in ("true", "1") or call.arg("offset")):
        return json_error(401, "Search queries that resolve or use offset require authentication")
    query = call.arg("q") or ""
    if not query.strip():
        return json_error(400, "Validation failed: q is missing")
    kind = call.arg("type")
    limit = call.int_arg("limit", 20, maximum=40)
    statuses = []
    if kind in (None, "statuses"):
        found = [r for r in call.posts()
                 if matches_query(query, r.get("content"), r.get("spoiler_text"))]
        statuses = [status(call, r) for r in found[:limit]]
    return Reply(body={"accounts": [], "statuses": statuses, "hashtags": []})


def malformed() -> Reply:
    return Reply(body=b'[{"id": "1", "created_at": "2025-')


ROUTES = [
    Route("GET", r"api/v1/timelines/tag/(?P<tag>[^/]+)", tag_timeline),
    Route("GET", r"api/v2/search", search),
]
