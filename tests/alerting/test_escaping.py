from care_monitor.alerting.escaping import (
    email_header,
    html_text,
    safe_url,
    slack_mrkdwn,
    slack_quote,
    truncate,
)
from care_monitor.alerting.rules import is_negative_enough, next_attempt_at, retry_delay


def test_slack_mrkdwn_neutralises_mentions_links_and_formatting() -> None:
    out = slack_mrkdwn("<!channel> <@U1> <#C1> <http://evil|click> @everyone *b* _i_ ~s~ `c` a&b")
    assert "<" not in out and ">" not in out
    assert "&lt;!channel&gt;" in out and "a&amp;b" in out
    assert "@\u200deveryone" in out
    assert not any(marker in out for marker in "*_~`")


def test_slack_quote_truncates_and_quotes_every_line() -> None:
    out = slack_quote("line one\n<!here> line two " + "x" * 1000, 100)
    lines = out.split("\n")
    assert all(line.startswith(">") for line in lines)
    assert len(out) < 130 and out.endswith("\u2026")


def test_truncate_keeps_short_text() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("one two three four five", 15) == "one two three\u2026"


def test_safe_url_accepts_only_http_links() -> None:
    assert safe_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://a.example/\nx", "//no-scheme", None, ""):
        assert safe_url(bad) is None


def test_html_and_header_escaping() -> None:
    assert html_text('<img src=x onerror="y">\nnext') == "&lt;img src=x onerror=&quot;y&quot;&gt;<br>\nnext"
    assert email_header("Subject\r\nBcc: victim@example.com") == "Subject Bcc: victim@example.com"
    assert "\u202e" not in html_text("bidi \u202e override")


def test_alert_rule_and_backoff() -> None:
    assert is_negative_enough(-0.3, None, -0.3) and not is_negative_enough(-0.29, None, -0.3)
    assert is_negative_enough(0.9, "negative", -0.3) and not is_negative_enough(-0.9, "neutral", -0.3)
    assert retry_delay(1).total_seconds() == 0
    assert [retry_delay(n).total_seconds() for n in (2, 3, 4)] == [60, 120, 240]
    assert retry_delay(50).total_seconds() == 6 * 3600
    from datetime import datetime, timezone

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert next_attempt_at(now, 3, 3) is None and next_attempt_at(now, 2, 3) is not None
