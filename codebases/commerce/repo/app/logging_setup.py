"""Structured logging: one JSON object per line on stdout.

Every record carries the request id (and tenant, job) of the context it was logged in, plus
whatever was passed as `extra=`. Secrets never go to the log: fields whose names look like
credentials are masked by the formatter as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from .context import job_id_var, request_id_var, tenant_id_var

_STANDARD_ATTRS = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_SECRET_WORDS = ("password", "secret", "token", "authorization", "api_key", "apikey")


def _mask(key: str, value: Any) -> Any:
    lowered = key.lower()
    if any(word in lowered for word in _SECRET_WORDS) and value not in (None, ""):
        return "***"
    return value


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str = "commerce") -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service,
        }
        request_id = request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        tenant_id = tenant_id_var.get()
        if tenant_id is not None:
            payload["tenant_id"] = tenant_id
        job_id = job_id_var.get()
        if job_id:
            payload["job_id"] = job_id
        for key, value in record.__dict__.items():
            if key in _STANDARD_ATTRS or key.startswith("_"):
                continue
            payload[key] = _mask(key, value)
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, separators=(",", ":"))


_configured = False


def configure_logging(level: str = "INFO", service: str = "commerce", stream=None) -> None:
    """Route every logger (ours, uvicorn's, SQLAlchemy's) through one JSON handler."""
    global _configured
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_commerce", False):
            root.removeHandler(existing)
    handler._commerce = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # SQLAlchemy logs every statement at INFO when its logger inherits INFO: never in our logs
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    _configured = True
