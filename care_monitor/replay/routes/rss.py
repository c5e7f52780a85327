"""RSS 2.0, Atom and Google Alerts feeds: `GET /rss/{feed}.xml`.

Feeds are described in `data/rss.json` (`feeds`: name -> format and title) and their
entries are its `posts` (each with `feed`). Google Alerts entries are Atom with an HTML
`title` and a Google redirect link carrying the real URL in `url=`. An entry with
`"undated": true` has no date, as some feeds do.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from care_monitor.replay.routing import Call, Reply, Route

PREFIX = "rss"
SOURCE_TYPE = "rss"
XML = "application/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _rss(call: Call, feed: dict[str, Any], entries: list[dict[str, Any]]) -> str:
    items = []
    for entry in entries:
        parts = [
            f"<title>{escape(entry['title'])}</title>",
            f"<link>{escape(entry['link'])}</link>",
            f'<guid isPermaLink="false">{escape(entry["id"])}</guid>',
            f"<description>{escape(entry.get('content', ''))}</description>",
        ]
        if entry.get("author"):
            parts.append(f"<dc:creator>{escape(entry['author'])}</dc:creator>")
        if not entry.get("undated"):
            parts.append(f"<pubDate>{format_datetime(call.created(entry), usegmt=True)}</pubDate>")
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(feed['title'])}</title>"
        f"<link>{escape(feed.get('link', call.base_url))}</link>"
        f"<description>{escape(feed.get('description', ''))}</description>"
        f"<language>{escape(feed.get('language', 'en'))}</language>"
        + "".join(items) + "</channel></rss>\n"
    )


def _google_redirect(url: str, entry_id: str) -> str:
    query = urlencode({"rct": "j", "sa": "t", "url": url, "ct": "ga", "cd": "CAIyGjE",
                       "usg": f"AOvVaw{entry_id[-8:]}"})
    return f"https://www.google.com/url?{query}"


def _atom(call: Call, name: str, feed: dict[str, Any], entries: list[dict[str, Any]]) -> str:
    google = feed["format"] == "google-alerts"
    dated = [call.created(e) for e in entries if not e.get("undated")]
    updated = _iso(max(dated)) if dated else _iso(call.store.anchor)
    feed_id = (f"tag:google.com,2005:reference:user/00000000000000000000/alerts/{name}"
               if google else f"{call.base_url}/{name}.xml")
    rendered = []
    for entry in entries:
        link = _google_redirect(entry["link"], entry["id"]) if google else entry["link"]
        entry_id = f"tag:google.com,2013:googlealerts/feed:{entry['id']}" if google else entry["id"]
        parts = [
            f"<id>{escape(entry_id)}</id>",
            f'<title type="html">{escape(entry["title"])}</title>',
            f"<link href={quoteattr(link)}></link>",
        ]
        if not entry.get("undated"):
            moment = _iso(call.created(entry))
            parts.append(f"<published>{moment}</published><updated>{moment}</updated>")
        parts.append(f'<content type="html">{escape(entry.get("content", ""))}</content>')
        parts.append(f"<author><name>{escape(entry.get('author', ''))}</name></author>")
        rendered.append("<entry>" + "".join(parts) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">'
        f"<id>{escape(feed_id)}</id><title>{escape(feed['title'])}</title>"
        f'<link href={quoteattr(f"{call.base_url}/{name}.xml")} rel="self"></link>'
        f"<updated>{updated}</updated>"
        + "".join(rendered) + "</feed>\n"
    )


def feed(call: Call) -> Reply:
    name = call.path_params["name"]
    feeds = call.meta().get("feeds", {})
    if name not in feeds:
        return Reply(status=404, body="<html><body>Not Found</body></html>",
                     content_type="text/html")
    description = feeds[name]
    entries = [p for p in call.posts() if p["feed"] == name]
    if description["format"] == "rss":
        return Reply(body=_rss(call, description, entries), content_type=XML)
    return Reply(body=_atom(call, name, description, entries), content_type=ATOM)


def malformed() -> Reply:
    return Reply(body="<html><body><h1>502 Bad Gateway</h1><p>upstream <b>timed out",
                 content_type=XML)


ROUTES = [Route("GET", r"(?P<name>[\w.-]+)\.xml", feed)]
