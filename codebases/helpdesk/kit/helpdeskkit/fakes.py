"""Outside services played by the test process. `Receiver`: webhook endpoints for the worker's
deliveries; every POST /<name> is recorded and answered after `delay[name]` seconds with the
next status queued in `statuses[name]` (200 when none is left). A delay longer than the
worker's WEBHOOK_TIMEOUT_SECONDS is a receiver that never answers, as far as the worker knows.

    receiver.url("hook")                 # the endpoint's URL, for POST /v1/webhooks
    receiver.delay["hook"] = 3           # answer after 3 s
    receiver.statuses["hook"] = [500]    # the first POST fails, later ones get 200
    receiver.of("hook")                  # [{"name", "event", "delivery", "headers", "body", "at"}]
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
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.strip("/")
                with receiver.lock:
                    receiver.hits.append({"name": name, "event": self.headers.get("X-Helpdesk-Event-Id"),
                                          "delivery": self.headers.get("X-Helpdesk-Delivery"),
                                          "headers": dict(self.headers), "body": body, "at": time.monotonic()})
                    queued = receiver.statuses.get(name) or []
                    status = queued.pop(0) if queued else 200
                    delay = receiver.delay.get(name, 0)
                try:
                    time.sleep(delay)
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the worker gave up waiting

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/{name}"

    def of(self, name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [h for h in self.hits if h["name"] == name]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def json_body(hit: dict[str, Any]) -> dict[str, Any]:
    return json.loads(hit["body"])
