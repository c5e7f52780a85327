"""The replay HTTP server: dispatch to platform routes, rate-limit headers, injected faults."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from care_monitor.replay.ratelimit import RateLimitWindow
from care_monitor.replay.routing import Call, Reply, discover, json_error
from care_monitor.replay.store import DATA_DIR, PostStore


@dataclass(frozen=True)
class Fault:
    """What to answer instead of the real response.

    `status` with an optional `retry_after` (seconds or an HTTP date); `malformed` for a
    200 whose body cannot be parsed; `headers` alone keeps the real response but overrides
    those headers (e.g. `X-RateLimit-Remaining: 0`).
    """

    status: int | None = None
    retry_after: float | str | None = None
    malformed: bool = False
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Injected:
    path_prefix: str
    fault: Fault
    times: int


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class ReplayServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        anchor: datetime | None = None,
        data_dir: Path = DATA_DIR,
    ) -> None:
        self.store = PostStore(anchor or datetime.now(timezone.utc).replace(microsecond=0))
        self.modules = discover()
        for prefix in self.modules:
            data_file = data_dir / f"{prefix}.json"
            if data_file.exists():
                self.store.load(prefix, data_file)
        self._windows = {
            prefix: RateLimitWindow(module.RATE_LIMIT)
            for prefix, module in self.modules.items()
            if getattr(module, "RATE_LIMIT", None)
        }
        self._aliases = {getattr(m, "SOURCE_TYPE", p): p for p, m in self.modules.items()}
        self._faults: list[_Injected] = []
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- addresses -------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def platforms(self) -> list[str]:
        return sorted(self.modules)

    @property
    def anchor(self) -> datetime:
        return self.store.anchor

    def base_url(self, platform: str) -> str:
        """The base_url a source of this platform (prefix or source type) should use."""
        prefix = self._aliases.get(platform, platform)
        if prefix not in self.modules:
            known = ", ".join(self.platforms)
            raise KeyError(f"no replay routes for {platform!r} (known: {known})")
        return f"{self.url}/{prefix}"

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> "ReplayServer":
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- test controls ---------------------------------------------------------------

    def inject(self, path_prefix: str, fault: Fault, times: int = 1) -> None:
        """Answer the next `times` requests whose path starts with `path_prefix` with `fault`."""
        with self._lock:
            self._faults.append(_Injected(path_prefix, fault, times))

    def set_rate_limit(self, platform: str, limit: int, window_seconds: int = 300) -> None:
        """Give a rate-limited platform a new, empty window (e.g. a tiny limit in a test)."""
        prefix = self._aliases.get(platform, platform)
        spec = self._windows[prefix].spec
        spec = replace(spec, limit=limit, window_seconds=window_seconds)
        self._windows[prefix] = RateLimitWindow(spec)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def add_posts(self, platform: str, posts: list[dict[str, Any]]) -> None:
        """Publish posts (records in the sample-data shape); dated now unless `age_min` given."""
        self.store.add(self._aliases.get(platform, platform), posts)

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in list(self.requests) if r.path.startswith(path_prefix)]

    # --- dispatch --------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        self.requests.append(RecordedRequest(method, parts.path, query, headers))
        prefix, _, rest = parts.path.lstrip("/").partition("/")
        module = self.modules.get(prefix)
        if module is None:
            return json_error(404, f"no platform {prefix!r} here")
        fault = self._take_fault(parts.path)
        if fault is not None and (fault.status or fault.malformed):
            return self._fault_reply(module, fault)
        reply = self._route(module, method, prefix, rest, query, headers, body)
        window = self._windows.get(prefix)
        if window is not None:
            allowed, limit_headers = window.take()
            if not allowed:
                reply = json_error(429, "Too many requests")
            reply.headers.update(limit_headers)
        if fault is not None:
            reply.headers.update(fault.headers)
        return reply

    def _route(self, module, method, prefix, rest, query, headers, body) -> Reply:
        for route in module.ROUTES:
            params = route.match(method, rest)
            if params is not None:
                call = Call(method, rest, params, query, headers, body,
                            f"{self.url}/{prefix}", prefix, self.store)
                return route.handler(call)
        return json_error(404, "Record not found")

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for injected in self._faults:
                if path.startswith(injected.path_prefix):
                    injected.times -= 1
                    if injected.times <= 0:
                        self._faults.remove(injected)
                    return injected.fault
        return None

    @staticmethod
    def _fault_reply(module, fault: Fault) -> Reply:
        if fault.malformed:
            make = getattr(module, "malformed", None)
            return make() if make else Reply(body=b'{"data": {"children": [{"kind": "t3", ')
        headers = dict(fault.headers)
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        return json_error(fault.status or 500, f"injected fault (HTTP {fault.status})", **headers)


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer()

        def do_POST(self) -> None:  # noqa: N802
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server.handle(self.command, self.path, headers, body)
            except Exception as error:  # a bug in a route: answer 500 rather than hang up
                reply = json_error(500, f"replay server error: {type(error).__name__}: {error}")
            payload = reply.encoded()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: tests and the demo print what matters

    return Handler
