"""What every channel implements, and how it reports a failed send."""

from __future__ import annotations

from typing import Protocol

import requests

from care_monitor.alerting.message import AlertMessage

USER_AGENT = "care-monitor (+https://github.com/care-monitor)"


class DeliveryError(Exception):
    """A send failed; the message is safe to store and show (no URL, no secret)."""


class Sender(Protocol):
    name: str

    def send(self, message: AlertMessage) -> None:
        """Deliver one message or raise `DeliveryError`."""


def post_json(
    url: str, body: dict, *, what: str, timeout: float, headers: dict[str, str] | None = None
) -> requests.Response:
    """POST JSON; any failure becomes a `DeliveryError` that never contains the URL."""
    try:
        response = requests.post(
            url,
            json=body,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            allow_redirects=False,
        )
    except requests.Timeout:
        raise DeliveryError(f"{what}: no answer within {timeout:g}s") from None
    except requests.ConnectionError:
        raise DeliveryError(f"{what}: cannot connect") from None
    except requests.RequestException as error:
        raise DeliveryError(f"{what}: request failed ({type(error).__name__})") from None
    if not 200 <= response.status_code < 300:
        detail = response.text[:200].strip().replace(url, "<url>") if response.text else ""
        raise DeliveryError(
            f"{what}: HTTP {response.status_code}" + (f": {detail}" if detail else "")
        )
    return response
