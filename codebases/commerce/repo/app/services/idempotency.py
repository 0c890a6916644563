"""Idempotency keys: a retried POST gets the first attempt's answer instead of a second charge.

The key is claimed with `INSERT ... ON CONFLICT DO NOTHING` as the first statement of the
request's transaction, and the response stored in the same transaction before it commits:

- a retry after the first attempt committed finds the stored response and replays it;
- a retry *while* the first attempt runs waits on the key's unique index until that
  transaction ends, then replays (or, if it rolled back, runs itself);
- a key reused with a different request is refused (422).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from .. import metrics
from ..errors import BadRequest, IdempotencyInProgress, IdempotencyKeyReused
from ..repositories.messaging import IdempotencyRepository
from .context import ServiceContext

log = logging.getLogger("app.idempotency")

KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
REPLAY_HEADER = "Idempotent-Replayed"


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps({"method": method, "path": path, "body": body}, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


class IdempotencyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.repo = IdempotencyRepository(ctx.session, ctx.tenant_id)
        self.record_id: int | None = None

    def begin(self, key: str, method: str, path: str, body: Any) -> StoredResponse | None:
        """Claim `key` for this request (None: go ahead) or return the stored response."""
        if not KEY_PATTERN.match(key):
            raise BadRequest("Idempotency-Key must be 8-128 characters of letters, digits and ._:-")
        fingerprint = request_fingerprint(method, path, body)
        self.record_id = self.repo.claim(key=key, method=method, path=path, request_hash=fingerprint)
        if self.record_id is not None:
            return None
        existing = self.repo.get(key)
        if existing is None:  # deleted between the two statements (expired): treat as new
            self.record_id = self.repo.claim(key=key, method=method, path=path, request_hash=fingerprint)
            if self.record_id is None:
                raise IdempotencyInProgress("a request with this Idempotency-Key is in progress")
            return None
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was used for a different request",
                                       details={"method": existing.method, "path": existing.path})
        if existing.status_code is None:
            raise IdempotencyInProgress("a request with this Idempotency-Key is in progress")
        return StoredResponse(existing.status_code, existing.response_body)

    def complete(self, status_code: int, body: Any) -> None:
        assert self.record_id is not None, "begin() first"
        self.repo.store_response(self.record_id, status_code, body)


def run_idempotent(ctx: ServiceContext, *, key: str | None, method: str, path: str, body: Any,
                   action: Callable[[], tuple[int, Any]]) -> JSONResponse:
    """Run `action` (returning status code and body) at most once per idempotency key, commit,
    and answer; without a key, just run it and commit."""
    if key is None:
        status_code, payload = action()
        payload = jsonable_encoder(payload)
        ctx.commit()
        return JSONResponse(payload, status_code=status_code)
    service = IdempotencyService(ctx)
    stored = service.begin(key, method, path, jsonable_encoder(body))
    if stored is not None:
        ctx.rollback()
        metrics.IDEMPOTENT_REPLAYS.inc()
        log.info("idempotent replay", extra={"path": path, "status_code": stored.status_code})
        return JSONResponse(stored.body, status_code=stored.status_code, headers={REPLAY_HEADER: "true"})
    status_code, payload = action()
    payload = jsonable_encoder(payload)
    service.complete(status_code, payload)
    ctx.commit()
    return JSONResponse(payload, status_code=status_code)
