"""What a platform's route module declares, and what its handlers receive and return.

A route module in `care_monitor/replay/routes/` defines:

* `PREFIX` — the first path segment (`/hn/...`), and `SOURCE_TYPE` — the source type it
  serves (so `server.base_url("hackernews")` works too);
* `ROUTES` — a list of `Route(method, pattern, handler)`; `pattern` is a regular expression
  matched against the rest of the path, its named groups passed in `call.path_params`;
* optionally `RATE_LIMIT` (a `RateLimitSpec`) and `malformed()` returning a broken body.

Its sample posts are read from `data/<PREFIX>.json` when that file exists.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from care_monitor.replay.store import PostStore


@dataclass
class Call:
    method: str
    path: str
    path_params: dict[str, str]
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base_url: str  # this platform's base, e.g. http://127.0.0.1:8123/mastodon
    prefix: str
    store: PostStore

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_arg(self, name: str, default: int, maximum: int | None = None) -> int:
        try:
            value = int(self.arg(name) or default)
        except ValueError:
            value = default
        return min(value, maximum) if maximum else value

    def posts(self) -> list[dict[str, Any]]:
        return self.store.posts(self.prefix)

    def meta(self) -> dict[str, Any]:
        return self.store.meta(self.prefix)

    def created(self, record: dict[str, Any]) -> datetime:
        return self.store.created(record)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list | None = None
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Handler

    def match(self, method: str, rest: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = re.fullmatch(self.pattern, rest)
        return found.groupdict() if found else None


def discover() -> dict[str, ModuleType]:
    """Every route module, by its PREFIX."""
    from care_monitor.replay import routes

    modules: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(routes.__path__):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        if hasattr(module, "PREFIX"):
            modules[module.PREFIX] = module
    return modules


def json_error(status: int, message: str, **headers: str) -> Reply:
    return Reply(status=status, body={"error": message}, headers=dict(headers))


def words(text: str) -> list[str]:
    return [w for w in re.split(r"\W+", text.casefold()) if w]


def matches_query(query: str, *fields: str | None) -> bool:
    """Every word of the query appears (as a word prefix) in the fields: search-engine-ish."""
    haystack = words(" ".join(f for f in fields if f))
    return all(any(h.startswith(w) for h in haystack) for w in words(query))
