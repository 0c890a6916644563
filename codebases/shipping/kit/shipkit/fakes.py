"""Outside services the shipping code talks to, played by the test process on 127.0.0.1: the
carrier's API (`CARRIER_URL`) and webhook receivers. They record every request, so a test sees
what the code sent (idempotency keys, signatures, retries) and can make them slow or failing.

    with FakeCarrier(delay=10) as carrier:              # hangs 10 s on every call
        with sk.serve(env={"CARRIER_URL": carrier.url, "CARRIER_TIMEOUT_MS": "500"}) as server:
            ...                                         # label -> 504 quickly, not after 10 s
    carrier.labels  -> [{"path": ..., "headers": {...}, "body": {...}, "at": 12.3}, ...]
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Behaviour = Callable[[str, str, dict[str, Any], dict[str, str], int], "tuple[int, dict[str, Any]] | None"]
"""(method, path, json body, headers, n-th call of this path) -> (status, json answer), or None
for the default answer"""


class _Fake:
    """A threaded HTTP server recording each request; `answer` decides the response."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with owner.lock:
                    nth = sum(1 for r in owner.requests if r["path"] == self.path) + 1
                    owner.requests.append({"method": self.command, "path": self.path, "headers": headers,
                                           "body": body, "raw": raw, "at": time.monotonic()})
                status, payload, delay = owner.answer(self.command, self.path, body, headers, nth)
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
                    pass  # the client gave up (a timeout): what some tests want to see

            do_GET = do_POST = _handle  # noqa: N815 (http.server's naming)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str],
               nth: int) -> tuple[int, dict[str, Any], float]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeCarrier(_Fake):
    """The carrier: `POST /v1/labels` sells a label (one per Idempotency-Key, as a real carrier
    does: a retry with the same key gets the same label), `POST /v1/labels/<n>/void` voids one,
    `GET /v1/tracking/<n>` returns `tracking[<n>]` (default no events). After `delay` seconds;
    `behaviour` may override any answer (e.g. a 503 on the first call)."""

    def __init__(self, delay: float = 0.0, behaviour: Behaviour | None = None) -> None:
        self.delay = delay
        self.behaviour = behaviour
        self.tracking: dict[str, list[dict[str, Any]]] = {}
        self._labels: dict[str, dict[str, Any]] = {}
        super().__init__()

    def __enter__(self) -> "FakeCarrier":
        return self

    def answer(self, method, path, body, headers, nth):
        custom = self.behaviour(method, path, body, headers, nth) if self.behaviour else None
        if custom is not None:
            return custom[0], custom[1], self.delay
        if method == "POST" and path == "/v1/labels":
            key = headers.get("idempotency-key") or f"anonymous-{nth}"
            with self.lock:
                if key not in self._labels:
                    n = len(self._labels) + 1
                    self._labels[key] = {"carrier": "fake-carrier", "tracking_number": f"FC{n:08d}",
                                         "label_url": f"https://labels.example/FC{n:08d}.pdf", "price_cents": 795}
                label = self._labels[key]
            return 201, label, self.delay
        if method == "POST" and path.endswith("/void"):
            return 200, {"voided": True}, self.delay
        if method == "GET" and path.startswith("/v1/tracking/"):
            number = path.rsplit("/", 1)[1]
            return 200, {"events": self.tracking.get(number, [])}, self.delay
        return 404, {"error": "no such route"}, 0.0

    @property
    def labels(self) -> list[dict[str, Any]]:
        """Every label purchase request (retries included)."""
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == "/v1/labels"]

    def distinct_labels(self) -> int:
        """Labels the carrier really sold: one per distinct Idempotency-Key."""
        return len({r["headers"].get("idempotency-key") for r in self.labels})


class WebhookReceiver(_Fake):
    """A webhook endpoint: answers `status` (a fixed code, or a function of the n-th call) after
    `delay` seconds; `received` holds every call (headers, parsed body, raw bytes)."""

    def __init__(self, status: int | Callable[[int], int] = 204, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        super().__init__()

    def __enter__(self) -> "WebhookReceiver":
        return self

    def answer(self, method, path, body, headers, nth):
        code = self.status(nth) if callable(self.status) else self.status
        return code, {}, self.delay

    @property
    def received(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.requests)


def signature_ok(secret: str, header: str, raw: bytes) -> bool:
    """Whether `X-Shipping-Signature: t=...,v1=...` signs `raw` with `secret`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    expected = hmac.new(secret.encode(), f"{parts.get('t', '')}.".encode() + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
