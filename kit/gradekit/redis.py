"""Redis from the test process: the same server and database the code under test uses
(REDIS_URL, as the agent's container had it). The grading copy of Redis is fresh, so it holds
only what the hidden tests and the code under test put there."""

from __future__ import annotations

import os


def url() -> str:
    return os.environ["REDIS_URL"]


def client(decode_responses: bool = True, **kwargs):
    """A redis-py client on the app's Redis database."""
    import redis

    return redis.Redis.from_url(url(), decode_responses=decode_responses, **kwargs)


def flush() -> None:
    """Empty the app's Redis database (between tests that need a clean one)."""
    with client() as r:
        r.flushdb()
