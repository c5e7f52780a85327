"""Hacker News through Algolia: `GET /hn/api/v1/search_by_date`.

Supports `query`, `tags` (`story`, `comment`, `(story,comment)`), `numericFilters` on
`created_at_i` (`>`, `>=`, `<`, `<=`, `=`; comma-separated), `page` (0-based), `hitsPerPage`.
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any

from care_monitor.replay.routing import Call, Reply, Route, json_error, matches_query

PREFIX = "hn"
SOURCE_TYPE = "hackernews"

_OPERATORS = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq
}
_FILTER = re.compile(r"^\s*(\w+)\s*(>=|<=|>|<|=)\s*(-?\d+)\s*$")


def hit(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    created = call.created(record)
    fields = {k: v for k, v in record.items() if k not in ("age_min", "_seq")}
    return {
        **fields,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "created_at_i": int(created.timestamp()),
        "updated_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _tag_filter(tags: str | None):
    if not tags:
        return lambda record_tags: True
    wanted = [t.strip() for t in tags.strip("()").split(",") if t.strip()]
    if tags.startswith("("):  # (a,b): any of them
        return lambda record_tags: any(t in record_tags for t in wanted)
    return lambda record_tags: all(t in record_tags for t in wanted)


def _numeric_filters(spec: str | None):
    checks = []
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        found = _FILTER.match(part)
        if not found:
            raise ValueError(f"invalid numericFilters {part!r}")
        name, op, value = found.groups()
        checks.append((name, _OPERATORS[op], int(value)))
    return lambda h: all(check(h.get(name, 0), value) for name, check, value in checks)


def search_by_date(call: Call) -> Reply:
    query = call.arg("query", "") or ""
    try:
        numeric_ok = _numeric_filters(call.arg("numericFilters"))
    except ValueError as error:
        return json_error(400, str(error))
    tags_ok = _tag_filter(call.arg("tags"))
    hits = [hit(call, record) for record in call.posts()]
    hits = [
        h for h in hits
        if tags_ok(h.get("_tags", []))
        and numeric_ok(h)
        and matches_query(query, h.get("title"), h.get("story_text"), h.get("comment_text"),
                          h.get("url"), h.get("author"))
    ]
    per_page = call.int_arg("hitsPerPage", 20, maximum=1000)
    page = call.int_arg("page", 0)
    pages = math.ceil(len(hits) / per_page) if per_page else 0
    return Reply(body={
        "hits": hits[page * per_page:(page + 1) * per_page],
        "nbHits": len(hits),
        "page": page,
        "nbPages": pages,
        "hitsPerPage": per_page,
        "exhaustiveNbHits": True,
        "exhaustiveTypo": True,
        "query": query,
        "params": "&".join(f"{k}={v[-1]}" for k, v in call.query.items()),
        "processingTimeMS": 1,
    })


ROUTES = [Route("GET", r"api/v1/search_by_date", search_by_date)]
