from datetime import datetime, timedelta, timezone


from care_monitor.alerting import deliver_pending
from care_monitor.config import EmailChannel, SlackChannel, WebhookChannel
from care_monitor.replay.receiver import SmtpReceiver, WebhookReceiver
from care_monitor.storage import Storage

from ..storage.factories import make_mention

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def _raise_one(storage: Storage, channels: list[str], **mention) -> int:
    [mention_id] = storage.upsert_mentions([make_mention("1", **mention)]).ids
    [alert_id] = storage.raise_mention_alerts([mention_id], -0.3, channels, now=NOW)
    return alert_id


def test_failing_receiver_gets_exactly_one_delivery(storage: Storage) -> None:
    _raise_one(storage, ["hook"])
    with WebhookReceiver(fail_first=1) as receiver:
        channels = [WebhookChannel(type="webhook", name="hook", url=receiver.url)]
        first = deliver_pending(storage, channels)
        assert (first.sent, first.failed, first.pending) == (0, 1, 1)
        assert first.errors == ["webhook hook: HTTP 500: failing on purpose"]
        second = deliver_pending(storage, channels)
        assert (second.sent, second.failed, second.pending) == (1, 0, 0)
        third = deliver_pending(storage, channels)
        assert (third.sent, third.failed, third.pending) == (0, 0, 0)
    assert len(receiver.all_requests) == 2 and len(receiver.received) == 1
    request = receiver.received[0]
    assert request.body["mention"]["text"] == "Nordwind lost my bag"
    assert request.body["alert"]["brand"] == "Nordwind"
    assert request.header("Idempotency-Key") == str(request.body["delivery_id"])
    [delivery] = storage.list_alerts()[0].deliveries
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_crash_between_claim_and_mark_resends_with_same_key(storage: Storage) -> None:
    _raise_one(storage, ["hook"])
    with WebhookReceiver() as receiver:
        channels = [WebhookChannel(type="webhook", name="hook", url=receiver.url)]
        # a worker claims and "dies" before sending or marking
        [lost] = storage.claim_pending_deliveries(NOW, lease_seconds=60)
        assert deliver_pending(storage, channels, now=NOW + timedelta(seconds=30)).sent == 0
        report = deliver_pending(storage, channels, now=NOW + timedelta(seconds=61))
        assert report.sent == 1
        assert deliver_pending(storage, channels, now=NOW + timedelta(hours=1)).sent == 0
    [request] = receiver.received
    assert request.header("Idempotency-Key") == str(lost.id)


def test_give_up_after_max_attempts_keeps_delivery_visible(storage: Storage) -> None:
    _raise_one(storage, ["hook"])
    with WebhookReceiver(fail_first=100) as receiver:
        channels = [WebhookChannel(type="webhook", name="hook", url=receiver.url)]
        now = NOW
        for _ in range(3):
            report = deliver_pending(storage, channels, now=now, max_attempts=3)
            now += timedelta(days=1)
    assert (report.failed, report.dead, report.pending) == (1, 1, 0)
    assert len(receiver.all_requests) == 3
    [alert] = storage.list_alerts(status="dead")
    assert alert.deliveries[0].status == "dead" and "HTTP 500" in alert.deliveries[0].last_error


def test_retry_backoff_grows(storage: Storage) -> None:
    _raise_one(storage, ["hook"])
    with WebhookReceiver(fail_first=100) as receiver:
        channels = [WebhookChannel(type="webhook", name="hook", url=receiver.url)]
        deliver_pending(storage, channels, now=NOW)  # attempt 1: due again at once
        deliver_pending(storage, channels, now=NOW)  # attempt 2: wait a minute
        assert deliver_pending(storage, channels, now=NOW + timedelta(seconds=59)).failed == 0
        assert deliver_pending(storage, channels, now=NOW + timedelta(seconds=61)).failed == 1
    assert len(receiver.all_requests) == 3


def test_unreachable_channel_error_has_no_url_or_secret(storage: Storage, monkeypatch) -> None:
    _raise_one(storage, ["slack"])
    secret_url = "http://127.0.0.1:9/services/T000/B000/SECRETTOKEN"
    monkeypatch.setenv("TEST_SLACK_URL", secret_url)
    channels = [SlackChannel(type="slack", name="slack", webhook_url={"env": "TEST_SLACK_URL"})]
    report = deliver_pending(storage, channels)
    assert report.failed == 1
    [delivery] = storage.list_alerts()[0].deliveries
    assert delivery.last_error == "slack slack: cannot connect"
    assert "SECRETTOKEN" not in delivery.last_error


