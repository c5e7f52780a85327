"""YouTube Data API v3: `GET /youtube/youtube/v3/commentThreads`.

Needs `key` (one of `API_KEYS`); `videoId` or `allThreadsRelatedToChannelId`; honours
`searchTerms`, `maxResults` (1-100, 20), `pageToken`, `textFormat`. Each call costs one unit
of the daily quota (`server.store.meta("youtube")["daily_quota"]`, default 10,000); past it,
the API's 403 `quotaExceeded` error.
"""

from __future__ import annotations

import hashlib
import html
import threading
from typing import Any

from care_monitor.replay.routing import Call, Reply, Route, matches_query

PREFIX = "youtube"
SOURCE_TYPE = "youtube"
API_KEYS = {"replay-youtube-key"}
_lock = threading.Lock()


def _error(status: int, message: str, reason: str, domain: str = "global") -> Reply:
    return Reply(status=status, body={"error": {
        "code": status, "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}]}})


def _etag(value: str) -> str:
    return hashlib.sha1(value.encode()).hexdigest()[:27]


def thread(call: Call, record: dict[str, Any], plain: bool) -> dict[str, Any]:
    when = call.created(record).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = record["textOriginal"]
    channel = record["authorChannelId"]
    return {
        "kind": "youtube#commentThread", "etag": _etag(record["commentId"] + "t"), "id": record["commentId"],
        "snippet": {
            "channelId": record["channelId"], "videoId": record["videoId"],
            "topLevelComment": {
                "kind": "youtube#comment", "etag": _etag(record["commentId"]), "id": record["commentId"],
                "snippet": {
                    "channelId": record["channelId"], "videoId": record["videoId"],
                    "textDisplay": text if plain else html.escape(text).replace("\n", "<br>"),
                    "textOriginal": text,
                    "authorDisplayName": f"@{record['authorDisplayName']}",
                    "authorProfileImageUrl": "https://yt3.ggpht.com/replay=s48-c-k-c0x00ffffff-no-rj",
                    "authorChannelUrl": f"http://www.youtube.com/channel/{channel}",
                    "authorChannelId": {"value": channel},
                    "canRate": True, "viewerRating": "none", "likeCount": record["likeCount"],
                    "publishedAt": when, "updatedAt": when,
                },
            },
            "canReply": True, "totalReplyCount": record["totalReplyCount"], "isPublic": True,
        },
    }


def comment_threads(call: Call) -> Reply:
    key = call.arg("key")
    if not key:
        return _error(403, "The request is missing a valid API key.", "forbidden")
    if key not in API_KEYS:
        return _error(400, "API key not valid. Please pass a valid API key.", "badRequest")
    state = call.meta()
    with _lock:
        if state.get("_spent", 0) >= state.get("daily_quota", 10_000):
            return _error(403, 'The request cannot be completed because you have exceeded your '
                          '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                          "quotaExceeded", "youtube.quota")
        state["_spent"] = state.get("_spent", 0) + 1
    video, channel = call.arg("videoId"), call.arg("allThreadsRelatedToChannelId")
    if not video and not channel:
        return _error(400, "No filter selected. Expected one of: videoId, allThreadsRelatedToChannelId, "
                      "channelId, id", "missingRequiredParameter")
    terms = call.arg("searchTerms")
    records = [r for r in call.posts()
               if (video is None or r["videoId"] == video)
               and (channel is None or r["channelId"] == channel)
               and (not terms or matches_query(terms, r["textOriginal"]))]
    if video and not records and video not in {r["videoId"] for r in call.posts()}:
        return _error(404, "The video identified by the <code><a href=\"/youtube/v3/docs/commentThreads/"
                      "list#videoId\">videoId</a></code> parameter could not be found.", "videoNotFound",
                      "youtube.commentThread")
    size = call.int_arg("maxResults", 20, maximum=100)
    offset = int(call.arg("pageToken") or 0)
    plain = call.arg("textFormat") == "plainText"
    page = records[offset:offset + size]
    body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": _etag(str(offset))}
    if offset + size < len(records):
        body["nextPageToken"] = str(offset + size)
    body["pageInfo"] = {"totalResults": len(page), "resultsPerPage": size}
    body["items"] = [thread(call, r, plain) for r in page]
    return Reply(body=body)


def malformed() -> Reply:
    return Reply(body=b'{"kind": "youtube#commentThreadListResponse", "items": [{"snippet": ')


ROUTES = [Route("GET", r"youtube/v3/commentThreads", comment_threads)]
