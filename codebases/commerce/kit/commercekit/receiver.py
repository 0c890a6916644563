"""Webhook endpoints played by the test process, for the worker's deliveries: every POST /<name>
is recorded and answered after `delay[name]` seconds with the next status queued in
`statuses[name]` (200 when none is left). A delay longer than the worker's timeout is a receiver
that never answers, as far as the worker is concerned.

    receiver = Receiver()                    # or the `receiver` fixture of commercekit.fixtures
    url = receiver.url("hook-1")             # an endpoint's URL, for webhook_endpoints
    receiver.delay["hook-1"] = 3             # answers after 3 s
    receiver.statuses["hook-1"] = [500]      # the first POST fails, the next ones get 200
    receiver.wait_for("hook-1", 2)           # the first two POSTs, once they came
    receiver.of("hook-1")  -> [{"name", "event", "delivery", "headers", "body", "at"}, ...]

`event` and `delivery` are the X-Commerce-Event-Id and X-Commerce-Delivery headers, `body` the
raw bytes (`json_body(hit)` parses them), `at` the time.monotonic() of arrival; `active` counts
the POSTs being answered and `last` is when the last answer went out.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self) -> None:
        self.hits: list[dict[str, Any]] = []
        self.delay: dict[str, float] = {}
        self.statuses: dict[str, list[int]] = {}
        self.active = 0
        self.last = time.monotonic()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.strip("/")
                with receiver.lock:
                    receiver.active += 1
                    receiver.hits.append({"name": name, "event": self.headers.get("X-Commerce-Event-Id"),
                                          "delivery": self.headers.get("X-Commerce-Delivery"),
                                          "headers": dict(self.headers), "body": body, "at": time.monotonic()})
                    queued = receiver.statuses.get(name) or []
                    status = queued.pop(0) if queued else 200
                try:
                    time.sleep(receiver.delay.get(name, 0))
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the worker gave up waiting (its timeout): what some tests want to see
                finally:
                    with receiver.lock:
                        receiver.active -= 1
                        receiver.last = time.monotonic()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/{name}"

    def of(self, name: str) -> list[dict[str, Any]]:
        """The POSTs to /<name> so far, in order of arrival."""
        with self.lock:
            return [h for h in self.hits if h["name"] == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 60) -> list[dict[str, Any]]:
        """The POSTs to /<name> once at least `count` came (an assertion error after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while len(self.of(name)) < count:
            assert time.monotonic() < deadline, f"{name}: {len(self.of(name))} of {count} POSTs arrived"
            time.sleep(0.05)
        return self.of(name)

    def stop(self) -> None:
        self.server.shutdown()

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def json_body(hit: dict[str, Any]) -> dict[str, Any]:
    """A recorded POST's body, parsed."""
    return json.loads(hit["body"])
