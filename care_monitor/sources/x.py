"""X (Twitter): API v2 recent search with an app bearer token (paid access).

Each query is one stream. The cursor is the newest post id (`since_id`); pages follow
`meta.next_token`. Author follower counts come in the same response through
`expansions=author_id&user.fields=public_metrics`. A long post ("note tweet", over 280
characters) has only its first ~280 characters in `text`; its whole text is `note_tweet.text`,
asked for in `tweet.fields` and used as the mention's text when present. X reports its rate
limit in `x-rate-limit-remaining` / `x-rate-limit-reset` (epoch): when a window is used up the
source waits for it, or stops for the run saying until when.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

from pydantic import Field

from care_monitor.mention import Author, Engagement, Mention
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.http import HttpResponse
from care_monitor.sources.times import parse_iso

TWEET_FIELDS = "created_at,public_metrics,lang,author_id,conversation_id,note_tweet"
USER_FIELDS = "public_metrics,username,name"
TWITTER_EPOCH_MS = 1288834974657
# Recent search covers 7 days and refuses an older since_id; leave a margin.
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=10)


class XParams(SourceParams):
    search: list[str] = Field(min_length=1, description="recent-search queries")
    max_results: int = Field(default=100, ge=10, le=100)


def snowflake_time(post_id: str) -> datetime:
    """When an X id was minted (the id's top bits are milliseconds since the X epoch)."""
    return datetime.fromtimestamp(((int(post_id) >> 22) + TWITTER_EPOCH_MS) / 1000, timezone.utc)


def json_type(value: object) -> str:
    """A value's JSON type, for errors about a response's shape."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def note_text(post: dict[str, Any]) -> str:
    """A long post's whole text, `note_tweet.text`, checked: a broken one is a clear error."""
    note = post["note_tweet"]
    if not isinstance(note, dict):
        raise ValueError(f"post {post['id']}: 'note_tweet' is {json_type(note)}, not an object")
    if "text" not in note:
        raise ValueError(f"post {post['id']}: 'note_tweet' has no 'text'")
    if not isinstance(note["text"], str):
        raise ValueError(
            f"post {post['id']}: 'note_tweet.text' is {json_type(note['text'])}, not a string"
        )
    return note["text"]


def post_text(post: dict[str, Any]) -> str:
    """The post's whole text: `text` holds only the first ~280 characters of a long post."""
    text = note_text(post) if "note_tweet" in post else post["text"]
    return html.unescape(text)  # X escapes &, < and > in post text


@register
class XSource(Source):
    type: ClassVar[str] = "x"
    platform: ClassVar[str] = "x"
    default_base_url: ClassVar[str] = "https://api.x.com"
    params_model = XParams
    params: XParams

    def streams(self) -> list[str]:
        return list(self.params.search)

    def authenticate(self, request: Request) -> Request:
        headers = {**request.headers, "Authorization": f"Bearer {self.credential('bearer_token')}"}
        return Request(request.url, request.params, headers)

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {
            "query": stream, "max_results": self.params.max_results,
            "tweet.fields": TWEET_FIELDS, "expansions": "author_id", "user.fields": USER_FIELDS,
        }
        now = datetime.fromtimestamp(self.client.clock(), timezone.utc)
        if cursor and cursor.isdigit() and now - snowflake_time(cursor) < SEARCH_WINDOW:
            params["since_id"] = cursor
        return Request(f"{self.base_url}/2/tweets/search/recent", params)

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        token = (response.json().get("meta") or {}).get("next_token")
        if not token:
            return None
        return Request(request.url, {**request.params, "next_token": token}, request.headers)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        body = response.json()
        if not isinstance(body.get("meta"), dict):
            raise ValueError("the response has no 'meta' object")
        posts = body.get("data", [])  # absent when nothing matched
        if not isinstance(posts, list):
            raise ValueError("'data' is not a list")
        users = {u["id"]: u for u in (body.get("includes") or {}).get("users", [])}
        return [self.parse_post(post, users.get(post.get("author_id"), {})) for post in posts]

    def parse_post(self, post: dict[str, Any], user: dict[str, Any]) -> Mention:
        if not str(post["id"]).isdigit():
            raise ValueError(f"post id {post['id']!r} is not numeric")
        metrics = post.get("public_metrics") or {}
        username = user.get("username")
        return Mention(
            source=self.platform,
            external_id=post["id"],
            url=f"https://x.com/{username or 'i/web'}/status/{post['id']}",
            text=post_text(post),
            created_at=parse_iso(post["created_at"]),
            author=Author(handle=username, display_name=user.get("name"),
                          followers=(user.get("public_metrics") or {}).get("followers_count")),
            engagement=Engagement(
                likes=metrics.get("like_count"),
                replies=metrics.get("reply_count"),
                shares=(metrics.get("retweet_count") or 0) + (metrics.get("quote_count") or 0),
            ),
            language=post.get("lang"),
            raw={**post, "author": user} if user else post,
            replication_value=post["id"],
        )
