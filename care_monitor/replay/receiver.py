"""Local receivers for alerts, for tests and the offline demo: a webhook and an SMTP server.

`WebhookReceiver` records every JSON request (headers and body) on 127.0.0.1 and can fail the
first N requests with HTTP 500.  `SmtpReceiver` records every message (aiosmtpd).  Both are
context managers.  Run ``python -m care_monitor.replay.receiver --port 8765 --record FILE`` to
keep a webhook receiver running that appends each request to FILE as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MAX_BODY_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or the text when it is not JSON
    status: int  # what the receiver answered

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class WebhookReceiver:
    """An HTTP server on loopback that records requests; `.url` is where to send them."""

    def __init__(
        self, *, fail_first: int = 0, host: str = "127.0.0.1", port: int = 0, record: Path | None = None
    ) -> None:
        self.fail_first = fail_first
        self.record = Path(record) if record else None
        self.received: list[ReceivedRequest] = []  # accepted requests (answered 2xx)
        self.all_requests: list[ReceivedRequest] = []  # including the ones failed on purpose
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def start(self) -> "WebhookReceiver":
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> int:
        with self._lock:
            status = 500 if len(self.all_requests) < self.fail_first else 200
            try:
                body: Any = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                body = raw.decode("utf-8", "replace")
            request = ReceivedRequest(method, path, headers, body, status)
            self.all_requests.append(request)
            if status == 200:
                self.received.append(request)
                if self.record:
                    with self.record.open("a", encoding="utf-8") as out:
                        out.write(json.dumps({"path": path, "headers": headers, "body": body}) + "\n")
            return status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self.send_error(413)
                    return
                raw = self.rfile.read(length)
                status = receiver._record("POST", self.path, dict(self.headers.items()), raw)
                body = b"ok" if status == 200 else b"failing on purpose"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test and demo output quiet

        return Handler


@dataclass
class ReceivedEmail:
    mail_from: str
    recipients: list[str]
    data: bytes
    message: EmailMessage = field(init=False)

    def __post_init__(self) -> None:
        self.message = message_from_bytes(self.data, policy=policy.default)

    def part(self, content_type: str) -> str | None:
        """The decoded text of the first part of this type (``text/plain``, ``text/html``)."""
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        return None


class SmtpReceiver:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message in `.messages`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[ReceivedEmail] = []
        self._port = port or _free_port(host)
        self.host = host
        self._controller = Controller(_RecordingHandler(self.messages), hostname=host, port=self._port)

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> "SmtpReceiver":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "SmtpReceiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _RecordingHandler:
    def __init__(self, messages: list[ReceivedEmail]) -> None:
        self.messages = messages

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.messages.append(
            ReceivedEmail(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content))
        )
        return "250 Message accepted for delivery"


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Record webhook requests on loopback (demo).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--record", type=Path, required=True, help="append each request as a JSON line")
    parser.add_argument("--fail-first", type=int, default=0, help="answer 500 to the first N requests")
    args = parser.parse_args(argv)
    receiver = WebhookReceiver(fail_first=args.fail_first, host=args.host, port=args.port, record=args.record)
    print(f"webhook receiver on {receiver.url}, recording to {args.record}", flush=True)
    try:
        receiver._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        receiver._server.server_close()


if __name__ == "__main__":
    main()
