"""Per-request context (the request id) that log records pick up wherever they are written."""

from __future__ import annotations

import contextvars

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
org_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("org_id", default=None)
