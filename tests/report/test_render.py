"""Rendering: hostile post text and author names stay text in HTML, Markdown and Slack."""

from __future__ import annotations

import json

from care_monitor.report.charts import all_charts
from care_monitor.report.delivery import alert_payload
from care_monitor.report.render import render_html, render_json, render_markdown
from tests.report.seed import config


def test_html_escapes_post_text_author_names_and_links(report, tmp_path) -> None:  # noqa: ANN001
    html = render_html(report, all_charts(report))
    assert "<script>" not in html and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "evil.example'>Mallory" not in html and "&lt;a href=&#39;http://evil.example&#39;&gt;Mallory" in html
    assert 'href="http://evil.example' not in html and "href='http://evil.example" not in html
    assert "javascript:" not in html  # mention 2's URL is dropped, not linked
    assert 'href="https://example.social/posts/1"' in html
    assert "HTTP 429 &lt;b&gt;slow down&lt;/b&gt;" in html  # a source's error message is data too


def test_html_has_arrows_alt_text_and_sections(report) -> None:  # noqa: ANN001
    charts = all_charts(report)
    html = render_html(report, charts)
    assert set(charts) == {"mentions-by-source", "sentiment-by-day", "share-of-voice"}
    assert "▲ 100%" in html and "▼ 0.62" in html  # mentions 4 -> 8, net +0.25 -> -0.38
    assert html.count('<img src="data:image/png;base64,') == 3
    assert "alt=\"Stacked bars of mentions per day: Mon 19 1, Tue 20 1, Wed 21 1, Thu 22 2" in html
    for title in ("Share of voice", "Posts that hurt most", "Complaint themes", "Speed", "Coverage"):
        assert title in html


def test_markdown_and_json(report) -> None:  # noqa: ANN001
    md = render_markdown(report)
    assert "\\<script\\>" in md and "<script>" not in md
    assert "| Mentions | 8 | ▲ 100% | 4 | 1.8 |" in md
    data = json.loads(render_json(report))
    assert data["weeks"][0]["mentions"] == 8 and data["headline"][0]["direction"] == "up"
    assert data["top_negatives"][0]["mention_id"] == 2


def test_slack_payload_carries_headline_and_escaped_summary(report, tmp_path) -> None:  # noqa: ANN001
    from care_monitor.alerting.channels.slack import slack_payload
    from care_monitor.alerting.message import AlertMessage

    payload = alert_payload(report, all_charts(report), tmp_path / "r.html", config())
    message = AlertMessage(
        delivery_id=1, alert_id=1, kind="weekly_report", title=payload["title"],
        text=payload["text"], fields=payload["fields"], url=payload["url"],
    )
    body = json.dumps(slack_payload(message), ensure_ascii=False)
    assert "Nordwind weekly report 2026-W43" in body
    assert "8 (▲ 100%, prev 4)" in body
    assert "<a href=" not in body and "&lt;a href=" in body  # the worst author's name
