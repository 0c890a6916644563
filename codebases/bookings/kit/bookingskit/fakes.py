"""Outside services the bookings code talks to, played by the test process on 127.0.0.1: a
payment gateway (`PAYMENT_GATEWAY_URL`) and webhook receivers. They record every request, so a
test sees what the code sent (idempotency keys, retries, signatures) and can make them slow,
failing or refusing.

    with FakeGateway(delay=10) as gateway:            # hangs 10 s on every call
        with bk.serve(env={"PAYMENT_GATEWAY_URL": gateway.url, "PAYMENT_TIMEOUT_MS": "500"}) as s:
            ...                                        # confirm -> 504 quickly, not after 10 s
    gateway.charges  -> [{"headers": {...}, "body": {...}, "at": 12.3}, ...]
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Behaviour = Callable[[str, dict[str, Any], dict[str, str], int], tuple[int, dict[str, Any]] | None]
"""(path, json body, headers, n-th call of this path) -> (status, json answer), or None for the default"""


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    def _start(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(owner: "_Recorder", answer: Callable[[str, dict[str, Any], dict[str, str], int], tuple[int, dict[str, Any], float]]):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            headers = {k.lower(): v for k, v in self.headers.items()}
            with owner.lock:
                nth = sum(1 for r in owner.requests if r["path"] == self.path) + 1
                owner.requests.append({"path": self.path, "headers": headers, "body": body, "raw": raw, "at": time.monotonic()})
            status, payload, delay = answer(self.path, body, headers, nth)
            if delay:
                time.sleep(delay)
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout): that is what some tests want to see

    return Handler


class FakeGateway(_Recorder):
    """A payment gateway: `POST /charges` and `POST /refunds` answer 201 `{"id": ...}` (one id per
    Idempotency-Key, like a real gateway), after `delay` seconds; `behaviour` may override any
    answer (e.g. a 503 on the first call)."""

    def __init__(self, delay: float = 0.0, behaviour: Behaviour | None = None) -> None:
        super().__init__()
        self.delay = delay
        self.behaviour = behaviour
        self._ids: dict[str, str] = {}

        def answer(path: str, body: dict[str, Any], headers: dict[str, str], nth: int):
            custom = self.behaviour(path, body, headers, nth) if self.behaviour else None
            if custom is not None:
                return custom[0], custom[1], self.delay
            key = headers.get("idempotency-key", f"anon-{nth}")
            with self.lock:
                ref = self._ids.setdefault(key, f"{'ch' if path == '/charges' else 're'}_fake_{len(self._ids) + 1}")
            return 201, {"id": ref}, self.delay

        self._start(_handler(self, answer))

    def __enter__(self) -> "FakeGateway":
        return self

    @property
    def charges(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == "/charges"]

    @property
    def refunds(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == "/refunds"]

    def distinct_charges(self) -> int:
        """Charges the gateway really made: one per distinct Idempotency-Key."""
        return len({r["headers"].get("idempotency-key") for r in self.charges})


class WebhookReceiver(_Recorder):
    """A webhook endpoint: answers `status` (a fixed code, or a function of the n-th call) after
    `delay` seconds; `received` holds every call (headers, parsed body, raw bytes)."""

    def __init__(self, status: int | Callable[[int], int] = 204, delay: float = 0.0) -> None:
        super().__init__()

        def answer(path: str, body: dict[str, Any], headers: dict[str, str], nth: int):
            code = status(nth) if callable(status) else status
            return code, {}, delay

        self._start(_handler(self, answer))

    def __enter__(self) -> "WebhookReceiver":
        return self

    @property
    def received(self) -> list[dict[str, Any]]:
        return list(self.requests)

    def hook_url(self) -> str:
        return self.url + "/hook"
