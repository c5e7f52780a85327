"""The `care-monitor score` contract: one JSON object per input line, streamed."""

from __future__ import annotations

import io
import json

from care_monitor.sentiment.cli_score import score_stream


def test_one_object_per_line(scorer):
    lines = io.StringIO("my parcel was lost again\n\nthank you so much, great service\n")
    out = io.StringIO()
    assert score_stream(lines, out, scorer) == 3
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == 3
    for record in records:
        assert set(record) == {"label", "score", "language", "reasons"}
        assert isinstance(record["reasons"], list)
    assert records[0]["label"] == "negative" and records[0]["reasons"]
    assert records[1] == {"label": "neutral", "score": 0.0, "language": "und", "reasons": []}
    assert records[2]["label"] == "positive"


def test_unicode_is_kept_readable(scorer):
    out = io.StringIO()
    score_stream(["Zborul a fost anulat și nimeni nu răspunde\r\n"], out, scorer)
    assert "ă" not in out.getvalue() or out.getvalue().count("\n") == 1
    assert json.loads(out.getvalue())["language"] == "ro"


def test_streams_each_line_before_reading_the_next(scorer):
    """Output for line N exists before line N+1 is pulled: nothing is buffered in memory."""
    out = io.StringIO()
    seen_before_next: list[int] = []

    def lines():
        for i in range(50):
            seen_before_next.append(out.getvalue().count("\n"))
            yield f"post number {i} was delayed"

    score_stream(lines(), out, scorer)
    assert seen_before_next == list(range(50))
