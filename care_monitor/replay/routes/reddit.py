"""Reddit listings: `/reddit/search.json`, `/reddit/r/{sub}/new.json`,
`/reddit/r/{sub}/search.json`, and the OAuth token endpoint
`POST /reddit/api/v1/access_token` (client credentials).

Like Reddit, titles and selftext are HTML-escaped unless `raw_json=1`; `after` is the
fullname of the last item of the previous page; a bearer token is checked when sent.
"""

from __future__ import annotations

import base64
import html
import secrets
from typing import Any
from urllib.parse import parse_qs

from care_monitor.replay.ratelimit import RateLimitSpec
from care_monitor.replay.routing import Call, Reply, Route, json_error, matches_query

PREFIX = "reddit"
SOURCE_TYPE = "reddit"
RATE_LIMIT = RateLimitSpec(limit=100, window_seconds=600, style="reddit")

# The replay's one OAuth app; tests configure these through environment variables.
CLIENT_ID = "replay-client"
CLIENT_SECRET = "replay-secret"
_issued_tokens: set[str] = set()


def thing(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in record.items() if k not in ("age_min", "_seq")}
    data["created_utc"] = float(int(call.created(record).timestamp()))
    data["created"] = data["created_utc"]
    data.setdefault("name", f"t3_{data['id']}")
    data.setdefault("permalink", f"/r/{data['subreddit']}/comments/{data['id']}/")
    if call.arg("raw_json") != "1":
        for key in ("title", "selftext"):
            if isinstance(data.get(key), str):
                data[key] = html.escape(data[key], quote=False)
    return {"kind": "t3", "data": data}


def _listing(call: Call, records: list[dict[str, Any]]) -> Reply:
    refused = _check_bearer(call)
    if refused:
        return refused
    limit = call.int_arg("limit", 25, maximum=100)
    after = call.arg("after")
    names = [r.get("name") or f"t3_{r['id']}" for r in records]
    if after:  # an unknown `after` gives an empty page, as on Reddit
        start = names.index(after) + 1 if after in names else len(records)
    else:
        start = 0
    page = records[start:start + limit]
    more = start + limit < len(records)
    children = [thing(call, r) for r in page]
    return Reply(body={
        "kind": "Listing",
        "data": {
            "after": children[-1]["data"]["name"] if more and children else None,
            "dist": len(children),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    })


def _check_bearer(call: Call) -> Reply | None:
    auth = call.headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and auth.split(" ", 1)[1] not in _issued_tokens:
        return json_error(401, "Unauthorized")
    return None


def _search(call: Call, subreddit: str | None) -> Reply:
    query = call.arg("q", "") or ""
    records = [
        r for r in call.posts()
        if matches_query(query, r.get("title"), r.get("selftext"))
        and (subreddit is None or r["subreddit"].lower() == subreddit.lower())
    ]
    return _listing(call, records)


def search(call: Call) -> Reply:
    return _search(call, None)


def subreddit_search(call: Call) -> Reply:
    restrict = call.arg("restrict_sr") in ("1", "true", "on")
    return _search(call, call.path_params["sub"] if restrict else None)


def subreddit_new(call: Call) -> Reply:
    sub = call.path_params["sub"].lower()
    records = [r for r in call.posts() if r["subreddit"].lower() == sub]
    if not records and sub not in {s.lower() for s in call.meta().get("subreddits", [])}:
        return json_error(404, "Not Found")
    return _listing(call, records)


def access_token(call: Call) -> Reply:
    auth = call.headers.get("authorization", "")
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    form = parse_qs(call.body.decode("utf-8"))
    if auth != f"Basic {expected}" or form.get("grant_type") != ["client_credentials"]:
        return json_error(401, "invalid_client")
    token = secrets.token_urlsafe(16)
    _issued_tokens.add(token)
    return Reply(body={
        "access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"
    })


ROUTES = [
    Route("GET", r"search\.json", search),
    Route("GET", r"r/(?P<sub>\w+)/new\.json", subreddit_new),
    Route("GET", r"r/(?P<sub>\w+)/search\.json", subreddit_search),
    Route("POST", r"api/v1/access_token", access_token),
]
