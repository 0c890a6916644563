"""JSON read-through cache in Redis. Keys are namespaced per organisation; writers delete what
they change after their transaction commits (on_commit), so a reader never caches a row that
is about to change back."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import redis_client

log = logging.getLogger(__name__)


def plain(value: Any) -> Any:
    """`value` as JSON gives it back (datetimes as ISO strings): what a cache hit returns."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def get_or_set(key: str, compute: Callable[[], Any], ttl: int | None = None) -> tuple[Any, bool]:
    """The cached value and True, or the computed one (stored) and False. Redis outages fall
    back to computing."""
    r = redis_client.client()
    try:
        raw = r.get(key)
    except Exception:  # noqa: BLE001
        log.warning("cache read failed", extra={"key": key}, exc_info=True)
        return plain(compute()), False
    if raw is not None:
        return json.loads(raw), True
    raw = json.dumps(compute(), cls=DjangoJSONEncoder)
    value = json.loads(raw)  # what a hit will return, so both answers look the same
    try:
        r.set(key, raw, ex=ttl or settings.CACHE_TTL_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("cache write failed", extra={"key": key}, exc_info=True)
    return value, False


def delete(*keys: str) -> None:
    if not keys:
        return
    try:
        redis_client.client().delete(*keys)
    except Exception:  # noqa: BLE001
        log.warning("cache invalidation failed", extra={"keys": list(keys)}, exc_info=True)


def delete_on_commit(*keys: str) -> None:
    """Delete `keys` once the current transaction commits (now, outside one)."""
    transaction.on_commit(lambda: delete(*keys))
