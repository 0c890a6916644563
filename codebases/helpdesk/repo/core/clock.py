"""The service's notion of now: one function, so that tests and SLA maths agree on it."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
