"""Names of the cached representations (Redis, core.cache)."""

from __future__ import annotations

from core import redis_client


def ticket(org_id: int, number: int) -> str:
    return redis_client.key("cache", "ticket", org_id, number)


def customer(org_id: int, member_id: int) -> str:
    return redis_client.key("cache", "customer", org_id, member_id)


def tag_counts(org_id: int) -> str:
    return redis_client.key("cache", "tag-counts", org_id)
