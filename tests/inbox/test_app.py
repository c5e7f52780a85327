"""The inbox app on SQLite and PostgreSQL, through FastAPI's TestClient with a fake signed-in user."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import HTTPException, Request
from fastapi.testclient import TestClient
from sqlalchemy import select

from care_monitor.inbox import create_inbox_app
from care_monitor.mention import Author
from care_monitor.storage.models import CorrectionRow

from ..storage.factories import make_mention

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SAME_SITE = {"Origin": "http://testserver"}


def header_user(request: Request) -> str:
    """The test's stand-in for Airflow's authentication: the X-User header."""
    user = request.headers.get("X-User")
    if not user:
        raise HTTPException(401, "not signed in")
    return user


def as_user(name: str = "maria") -> dict[str, str]:
    return {"X-User": name}


@pytest.fixture
def client(storage):
    app = create_inbox_app(
        storage_factory=lambda: storage,
        current_user=header_user,
        secret="test-secret",
        login_url="/login",
        clock=lambda: NOW,
    )
    return TestClient(app)


def mention(external_id: str, minutes_ago: int, **kwargs):
    replied_after = kwargs.pop("replied_after_minutes", None)
    author = kwargs.pop("author", None)
    created = NOW - timedelta(minutes=minutes_ago)
    m = replace(make_mention(external_id, **kwargs), created_at=created)
    if author is not None:
        m = replace(m, author=author)
    if replied_after is not None:
        m = replace(m, replied_at=created + timedelta(minutes=replied_after))
    return m


def seed(storage, mentions, alert_ids=None, channels=("slack", "email")):
    result = storage.upsert_mentions(mentions, now=NOW)
    ids = dict(zip([m.external_id for m in mentions], result.ids))
    wanted = ids.values() if alert_ids is None else [ids[x] for x in alert_ids]
    storage.raise_mention_alerts(wanted, -0.3, list(channels), now=NOW)
    return ids


def listed_ids(client: TestClient, **params) -> list[int]:
    response = client.get("/inbox/api/mentions", params=params, headers=as_user())
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def form_token(page: str, mention_id: int) -> str:
    match = re.search(
        rf'action="/inbox/mentions/{mention_id}/label">\s*<input type="hidden" name="csrf_token" value="([0-9a-f]+)"',
        page,
    )
    assert match, f"no correction form for mention {mention_id}"
    return match.group(1)


def test_list_shows_negative_mentions_newest_first_with_their_alerts(client, storage):
    ids = seed(
        storage,
        [
            mention("old", 300, text="Nordwind lost my bag"),
            mention("new", 5, text="Nordwind cancelled my flight", reasons=["cancelled"]),
            mention("calm", 1, text="Nordwind flight on time", label="neutral", score=0.0),
            mention("happy", 2, text="Nordwind crew were lovely", label="positive", score=0.8),
        ],
    )
    claimed = storage.claim_pending_deliveries(now=NOW, channels=["slack"])
    for delivery in claimed:
        storage.mark_delivered(delivery.id, now=NOW)

    assert listed_ids(client) == [ids["new"], ids["old"]]
    page = client.get("/inbox", headers=as_user())
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Nordwind cancelled my flight" in page.text and "Nordwind lost my bag" in page.text
    assert "Nordwind crew were lovely" not in page.text
    assert page.text.index("Nordwind cancelled my flight") < page.text.index("Nordwind lost my bag")
    assert "5 min ago" in page.text and "2026-03-02 11:55 UTC" in page.text
    assert "slack: sent" in page.text and "email: pending" in page.text
    assert 'href="https://example.social/@alice/new"' in page.text
    assert "Signed in as <strong>maria</strong>" in page.text

    item = client.get("/inbox/api/mentions", headers=as_user()).json()["items"][0]
    assert item["label"] == "negative" and item["sentiment_reasons"] == ["cancelled"]
    assert {d["channel"]: d["status"] for d in item["alert"]["deliveries"]} == {"slack": "sent", "email": "pending"}
    assert item["author"] == {"handle": "alice", "name": "Alice", "followers": 100}


def test_filters_and_pagination(client, storage):
    ids = seed(
        storage,
        [
            mention("a", 10, brands=["Nordwind"], source="reddit", source_name="reddit"),
            mention("b", 20, brands=["SkyJet"]),
            mention("c", 30, brands=["Nordwind", "SkyJet"], replied_after_minutes=15),
            mention("d", 40, brands=["Nordwind"]),
            mention("e", 50, brands=["Nordwind"], label="positive", score=0.5),
        ],
        alert_ids=["a", "c"],
    )
    assert listed_ids(client, brand="SkyJet") == [ids["b"], ids["c"]]
    assert listed_ids(client, source="reddit") == [ids["a"]]
    assert listed_ids(client, unanswered="1") == [ids["a"], ids["b"], ids["d"]]
    assert listed_ids(client, with_alert="1") == [ids["a"], ids["c"]]
    assert listed_ids(client, brand="Nordwind", with_alert="1", unanswered="1") == [ids["a"]]
    assert listed_ids(client, label="positive") == [ids["e"]]
    assert listed_ids(client, label="all", brand="Nordwind") == [ids["a"], ids["c"], ids["d"], ids["e"]]

    first = client.get("/inbox/api/mentions", params={"limit": 2}, headers=as_user()).json()
    assert [i["id"] for i in first["items"]] == [ids["a"], ids["b"]] and first["next_offset"] == 2
    rest = client.get("/inbox/api/mentions", params={"limit": 2, "offset": 2}, headers=as_user()).json()
    assert [i["id"] for i in rest["items"]] == [ids["c"], ids["d"]] and rest["next_offset"] is None

    page = client.get("/inbox", params={"limit": 2}, headers=as_user()).text
    assert 'href="/inbox?limit=2&amp;offset=2">Older' in page
    assert "answered on the platform after 15 min" in client.get(
        "/inbox", params={"brand": "SkyJet"}, headers=as_user()
    ).text

    bad = client.get("/inbox", params={"label": "angry"}, headers=as_user())
    assert bad.status_code == 400 and "unknown label &#39;angry&#39;" in bad.text
    bad_api = client.get("/inbox/api/mentions", params={"limit": 0}, headers=as_user())
    assert bad_api.status_code == 400 and "limit" in bad_api.json()["detail"]


def test_hostile_post_text_author_and_link_are_inert(client, storage):
    ids = seed(
        storage,
        [
            mention(
                "evil",
                1,
                text="<script>alert(1)</script> Nordwind <img src=x onerror=alert(2)>",
                url="javascript:alert(3)",
                reasons=["<b>bold</b>"],
                author=Author(handle="x\"><svg onload=alert(4)>", display_name="<img src=x onerror=alert(5)>", followers=12_345),
            )
        ],
    )
    response = client.get("/inbox", headers=as_user())
    page = response.text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;img src=x onerror=alert(5)&gt;" in page
    assert "<svg" not in page and "<b>bold</b>" not in page
    assert "javascript:" not in page and "link withheld" in page
    assert "12.3k followers" in page
    # defence in depth: the page may run no script at all
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    api = client.get("/inbox/api/mentions", headers=as_user()).json()["items"][0]
    assert api["id"] == ids["evil"] and api["url"] is None


def test_correction_is_stored_and_survives_a_rescore(client, storage):
    ids = seed(storage, [mention("m", 3, text="Nordwind order #4411 status?", score=-0.4)])
    mention_id = ids["m"]
    page = client.get("/inbox", headers=as_user("maria")).text
    response = client.post(
        f"/inbox/mentions/{mention_id}/label",
        data={"label": "neutral", "note": "a question, not a complaint",
              "csrf_token": form_token(page, mention_id), "back": "brand=Nordwind&evil=https://x"},
        headers={**as_user("maria"), **SAME_SITE},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == (
        f"/inbox?brand=Nordwind&saved={mention_id}&saved_label=neutral#m{mention_id}"
    )
    with storage.engine.connect() as conn:
        correction = conn.execute(select(CorrectionRow)).one()
    assert (correction.mention_id, correction.label, correction.previous_label) == (mention_id, "neutral", "negative")
    assert correction.corrected_by == "maria" and correction.note == "a question, not a complaint"

    # the scorer sees the post again and scores it differently: the person's label stays
    storage.upsert_mentions([mention("m", 3, text="Nordwind order #4411 status?", label="positive", score=0.6)])
    stored = storage.get_mention(mention_id)
    assert stored.sentiment_label == "positive" and stored.corrected_label == "neutral"
    assert listed_ids(client) == []
    assert listed_ids(client, label="neutral") == [mention_id]
    shown = client.get("/inbox", params={"label": "neutral", "saved": mention_id, "saved_label": "neutral"},
                       headers=as_user()).text
    assert "corrected from negative by maria" in shown and "a question, not a complaint" in shown
    assert f"Label of mention #{mention_id} saved as <strong>neutral</strong>" in shown


def test_cross_site_and_forged_posts_are_refused(client, storage):
    ids = seed(storage, [mention("m", 3)])
    mention_id = ids["m"]
    token = form_token(client.get("/inbox", headers=as_user("maria")).text, mention_id)
    url = f"/inbox/mentions/{mention_id}/label"
    form = {"label": "positive", "csrf_token": token}

    def post(headers, data=form):
        return client.post(url, data=data, headers={**as_user("maria"), **headers}, follow_redirects=False)

    refused = {
        "other origin": post({"Origin": "https://evil.example"}),
        "look-alike host": post({"Origin": "http://testserver.evil.example"}),
        "null origin": post({"Origin": "null", "Referer": "http://testserver/inbox"}),
        "no origin, no referer": post({}),
        "other referer": post({"Referer": "https://evil.example/page"}),
        "missing token": post(SAME_SITE, {"label": "positive"}),
        "wrong token": post(SAME_SITE, {**form, "csrf_token": "0" * 64}),
    }
    for case, response in refused.items():
        assert response.status_code == 403, case
    assert "cross-site request refused" in refused["other origin"].text
    other_user = client.post(url, data=form, headers={**as_user("mallory"), **SAME_SITE}, follow_redirects=False)
    assert other_user.status_code == 403
    assert storage.get_mention(mention_id).corrected_label is None

    # a browser that sends only a same-site Referer is fine
    assert post({"Referer": "http://testserver/inbox?label=negative"}).status_code == 303
    assert storage.get_mention(mention_id).corrected_label == "positive"


def test_unknown_mention_and_bad_label(client, storage):
    ids = seed(storage, [mention("m", 3)])
    guard = client.app.state.csrf
    missing = client.post(
        "/inbox/mentions/999999/label",
        data={"label": "neutral", "csrf_token": guard.token("maria", 999999)},
        headers={**as_user(), **SAME_SITE},
    )
    assert missing.status_code == 404 and "no mention with id 999999" in missing.text
    bad = client.post(
        f"/inbox/mentions/{ids['m']}/label",
        data={"label": "furious", "csrf_token": guard.token("maria", ids["m"])},
        headers={**as_user(), **SAME_SITE},
    )
    assert bad.status_code == 400 and "unknown label &#39;furious&#39;" in bad.text
    assert storage.get_mention(ids["m"]).corrected_label is None


def test_anonymous_requests_get_401(client, storage):
    ids = seed(storage, [mention("m", 3, text="Nordwind secret complaint")])
    page = client.get("/inbox")
    assert page.status_code == 401
    assert "Nordwind secret complaint" not in page.text and 'href="/login"' in page.text
    api = client.get("/inbox/api/mentions")
    assert api.status_code == 401 and api.json() == {"detail": "not signed in"}
    post = client.post(f"/inbox/mentions/{ids['m']}/label", data={"label": "neutral"}, headers=SAME_SITE)
    assert post.status_code == 401
    assert storage.get_mention(ids["m"]).corrected_label is None


def test_database_is_opened_at_the_first_request_only():
    calls: list[int] = []

    def factory():
        calls.append(1)
        raise RuntimeError("database down")

    app = create_inbox_app(storage_factory=factory, current_user=header_user, secret="s")
    assert calls == []
    client = TestClient(app)
    assert client.get("/inbox").status_code == 401 and calls == []  # authentication comes first
    response = client.get("/inbox/api/mentions", headers=as_user())
    assert response.status_code == 503 and "cannot open the care-monitor database" in response.json()["detail"]
    assert "database down" not in response.text
    client.get("/inbox/api/mentions", headers=as_user())
    assert len(calls) == 2  # a failure is not cached: the next request tries again
