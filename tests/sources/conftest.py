"""Sources run against the replay server over real HTTP on loopback; sleeps are recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from care_monitor.config import SourceConfig
from care_monitor.replay import ReplayServer
from care_monitor.sources import source_class
from care_monitor.sources.base import Page, Source, StreamResult
from care_monitor.sources.http import HttpClient


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_source(replay: ReplayServer, sleeps: list[float]) -> Callable[..., Source]:
    """`make_source("reddit", {"search": ["nordwind"]}, max_pages=2)` -> a source on the replay."""

    def make(type_name: str, params: dict[str, Any], **config: Any) -> Source:
        config.setdefault("base_url", replay.base_url(type_name))
        source_config = SourceConfig(name=f"test-{type_name}", type=type_name, params=params, **config)
        client = HttpClient(source_config.name, timeout=5, sleep=sleeps.append)
        return source_class(type_name)(source_config, client)

    return make


def fetch(source: Source, stream: str, cursor: str | None = None) -> tuple[StreamResult, list[Page]]:
    """Every page of one stream, and what the fetch covered."""
    result = StreamResult(stream=stream, old_cursor=cursor)
    pages = list(source.fetch_stream(stream, cursor, result))
    return result, pages


def mentions_of(pages: list[Page]) -> list:
    return [m for page in pages for m in page.mentions]
