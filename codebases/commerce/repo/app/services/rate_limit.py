"""Rate limiting in Redis: a fixed window per API key.

`INCR` and `EXPIRE` go in one MULTI/EXEC transaction, so concurrent requests (from any
number of API processes) are counted exactly and no window key is left without a TTL. When
Redis cannot be reached the limiter lets requests through (and counts that): an outage of
the limiter must not become an outage of the API.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import redis

from .. import metrics
from ..clock import Clock

log = logging.getLogger("app.rate_limit")


@dataclass(frozen=True)
class RateLimitResult:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int
    """seconds until the window ends"""

    def headers(self) -> dict[str, str]:
        out = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.reset_after)
        return out


class RateLimiter:
    def __init__(self, client: redis.Redis | None, clock: Clock, window_seconds: int = 60) -> None:
        self.redis = client
        self.clock = clock
        self.window = window_seconds

    def key(self, bucket: str, window_index: int) -> str:
        return f"ratelimit:{bucket}:{window_index}"

    def hit(self, bucket: str, limit: int) -> RateLimitResult | None:
        """Count one request in `bucket`; None when Redis could not be asked."""
        if self.redis is None:
            return None
        now = self.clock()
        index = int(now // self.window)
        reset_after = max(1, math.ceil((index + 1) * self.window - now))
        key = self.key(bucket, index)
        try:
            pipe = self.redis.pipeline(transaction=True)
            pipe.incr(key)
            pipe.expire(key, self.window + 5)
            count, _ = pipe.execute()
        except redis.RedisError as exc:
            metrics.RATE_LIMIT_ERRORS.inc()
            log.warning("rate limiter unavailable; request allowed", extra={"error": str(exc)})
            return None
        count = int(count)
        allowed = count <= limit
        if not allowed:
            metrics.RATE_LIMITED.inc()
        return RateLimitResult(allowed=allowed, limit=limit, remaining=max(0, limit - count), reset_after=reset_after)
