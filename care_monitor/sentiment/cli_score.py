"""`care-monitor score`: texts on stdin, one JSON object per line on stdout.

Streaming: each line is scored and written before the next is read, so memory stays flat
however long the input is; the scorer's models load lazily on first use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO


def score_stream(lines: Iterable[str], out: TextIO, scorer) -> int:
    """Write one JSON object per input line; returns the number of lines written.

    A blank line still gets an object (neutral, no reasons) so output line N always answers
    input line N.
    """
    count = 0
    for line in lines:
        text = line.rstrip("\r\n")
        result = scorer.score(text)
        record = {
            "label": result.label,
            "score": result.score,
            "language": result.language,
            "reasons": list(result.reasons),
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    out.flush()
    return count
