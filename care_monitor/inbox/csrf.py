"""Cross-site request forgery protection for the inbox's forms.

The Airflow UI keeps its session in a cookie, so a page on another site could make a logged-in
browser POST a correction.  Two independent checks refuse that:

* the request's Origin (or, when a browser sends none, its Referer) must be this site;
* the form carries a token, an HMAC of the user and the mention id under a server secret, which
  another site cannot compute.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

SECRET_ENV_VAR = "CARE_MONITOR_INBOX_SECRET"

log = logging.getLogger(__name__)


class CsrfError(Exception):
    """The request may come from another site; the message says which check failed."""


def resolve_secret(secret: str | bytes | None = None) -> bytes:
    """The given secret, else $CARE_MONITOR_INBOX_SECRET, else a random key for this process."""
    if secret:
        return secret.encode() if isinstance(secret, str) else secret
    from_env = os.environ.get(SECRET_ENV_VAR)
    if from_env:
        return from_env.encode()
    log.warning(
        "%s is not set: the inbox signs its forms with a per-process key, so a form served by one"
        " api-server worker is refused by another; set it when running several workers",
        SECRET_ENV_VAR,
    )
    return secrets.token_bytes(32)


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


class CsrfGuard:
    def __init__(self, secret: bytes, allowed_origins: Iterable[str] = ()) -> None:
        self._secret = secret
        self._allowed = {o for o in (_origin_of(url) for url in allowed_origins) if o}

    def token(self, user: str, mention_id: int) -> str:
        message = f"correct-label\x00{user}\x00{mention_id}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def check_token(self, user: str, mention_id: int, token: str | None) -> None:
        if not token or not hmac.compare_digest(self.token(user, mention_id), token):
            raise CsrfError(
                "the form's token is missing or not valid for this user and mention; reload the page"
            )

    def check_origin(self, headers: Mapping[str, str]) -> None:
        """The request must name this site (its Host) or an allowed origin as where it came from.

        Either scheme counts for the Host, since a TLS-terminating proxy may forward plain http.
        """
        host = (headers.get("host") or "").lower()
        same_site = {f"http://{host}", f"https://{host}"} if host else set()
        origin = headers.get("origin")
        if origin is not None:
            # "null" is what sandboxed frames and data: pages send: never this site
            source = None if origin == "null" else _origin_of(origin)
        else:
            referer = headers.get("referer")
            if not referer:
                raise CsrfError("cross-site request refused: neither Origin nor Referer header present")
            source = _origin_of(referer)
        if source is None or source not in same_site | self._allowed:
            raise CsrfError(
                f"cross-site request refused: it comes from {source or 'an unknown origin'},"
                f" not {host or 'this site'}"
            )
