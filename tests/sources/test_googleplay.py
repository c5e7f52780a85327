"""Google Play reviews: service-account JWT bearer flow, replies, ratings, devices."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from care_monitor.sources.errors import SourceAuthError
from tests.sources.conftest import fetch, mentions_of
from tests.sources.credentials import use_replay_credentials

PKG = "com.nordwind.app"
TOKEN = "/googleplay/token"
REVIEWS = f"/googleplay/androidpublisher/v3/applications/{PKG}/reviews"


@pytest.fixture
def play(make_source, replay, monkeypatch):
    credentials = use_replay_credentials("googleplay", replay, monkeypatch)
    return make_source("googleplay", {"packages": [PKG], "max_results": 3}, credentials=credentials)


def test_reviews_with_rating_version_device_and_developer_reply(play):
    _, pages = fetch(play, PKG)
    reviews = {m.author.display_name: m for m in mentions_of(pages)}
    mihai = reviews["Mihai D."]
    assert mihai.rating == 1 and mihai.replied_at is None
    assert mihai.text == "Nordwind app charged me twice for the same seat. Support ignores my emails."
    assert mihai.raw["app_version"] == "4.12.0" and mihai.raw["device"] == "oriole"
    assert mihai.language == "en" and mihai.engagement.likes == 21
    assert mihai.url == f"https://play.google.com/store/apps/details?id={PKG}&reviewId={mihai.external_id}"
    andrei = reviews["Andrei P."]
    assert andrei.replied_at is not None and andrei.replied_at > andrei.created_at
    assert andrei.replication_value == str(int(andrei.created_at.timestamp()))


def test_one_token_for_the_run_sent_as_bearer(play, replay):
    fetch(play, PKG)
    fetch(play, PKG)
    assert len(replay.requests_to(TOKEN)) == 1
    calls = replay.requests_to(REVIEWS)
    assert len(calls) == 4 and all(c.headers["authorization"].startswith("Bearer ya29.") for c in calls)
    assert calls[1].query["token"] == ["3"]


def test_a_key_google_does_not_know_is_refused_clearly(make_source, replay, monkeypatch):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    account = {"client_email": "stranger@evil.iam.gserviceaccount.com", "token_uri": f"{replay.url}{TOKEN}",
               "private_key": stranger.private_bytes(serialization.Encoding.PEM,
                                                     serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()).decode()}
    monkeypatch.setenv("CM_TEST_PLAY_SA", json.dumps(account))
    source = make_source("googleplay", {"packages": [PKG]}, credentials={"service_account": {"env": "CM_TEST_PLAY_SA"}})
    with pytest.raises(SourceAuthError, match="Google refused a token for service account stranger@") as raised:
        fetch(source, PKG)
    assert "PRIVATE KEY" not in str(raised.value) and replay.requests_to(REVIEWS) == []


def test_a_signature_from_the_wrong_key_is_refused(make_source, replay, monkeypatch):
    use_replay_credentials("googleplay", replay, monkeypatch)  # registers the real account
    account = json.loads(__import__("os").environ["CM_TEST_GOOGLEPLAY_SERVICE_ACCOUNT"])
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    account["private_key"] = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()).decode()
    monkeypatch.setenv("CM_TEST_GOOGLEPLAY_SERVICE_ACCOUNT", json.dumps(account))
    source = make_source("googleplay", {"packages": [PKG]},
                         credentials={"service_account": {"env": "CM_TEST_GOOGLEPLAY_SERVICE_ACCOUNT"}})
    with pytest.raises(SourceAuthError, match="Invalid JWT Signature"):
        fetch(source, PKG)


@pytest.mark.parametrize("value, message", [
    ("not json", "is not a service account JSON key"),
    ('{"client_email": "a@b", "private_key": "nope", "token_uri": "http://127.0.0.1:9/t"}',
     "private_key is not a valid RSA key"),
])
def test_a_bad_key_file_is_named_without_its_content(make_source, monkeypatch, value, message):
    monkeypatch.setenv("CM_TEST_PLAY_BAD", value)
    source = make_source("googleplay", {"packages": [PKG]}, credentials={"service_account": {"env": "CM_TEST_PLAY_BAD"}})
    with pytest.raises(SourceAuthError, match=message) as raised:
        fetch(source, PKG)
    assert value not in str(raised.value)


def test_missing_credentials_are_named(make_source):
    with pytest.raises(SourceAuthError, match="credentials.service_account"):
        fetch(make_source("googleplay", {"packages": [PKG]}), PKG)
