"""Apple App Store customer reviews:
`GET /appstore/{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json`.

50 reviews a page, pages 1-10, newest first, in the RSS-to-JSON shape: every value under
`label`, the rating a string, `entry` a single object when the page has one review and absent
when it has none. Countries listed in the data file's `legacy_countries` answer like the 2020
captures, without `updated`. Review ids grow with time, as Apple's do.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from care_monitor.replay.routing import Call, Reply, Route

PREFIX = "appstore"
SOURCE_TYPE = "appstore"
PACIFIC = timezone(timedelta(hours=-7))  # the feed's `updated` offset
PER_PAGE = 50
LAST_PAGE = 10


def _pacific(moment: datetime) -> str:
    return moment.astimezone(PACIFIC).isoformat(timespec="seconds")


def review_id(call: Call, record: dict[str, Any]) -> str:
    return str(int(call.created(record).timestamp()) * 100 + record["_seq"] % 100)


def entry(call: Call, record: dict[str, Any], legacy: bool) -> dict[str, Any]:
    rid = review_id(call, record)
    fields = {k: v for k, v in record.items() if k not in ("app", "country", "age_min", "_seq")}
    name = fields["author"]["name"]["label"]
    item = {
        "author": {"uri": {"label": f"https://itunes.apple.com/{record['country']}/reviews/id{rid[:9]}"},
                   "name": {"label": name}, "label": ""},
        "updated": {"label": _pacific(call.created(record))},
        **{k: v for k, v in fields.items() if k != "author"},
        "id": {"label": rid},
        "link": {"attributes": {"rel": "related", "href":
                 f"https://itunes.apple.com/{record['country']}/review?id={record['app']}&type=Purple%20Software"}},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
    }
    if legacy:
        del item["updated"]
    return item


def reviews(call: Call) -> Reply:
    country, app, page = call.path_params["cc"], call.path_params["app"], int(call.path_params["page"])
    legacy = country in call.meta().get("legacy_countries", [])
    records = [r for r in call.posts() if r["app"] == app and r["country"] == country]
    chunk = records[(page - 1) * PER_PAGE:page * PER_PAGE] if 1 <= page <= LAST_PAGE else []
    self_url = f"{call.base_url}/{call.path}"
    feed: dict[str, Any] = {
        "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/itunes/"}},
        "updated": {"label": _pacific(call.store.anchor)},
        "rights": {"label": "Copyright 2008 Apple Inc."},
        "title": {"label": "iTunes Store: Customer Reviews"},
        "icon": {"label": "http://itunes.apple.com/favicon.ico"},
        "link": [{"attributes": {"rel": "alternate", "type": "text/html",
                                 "href": f"https://apps.apple.com/{country}/app/id{app}"}},
                 {"attributes": {"rel": "self", "href": self_url}}],
        "id": {"label": self_url},
    }
    if legacy:
        del feed["updated"]
    entries = [entry(call, r, legacy) for r in chunk]
    if len(entries) == 1:
        feed["entry"] = entries[0]
    elif entries:
        feed["entry"] = entries
    return Reply(body={"feed": feed}, content_type="text/javascript; charset=utf-8")


def malformed() -> Reply:
    return Reply(body=b'{"feed":{"entry":[{"author":{"name":{"label":"x"}},"im:rating":',
                 content_type="text/javascript; charset=utf-8")


ROUTES = [
    Route("GET", r"(?P<cc>[a-z]{2})/rss/customerreviews/page=(?P<page>\d+)/id=(?P<app>\d+)"
                 r"/sortby=mostrecent/json", reviews),
]
