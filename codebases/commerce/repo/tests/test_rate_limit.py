"""Per-key rate limiting in Redis."""

from __future__ import annotations

import math


def test_requests_over_the_limit_are_429_until_the_window_ends(make_tenant, clock):
    clock.set(math.floor(clock() / 60) * 60 + 1)  # the start of a window
    api = make_tenant("limited", rate_limit_per_minute=3)
    remaining = []
    for _ in range(3):
        response = api.get("/v1/me")
        assert response.status_code == 200
        remaining.append(response.headers["X-RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    refused = api.get("/v1/me")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "59"
    assert refused.headers["X-RateLimit-Limit"] == "3"
    clock.advance(60)
    assert api.get("/v1/me").status_code == 200


def test_limits_are_per_key(make_tenant, clock):
    clock.set(math.floor(clock() / 60) * 60 + 1)
    api = make_tenant("limited-two", rate_limit_per_minute=2)
    other = make_tenant("unlimited", rate_limit_per_minute=1000)
    for _ in range(2):
        assert api.get("/v1/me").status_code == 200
    assert api.get("/v1/me").status_code == 429
    assert other.get("/v1/me").status_code == 200