def test_missing_secret_is_a_failed_delivery_naming_the_reference(storage: Storage, monkeypatch) -> None:
    _raise_one(storage, ["slack"])
    monkeypatch.delenv("TEST_MISSING_URL", raising=False)
    channels = [SlackChannel(type="slack", name="slack", webhook_url={"env": "TEST_MISSING_URL"})]
    report = deliver_pending(storage, channels)
    assert report.errors == ["slack slack: environment variable TEST_MISSING_URL is not set"]


def test_unconfigured_channel_stays_pending(storage: Storage) -> None:
    _raise_one(storage, ["hook", "removed"])
    with WebhookReceiver() as receiver:
        report = deliver_pending(storage, [WebhookChannel(type="webhook", name="hook", url=receiver.url)])
    assert (report.sent, report.pending) == (1, 0)
    assert storage.delivery_status_counts() == {"sent": 1, "pending": 1}


HOSTILE = "<!channel> <@U1> *x* <script>alert(1)</script> @here <http://evil.example|click> _y_ ~z~ `c`"


def test_slack_payload_escapes_hostile_text(storage: Storage, monkeypatch) -> None:
    _raise_one(storage, ["slack"], text=HOSTILE, handle="<!everyone>", reasons=["*bold*", "<@U2>"],
               url="javascript:alert(1)")
    with WebhookReceiver() as receiver:
        monkeypatch.setenv("TEST_SLACK_URL", receiver.url)
        channels = [SlackChannel(type="slack", name="slack", webhook_url={"env": "TEST_SLACK_URL"})]
        assert deliver_pending(storage, channels).sent == 1
    [request] = receiver.received
    payload = request.body
    dumped = _texts(payload)
    for needle in ("<!channel>", "<@U1>", "<@U2>", "<!everyone>", "<script>", "<http", "*x*", "*bold*",
                   "_y_", "~z~", "`c`", "@here", "javascript:"):
        assert needle not in dumped, needle
    excerpt = payload["blocks"][1]["text"]["text"]
    assert excerpt.startswith(">&lt;!channel&gt; &lt;@U1&gt;")
    assert "&lt;script&gt;" in excerpt and "@\u200dhere" in excerpt
    assert not any(block["type"] == "actions" for block in payload["blocks"])  # unsafe link dropped


def test_slack_payload_has_author_reach_score_source_and_link(storage: Storage, monkeypatch) -> None:
    _raise_one(storage, ["slack"], followers=12345, reasons=["lost", "nobody helps"])
    with WebhookReceiver() as receiver:
        monkeypatch.setenv("TEST_SLACK_URL", receiver.url)
        channels = [SlackChannel(type="slack", name="slack", webhook_url={"env": "TEST_SLACK_URL"})]
        deliver_pending(storage, channels)
    blocks = receiver.received[0].body["blocks"]
    assert blocks[0]["type"] == "header"
    facts = [f["text"] for f in blocks[2]["fields"]]
    assert "12,345 followers" in facts[0]
    assert facts[1] == "*Sentiment*\nnegative (-0.60): lost, nobody helps"
    assert facts[2] == "*Source*\nmastodon"
    assert blocks[3]["elements"][0]["url"] == "https://example.social/@alice/1"


def test_email_escapes_hostile_text_and_subject(storage: Storage) -> None:
    _raise_one(storage, ["mail"], text=HOSTILE, handle="eve\r\nBcc: victim@example.com")
    with SmtpReceiver() as smtp:
        channel = EmailChannel(type="email", name="mail", smtp_host=smtp.host, smtp_port=smtp.port,
                               starttls=False, sender="care@example.com", recipients=["team@example.com"])
        assert deliver_pending(storage, [channel]).sent == 1
    [email] = smtp.messages
    assert email.recipients == ["team@example.com"]
    assert email.message["Bcc"] is None
    html = email.part("text/html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;!channel&gt;" in html
    assert "<script>" in email.part("text/plain")  # plain text is shown as text, not markup
    assert "\n" not in email.message["Subject"]
    assert email.message["X-Care-Monitor-Delivery"] is not None


def test_email_smtp_failure_is_retried(storage: Storage) -> None:
    _raise_one(storage, ["mail"])
    channel = EmailChannel(type="email", name="mail", smtp_host="127.0.0.1", smtp_port=9,
                           starttls=False, sender="care@example.com", recipients=["team@example.com"])
    report = deliver_pending(storage, [channel])
    assert report.failed == 1 and report.pending == 1
    assert report.errors[0].startswith("email mail: ConnectionRefusedError")


def _texts(payload) -> str:  # noqa: ANN001
    import json

    return json.dumps(payload, ensure_ascii=False)
