"""One Redis connection pool per process and key names under the configured prefix."""

from __future__ import annotations

import threading

import redis
from django.conf import settings

_lock = threading.Lock()
_client: redis.Redis | None = None


def client() -> redis.Redis:
    """The process's Redis client (decoded strings); created on first use, after any fork."""
    global _client
    with _lock:
        if _client is None:
            _client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True, socket_timeout=2,
                                           socket_connect_timeout=2, health_check_interval=30)
        return _client


def key(*parts: object) -> str:
    """A key of this service: the prefix, then the parts joined by colons."""
    return settings.REDIS_KEY_PREFIX + ":".join(str(p) for p in parts)


def reset_client() -> None:
    """Forget the pool (tests that change REDIS_URL)."""
    global _client
    with _lock:
        _client = None
