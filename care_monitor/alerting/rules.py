"""When a mention deserves an alert, and how long to wait before retrying a failed delivery.

`Storage.raise_mention_alerts` applies `is_negative_enough` in SQL; this is the same rule for
code that holds a mention in memory (CLI previews, tests).
"""

from __future__ import annotations

from datetime import datetime, timedelta

RETRY_BASE_SECONDS = 60
RETRY_CAP_SECONDS = 6 * 3600


def is_negative_enough(score: float | None, corrected_label: str | None, threshold: float) -> bool:
    """A person's correction decides; otherwise the score at or below the threshold does."""
    if corrected_label is not None:
        return corrected_label == "negative"
    return score is not None and score <= threshold


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed try.

    The first retry is due at once — in practice at the next poll run, a few minutes later, which
    already rides out a short outage — then 1, 2, 4... minutes, capped at 6 hours.
    """
    if attempts <= 1:
        return timedelta(0)
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempts - 2), RETRY_CAP_SECONDS))


def next_attempt_at(now: datetime, attempts: int, max_attempts: int) -> datetime | None:
    """When to try again, or None when `max_attempts` tries have failed (give up, keep visible)."""
    if attempts >= max_attempts:
        return None
    return now + retry_delay(attempts)
