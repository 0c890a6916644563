"""Request context, access log and HTTP metrics, as one pure ASGI middleware.

- every request gets a request id: the caller's `X-Request-ID` when it is sane, else a new
  one; it is in every log line of the request and echoed in the response header;
- one access-log line per request (method, path, route, status, duration, tenant);
- `http_requests_total` and `http_request_duration_seconds` labelled by the route *template*
  (`/v1/orders/{order_id}`), never the raw path, so ids do not explode the label set;
- an unhandled exception becomes a JSON 500 carrying the request id (and is logged once).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .context import request_id_var, tenant_id_var
from .errors import error_body

log = logging.getLogger("app.access")
errors_log = logging.getLogger("app.errors")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
QUIET_PATHS = frozenset({"/health", "/ready", "/metrics"})


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        rid_token = request_id_var.set(request_id)
        tenant_token = tenant_id_var.set(None)
        started = time.perf_counter()
        status = {"code": 500, "sent": False}
        metrics.HTTP_IN_PROGRESS.inc()

        async def send_with_context(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                limit = state.get("rate_limit")
                if limit is not None:
                    for name, value in limit.headers().items():
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        except Exception:
            errors_log.exception("unhandled error", extra={"method": scope["method"], "path": scope["path"]})
            if not status["sent"]:
                body = json.dumps(error_body("internal_error", "internal server error")).encode()
                await send_with_context({"type": "http.response.start", "status": 500,
                                         "headers": [(b"content-type", b"application/json"),
                                                     (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
            status["code"] = 500
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            metrics.HTTP_IN_PROGRESS.dec()
            metrics.HTTP_REQUESTS.inc(method=method, route=template, status=str(status["code"]))
            metrics.HTTP_LATENCY.observe(elapsed, method=method, route=template)
            principal = state.get("principal")
            level = logging.DEBUG if scope["path"] in QUIET_PATHS and status["code"] < 500 else logging.INFO
            log.log(level, "request", extra={
                "method": method, "path": scope["path"], "route": template, "status": status["code"],
                "duration_ms": round(elapsed * 1000, 2),
                "tenant": getattr(principal, "tenant_id", None),
            })
            tenant_id_var.reset(tenant_token)
            request_id_var.reset(rid_token)
