"""Who is calling: API key authentication."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from .. import metrics
from ..errors import Forbidden, Unauthorized
from ..repositories.tenants import ApiKeyRepository
from ..security import key_prefix, role_allows, verify_api_key

log = logging.getLogger("app.auth")

TOUCH_EVERY = timedelta(minutes=1)
"""last_used_at is written at most this often per key (not on every request)"""


@dataclass(frozen=True)
class Principal:
    tenant_id: int
    tenant_slug: str
    tenant_status: str
    rate_limit_per_minute: int
    user_id: int
    api_key_id: int
    role: str

    @property
    def actor(self) -> str:
        return f"key:{self.api_key_id}"

    def require(self, role: str) -> None:
        if not role_allows(self.role, role):
            raise Forbidden(f"this operation needs the {role} role", details={"role": self.role, "required": role})


def authenticate(session: Session, raw_key: str | None, pepper: str, now: datetime) -> Principal:
    """The principal of a presented API key; Unauthorized for a missing, malformed, unknown or
    revoked key (all with the same message: the caller learns nothing about which)."""
    if not raw_key:
        metrics.AUTH_FAILURES.inc(reason="missing")
        raise Unauthorized("missing API key", headers={"WWW-Authenticate": "Bearer"})
    prefix = key_prefix(raw_key)
    if prefix is None:
        metrics.AUTH_FAILURES.inc(reason="malformed")
        raise Unauthorized("invalid API key", headers={"WWW-Authenticate": "Bearer"})
    repo = ApiKeyRepository(session)
    key = repo.find_by_prefix(prefix)
    if key is None or not verify_api_key(raw_key, key.key_hash, pepper):
        metrics.AUTH_FAILURES.inc(reason="unknown")
        raise Unauthorized("invalid API key", headers={"WWW-Authenticate": "Bearer"})
    if key.revoked_at is not None:
        metrics.AUTH_FAILURES.inc(reason="revoked")
        raise Unauthorized("invalid API key", headers={"WWW-Authenticate": "Bearer"})
    tenant = key.tenant
    if tenant.status != "active":
        metrics.AUTH_FAILURES.inc(reason="suspended")
        raise Forbidden("tenant is suspended")
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        repo.touch(key.id, now)
        session.commit()
    return Principal(tenant_id=tenant.id, tenant_slug=tenant.slug, tenant_status=tenant.status,
                     rate_limit_per_minute=tenant.rate_limit_per_minute, user_id=key.user_id, api_key_id=key.id,
                     role=key.user.role)
