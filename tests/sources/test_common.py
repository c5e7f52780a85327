"""Behaviour of the first four sources beyond the shared contract (tests/sources/test_contract.py),
and the base class's credential helper."""

from __future__ import annotations

import pytest

from tests.sources.conftest import fetch, mentions_of
from tests.sources.test_contract import CASES

PAGINATED = ["hackernews", "reddit", "mastodon"]


@pytest.mark.parametrize("type_name", PAGINATED)
def test_follows_pagination_to_the_end(type_name, make_source):
    params, stream, _ = CASES[type_name]
    source = make_source(type_name, params)
    result, pages = fetch(source, stream)
    ids = [m.external_id for m in mentions_of(pages)]
    assert result.pages >= 2 and result.truncated is False
    assert len(ids) == len(set(ids)) == result.fetched
    created = [m.created_at for m in mentions_of(pages)]
    assert created == sorted(created, reverse=True)


def test_credentials_resolve_once_and_missing_ones_are_named(make_source, monkeypatch):
    from care_monitor.sources.errors import SourceAuthError

    source = make_source("youtube", {"videos": ["v1"]}, credentials={"api_key": {"env": "CM_TEST_YT_KEY"}})
    with pytest.raises(SourceAuthError, match="environment variable CM_TEST_YT_KEY is not set"):
        source.credential("api_key")
    monkeypatch.setenv("CM_TEST_YT_KEY", "k-1")
    assert source.credential("api_key") == "k-1"
    monkeypatch.setenv("CM_TEST_YT_KEY", "k-2")
    assert source.credential("api_key") == "k-1"  # resolved once per source instance
    assert source.credential("absent", required=False) is None
    with pytest.raises(SourceAuthError, match="a youtube source needs credentials.absent"):
        source.credential("absent")
