"""Bluesky XRPC: `POST /bluesky/xrpc/com.atproto.server.createSession` and `.refreshSession`,
`GET /bluesky/xrpc/app.bsky.feed.searchPosts`, `app.bsky.actor.getProfiles`, `app.bsky.feed.getPosts`.

Sessions are real (HS256-signed) JWTs: the access token lives `ACCESS_TTL` seconds and an
expired one is answered `400 {"error": "ExpiredToken"}`, as the PDS does. Logged-out search is
refused. `searchPosts` honours `q`, `sort=latest`, `since`, `until`, `lang`, `limit` (1-100, 25)
and an opaque `cursor`. Every response carries the `RateLimit-*` headers (3,000 per 5 min).
Test knob: `server.store.meta("bluesky")["expire_next_access_tokens"] = n` issues the next n
access tokens already expired.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from datetime import datetime, timezone
from typing import Any

import jwt

from care_monitor.replay.routing import Call, Reply, Route, matches_query

PREFIX = "bluesky"
SOURCE_TYPE = "bluesky"

# The replay's one account; tests and the demo give these through environment variables.
HANDLE = "care.nordwind.example"
APP_PASSWORD = "replay-app-pass"
DID = "did:plc:replaycareteam00000000"
ACCESS_TTL = 7200
REFRESH_TTL = 90 * 86400
LIMIT, WINDOW = 3000, 300
_SIGNING_KEY = "replay-server-signing-key-not-a-secret"
_lock = threading.Lock()


def _xrpc_error(status: int, error: str, message: str) -> Reply:
    return Reply(status=status, body={"error": error, "message": message})


def _issue(scope: str, ttl: int) -> str:
    now = int(time.time())
    claims = {"scope": scope, "sub": DID, "iat": now, "exp": now + ttl,
              "jti": base64.urlsafe_b64encode(hashlib.sha256(f"{time.time_ns()}".encode()).digest()[:9]).decode()}
    return jwt.encode(claims, _SIGNING_KEY, algorithm="HS256")


def _session(call: Call) -> dict[str, Any]:
    state = call.meta()
    with _lock:
        expired = state.get("expire_next_access_tokens", 0) > 0
        if expired:
            state["expire_next_access_tokens"] -= 1
    return {"did": DID, "handle": HANDLE, "email": "care@nordwind.example", "active": True,
            "accessJwt": _issue("com.atproto.access", -60 if expired else ACCESS_TTL),
            "refreshJwt": _issue("com.atproto.refresh", REFRESH_TTL)}


def _bearer_error(call: Call, scope: str) -> Reply | None:
    header = call.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return _xrpc_error(401, "AuthenticationRequired", "Authentication Required")
    try:
        claims = jwt.decode(header.removeprefix("Bearer "), _SIGNING_KEY, algorithms=["HS256"])
    except jwt.ExpiredSignatureError:
        return _xrpc_error(400, "ExpiredToken", "Token has expired")
    except jwt.PyJWTError:
        return _xrpc_error(400, "InvalidToken", "Token could not be verified")
    if claims.get("scope") != scope:
        return _xrpc_error(400, "InvalidToken", "Bad token scope")
    return None


def _rate_headers(call: Call) -> dict[str, str]:
    with _lock:
        _requests = call.meta().setdefault("_rate", {"count": 0, "window_start": time.time()})
        now = time.time()
        if now - _requests["window_start"] >= WINDOW:
            _requests["window_start"], _requests["count"] = now, 0
        _requests["count"] += 1
        remaining = max(0, LIMIT - _requests["count"])
        reset = int(_requests["window_start"] + WINDOW)
    return {"RateLimit-Limit": str(LIMIT), "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset), "RateLimit-Policy": f"{LIMIT};w={WINDOW}"}


def create_session(call: Call) -> Reply:
    try:
        body = json.loads(call.body or b"{}")
    except json.JSONDecodeError:
        return _xrpc_error(400, "InvalidRequest", "Request body must be JSON")
    if body.get("identifier") != HANDLE or body.get("password") != APP_PASSWORD:
        return _xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
    return Reply(body=_session(call))


def refresh_session(call: Call) -> Reply:
    return _bearer_error(call, "com.atproto.refresh") or Reply(body=_session(call))


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _uri(record: dict[str, Any]) -> str:
    return f"at://{record['author']['did']}/app.bsky.feed.post/{record['rkey']}"


def post_view(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    created = call.created(record)
    author = {k: v for k, v in record["author"].items() if k != "followersCount"}
    author.setdefault("avatar", f"https://cdn.bsky.app/img/avatar/plain/{author['did']}/a@jpeg")
    author.setdefault("labels", [])
    return {
        "uri": _uri(record),
        "cid": "bafyrei" + hashlib.sha256(_uri(record).encode()).hexdigest()[:52],
        "author": author,
        "record": {"$type": "app.bsky.feed.post", "createdAt": _iso(created),
                   **record["record"]},
        "replyCount": record.get("replyCount", 0),
        "repostCount": record.get("repostCount", 0),
        "likeCount": record.get("likeCount", 0),
        "quoteCount": record.get("quoteCount", 0),
        "indexedAt": _iso(created),
        "labels": [],
    }


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def search_posts(call: Call) -> Reply:
    denied = _bearer_error(call, "com.atproto.access")
    if denied:
        return denied
    query = call.arg("q") or ""
    if not query.strip():
        return _xrpc_error(400, "InvalidRequest", 'Error: Params must have the property "q"')
    limit = call.int_arg("limit", 25)
    if not 1 <= limit <= 100:
        return _xrpc_error(400, "InvalidRequest", "Error: limit must be between 1 and 100")
    try:
        since, until = _parse_time(call.arg("since")), _parse_time(call.arg("until"))
    except ValueError:
        return _xrpc_error(400, "InvalidRequest", "Error: since/until must be a datetime")
    lang = call.arg("lang")
    found = [
        r for r in call.posts()
        if matches_query(query, r["record"].get("text"))
        and (since is None or call.created(r) >= since)
        and (until is None or call.created(r) < until)
        and (lang is None or lang in r["record"].get("langs", []))
    ]
    offset = int(call.arg("cursor") or 0)
    page = found[offset:offset + limit]
    body: dict[str, Any] = {"hitsTotal": len(found), "posts": [post_view(call, r) for r in page]}
    if offset + limit < len(found):
        body["cursor"] = str(offset + limit)
    return Reply(body=body, headers=_rate_headers(call))


def get_profiles(call: Call) -> Reply:
    denied = _bearer_error(call, "com.atproto.access")
    if denied:
        return denied
    wanted = call.query.get("actors", [])
    if len(wanted) > 25:
        return _xrpc_error(400, "InvalidRequest", "Error: actors must not have more than 25 elements")
    authors = {r["author"]["did"]: r["author"] for r in call.posts()}
    profiles = [
        {"did": a["did"], "handle": a["handle"], "displayName": a.get("displayName", ""),
         "followersCount": a.get("followersCount", 0), "followsCount": 120, "postsCount": 345,
         "indexedAt": "2024-01-01T00:00:00.000Z", "labels": []}
        for did, a in authors.items() if did in wanted
    ]
    return Reply(body={"profiles": profiles}, headers=_rate_headers(call))


def get_posts(call: Call) -> Reply:
    denied = _bearer_error(call, "com.atproto.access")
    if denied:
        return denied
    wanted = call.query.get("uris", [])
    posts = [post_view(call, r) for r in call.posts() if _uri(r) in wanted]
    return Reply(body={"posts": posts}, headers=_rate_headers(call))


def malformed() -> Reply:
    return Reply(body=b'{"cursor": "25", "hitsTotal": 3, "posts": [{"uri": "at://did:plc:')


ROUTES = [
    Route("POST", r"xrpc/com\.atproto\.server\.createSession", create_session),
    Route("POST", r"xrpc/com\.atproto\.server\.refreshSession", refresh_session),
    Route("GET", r"xrpc/app\.bsky\.feed\.searchPosts", search_posts),
    Route("GET", r"xrpc/app\.bsky\.actor\.getProfiles", get_profiles),
    Route("GET", r"xrpc/app\.bsky\.feed\.getPosts", get_posts),
]
