"""Fixed-window rate limits per API token, counted in Redis so that every server process (and
every gunicorn worker) shares one count. Answers carry X-RateLimit-* headers; over the limit,
429 with Retry-After."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from rest_framework.request import Request

from . import redis_client

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60

_INCR = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        values = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                  "X-RateLimit-Reset": str(self.reset_seconds)}
        if not self.allowed:
            values["Retry-After"] = str(self.reset_seconds)
        return values


def limit_for(request: Request) -> tuple[str, int]:
    """The bucket and its limit: writes have a limit of their own."""
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        return "writes", settings.RATE_LIMIT_WRITES_PER_MINUTE
    return "all", settings.RATE_LIMIT_PER_MINUTE


def hit(identity: str, bucket: str, limit: int) -> Decision:
    """Count one request of `identity` in the current window."""
    window = int(time.time()) // WINDOW_SECONDS
    name = redis_client.key("rl", bucket, identity, window)
    count, ttl = redis_client.client().eval(_INCR, 1, name, WINDOW_SECONDS)
    reset = ttl if ttl and ttl > 0 else WINDOW_SECONDS
    return Decision(count <= limit, limit, max(0, limit - count), int(math.ceil(reset)))


def check(request: Request) -> Decision | None:
    """The decision for an authenticated request; None when limits are off or Redis is away
    (the limiter fails open and says so in the log)."""
    if not settings.RATE_LIMIT_ENABLED or request.auth is None:
        return None
    bucket, limit = limit_for(request)
    try:
        return hit(f"token:{request.auth.id}", bucket, limit)
    except Exception:  # noqa: BLE001
        log.warning("rate limiter unavailable, request allowed", exc_info=True)
        return None
