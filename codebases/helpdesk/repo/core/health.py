"""Probes: /health says the process runs; /ready says it can serve (database and Redis answer)."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import metrics as counters
from . import redis_client

log = logging.getLogger(__name__)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        log.warning("readiness: database unavailable", extra={"error": str(exc)})
        return "unavailable"


def _redis() -> str:
    try:
        redis_client.client().ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001
        log.warning("readiness: redis unavailable", extra={"error": str(exc)})
        return "unavailable"


def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis()}
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    try:
        body = counters.render()
    except Exception:  # noqa: BLE001
        return HttpResponse("# metrics unavailable\n", status=503, content_type="text/plain")
    return HttpResponse(body, content_type="text/plain; version=0.0.4")

