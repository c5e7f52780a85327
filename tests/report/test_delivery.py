"""Archive and delivery: a rerun replaces the archived report and sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from care_monitor.replay.receiver import SmtpReceiver, WebhookReceiver
from care_monitor.report.archive import list_archive
from care_monitor.report.command import produce_report
from care_monitor.report.delivery import deliver_reports
from care_monitor.report.week import IsoWeek
from care_monitor.storage.repository import Storage
from tests.report.seed import WEEK, config

FIRST_RUN = datetime(2026, 10, 26, 6, 0, tzinfo=timezone.utc)
RERUN = datetime(2026, 10, 27, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def receivers(monkeypatch):  # noqa: ANN001, ANN201
    with WebhookReceiver(fail_first=1) as slack, SmtpReceiver() as smtp:
        monkeypatch.setenv("TEST_REPORT_SLACK_URL", slack.url)
        yield slack, smtp


def _config(tmp_path, smtp_port: int):  # noqa: ANN001, ANN202
    return config(
        reports_dir=str(tmp_path / "reports"),
        alerts={"channels": [
            {"name": "slack-care", "type": "slack", "webhook_url": {"env": "TEST_REPORT_SLACK_URL"}},
            {"name": "care-inbox", "type": "email", "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
             "starttls": False, "sender": "care-monitor@example.com", "recipients": ["team@example.com"]},
        ]},
    )


def test_report_is_archived_delivered_once_and_replaced_on_rerun(
    seeded_engine, receivers, tmp_path  # noqa: ANN001
) -> None:
    slack, smtp = receivers
    cfg = _config(tmp_path, smtp.port)
    storage = Storage(seeded_engine)
    week = IsoWeek.parse(WEEK)

    first = produce_report(cfg, "Nordwind", week, engine=seeded_engine, formats=["html", "json"],
                           deliver=True, now=FIRST_RUN)
    assert first.alert_id is not None
    outcome = deliver_reports(storage, cfg)
    assert (outcome.sent, outcome.failed) == (1, 1)  # e-mail sent, Slack failed on purpose
    outcome = deliver_reports(storage, cfg, now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert (outcome.sent, outcome.failed) == (1, 0)  # Slack retried through the outbox

    rerun = produce_report(cfg, "Nordwind", week, engine=seeded_engine, formats=["html", "json"],
                           deliver=True, now=RERUN)
    assert rerun.alert_id is None  # already queued: not a second delivery
    assert deliver_reports(storage, cfg, now=datetime(2030, 1, 2, tzinfo=timezone.utc)).sent == 0
    assert len(slack.received) == 1 and len(smtp.messages) == 1

    rows = list_archive(seeded_engine, "Nordwind")
    assert [(r.week, r.format) for r in rows] == [(WEEK, "html"), (WEEK, "json")]
    html_row = rows[0]
    assert html_row.path == first.paths["html"] == rerun.paths["html"]
    assert html_row.generated_at.astimezone(timezone.utc) == RERUN
    assert "2026-10-27 11:00" in html_row.path.read_text()  # the rerun's file (local time)
    import hashlib

    assert html_row.checksum == hashlib.sha256(html_row.path.read_bytes()).hexdigest()

    email = smtp.messages[0]
    html = email.part("text/html")
    images = [p for p in email.message.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 3
    for image in images:
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Nordwind had 8 mentions" in email.part("text/plain")
    assert "weekly reputation report 2026-W43" in email.message["Subject"]
    slack_text = str(slack.received[0].body)
    assert "Nordwind weekly report 2026-W43" in slack_text and "<script>" not in slack_text
