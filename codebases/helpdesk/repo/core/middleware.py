"""Request ids (taken from X-Request-Id or made here, echoed back, in every log line) and one
access log line plus metrics per request, labelled by route template rather than raw path."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import context, metrics

access = logging.getLogger("helpdesk.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-Id", "")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = rid
        token = context.request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
            context.org_id.set(None)
        response["X-Request-Id"] = rid
        return response


def route_of(request: HttpRequest) -> str:
    """The matched URL pattern (`v1/tickets/<int:number>`), never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + match.route if match.route else "unmatched"


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        if route not in {"/health", "/metrics"}:
            metrics.record(request.method or "GET", route, response.status_code, elapsed)
        access.info("request", extra={"method": request.method, "path": request.path, "route": route,
                                      "status": response.status_code, "duration_ms": round(elapsed * 1000, 1)})
        return response
