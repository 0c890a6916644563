"""Idempotency-Key on POST: the first request claims the key (a row inserted with ON CONFLICT DO
NOTHING, so concurrent duplicates cannot both claim it), runs, and stores its answer; a retry
with the same key and body gets that answer again; one with another body is a 422; one that
arrives while the first still runs is a 409. A key whose request failed with a 5xx is released."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from rest_framework.request import Request
from rest_framework.response import Response

from . import clock
from .cache import plain
from .errors import error
from .models import IdempotencyKey

HEADER = "Idempotency-Key"


def request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _claim(member, key: str, request: Request, digest: str) -> bool:
    """Insert the key's row; False when another request holds it already."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO idempotency_keys (org_id, member_id, key, method, path, request_hash, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, now()) ON CONFLICT (member_id, key) DO NOTHING RETURNING id",
            [member.org_id, member.id, key, request.method, request.path, digest],
        )
        return cur.fetchone() is not None


def _expire_old(member, key: str) -> None:
    cutoff = clock.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    IdempotencyKey.objects.filter(member=member, key=key, created_at__lt=cutoff).delete()


def run_once(request: Request, handler: Callable[[], Response]) -> Response:
    """Run `handler` at most once per (member, Idempotency-Key); without the header, just run it."""
    key = request.headers.get(HEADER)
    if not key:
        return handler()
    if len(key) > 120:
        return error("invalid", f"{HEADER} is longer than 120 characters.", 422)
    member = request.user
    digest = request_hash(request)
    _expire_old(member, key)
    if not _claim(member, key, request, digest):
        stored = IdempotencyKey.objects.get(member=member, key=key)
        if stored.request_hash != digest:
            return error("idempotency_key_reused", f"This {HEADER} was used with another request.", 422)
        if stored.completed_at is None:
            return error("idempotency_key_in_use", f"A request with this {HEADER} is still running.", 409)
        replay = Response(stored.response_body, status=stored.status_code)
        replay["Idempotent-Replayed"] = "true"
        return replay
    try:
        response = handler()
    except Exception:
        IdempotencyKey.objects.filter(member=member, key=key).delete()
        raise
    if response.status_code >= 500:
        IdempotencyKey.objects.filter(member=member, key=key).delete()
        return response
    IdempotencyKey.objects.filter(member=member, key=key).update(
        status_code=response.status_code, response_body=plain(response.data), completed_at=clock.now())
    return response
