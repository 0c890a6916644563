"""The catalogue cache (Redis), with generation-based invalidation.

Every cached catalogue entry of a tenant lives under that tenant's current *generation*
(`catalog:{tenant}:gen`). A write to the catalogue bumps the generation after it commits:
every older entry becomes unreachable at once (and expires with its TTL), so a reader can
never be served a product as it was before a committed change, whichever list or page it
sits in. Redis being down makes the cache a no-op, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import redis

from .. import metrics

log = logging.getLogger("app.cache")


class CatalogCache:
    NAME = "catalog"

    def __init__(self, client: redis.Redis | None, ttl_seconds: int, enabled: bool = True) -> None:
        self.redis = client
        self.ttl = ttl_seconds
        self.enabled = enabled and client is not None

    @staticmethod
    def generation_key(tenant_id: int) -> str:
        return f"catalog:{tenant_id}:gen"

    @staticmethod
    def product_key(tenant_id: int, generation: int, product_id: int) -> str:
        return f"catalog:{tenant_id}:{generation}:product:{product_id}"

    @staticmethod
    def list_key(tenant_id: int, generation: int, params: dict[str, Any]) -> str:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:24]
        return f"catalog:{tenant_id}:{generation}:list:{digest}"

    def generation(self, tenant_id: int) -> int | None:
        if not self.enabled:
            return None
        try:
            value = self.redis.get(self.generation_key(tenant_id))  # type: ignore[union-attr]
            return int(value or 0)
        except redis.RedisError as exc:
            metrics.CACHE_REQUESTS.inc(cache=self.NAME, result="error")
            log.warning("cache unavailable", extra={"error": str(exc)})
            return None

    def _get(self, key: str) -> Any | None:
        try:
            raw = self.redis.get(key)  # type: ignore[union-attr]
        except redis.RedisError as exc:
            metrics.CACHE_REQUESTS.inc(cache=self.NAME, result="error")
            log.warning("cache read failed", extra={"error": str(exc)})
            return None
        if raw is None:
            metrics.CACHE_REQUESTS.inc(cache=self.NAME, result="miss")
            return None
        metrics.CACHE_REQUESTS.inc(cache=self.NAME, result="hit")
        return json.loads(raw)

    def _set(self, key: str, value: Any) -> None:
        try:
            self.redis.set(key, json.dumps(value, default=str, separators=(",", ":")), ex=self.ttl)  # type: ignore[union-attr]
        except redis.RedisError as exc:
            log.warning("cache write failed", extra={"error": str(exc)})

    def get_product(self, tenant_id: int, generation: int | None, product_id: int) -> Any | None:
        if generation is None:
            return None
        return self._get(self.product_key(tenant_id, generation, product_id))

    def set_product(self, tenant_id: int, generation: int | None, product_id: int, value: Any) -> None:
        if generation is not None:
            self._set(self.product_key(tenant_id, generation, product_id), value)

    def get_list(self, tenant_id: int, generation: int | None, params: dict[str, Any]) -> Any | None:
        if generation is None:
            return None
        return self._get(self.list_key(tenant_id, generation, params))

    def set_list(self, tenant_id: int, generation: int | None, params: dict[str, Any], value: Any) -> None:
        if generation is not None:
            self._set(self.list_key(tenant_id, generation, params), value)

    def invalidate(self, tenant_id: int) -> None:
        """Start a new generation: everything cached for the tenant's catalogue is stale."""
        if not self.enabled:
            return
        try:
            self.redis.incr(self.generation_key(tenant_id))  # type: ignore[union-attr]
        except redis.RedisError as exc:
            # entries of the old generation live at most `ttl` seconds more
            log.error("cache invalidation failed", extra={"error": str(exc), "tenant": tenant_id})
