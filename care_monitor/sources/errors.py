"""Errors a source raises; each message names the source and what went wrong.

Kept apart from `base.py` so the HTTP client (which `base.py` imports) can raise them.
"""

from __future__ import annotations


class SourceError(Exception):
    """A source cannot go on this run; the message says which source and why."""


class MalformedResponse(SourceError, ValueError):
    """A page could not be parsed; nothing from it is stored and the cursor stays."""


class SourceAuthError(SourceError):
    """The service refused our credentials (HTTP 401/403): retrying will not help."""


class SourceNotFound(SourceError):
    """The URL does not exist (HTTP 404): a wrong instance, subreddit or feed URL."""


class RateLimited(SourceError):
    """The service asks us to wait longer than this run is allowed to."""
