"""Liveness, readiness and metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from .. import __version__
from ..db import ping
from ..metrics import CONTENT_TYPE, REGISTRY

router = APIRouter(tags=["ops"])
log = logging.getLogger("app.health")


@router.get("/health")
def health() -> dict:
    """The process is up (says nothing about its dependencies)."""
    return {"status": "ok", "version": __version__}


@router.get("/ready")
def ready(request: Request) -> JSONResponse:
    """The process can serve requests: PostgreSQL and Redis both answer."""
    checks: dict[str, str] = {}
    try:
        ping(request.app.state.engine)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
        log.warning("readiness: database unavailable", extra={"error": str(exc)[:300]})
    try:
        request.app.state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
        log.warning("readiness: redis unavailable", extra={"error": str(exc)[:300]})
    ok = all(value == "ok" for value in checks.values())
    return JSONResponse({"status": "ready" if ok else "unavailable", "checks": checks},
                        status_code=200 if ok else 503)


@router.get("/metrics")
def metrics() -> PlainTextResponse:
    return PlainTextResponse(REGISTRY.render(), media_type=CONTENT_TYPE)
