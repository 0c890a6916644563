"""FastAPI dependencies: authentication, roles, the service context."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from .clock import to_datetime
from .context import tenant_id_var
from .db import get_db
from .errors import Forbidden, RateLimited
from .services.auth import Principal, authenticate
from .services.context import ServiceContext


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def get_principal(
    request: Request,
    db: Session = Depends(get_db),
    authorization: str | None = Header(default=None),
    x_api_key: str | None = Header(default=None),
    x_tenant_id: str | None = Header(default=None),
) -> Principal:
    """The caller, from `Authorization: Bearer <key>` (or `X-API-Key`). An `X-Tenant-ID`
    header, when sent, must name the key's own tenant (its id or slug). Counts the request
    against the key's rate limit."""
    settings = request.app.state.settings
    clock = request.app.state.clock
    principal = authenticate(db, _bearer(authorization) or x_api_key, settings.api_key_pepper,
                             to_datetime(clock()))
    if x_tenant_id is not None and x_tenant_id.strip() not in (str(principal.tenant_id), principal.tenant_slug):
        raise Forbidden("X-Tenant-ID does not match the API key's tenant")
    request.state.principal = principal
    if settings.rate_limit_enabled:
        result = request.app.state.rate_limiter.hit(f"key:{principal.api_key_id}", principal.rate_limit_per_minute)
        if result is not None:
            request.state.rate_limit = result
            if not result.allowed:
                raise RateLimited("rate limit exceeded", details={"limit": result.limit,
                                                                  "retry_after": result.reset_after},
                                  headers=result.headers())
    return principal


def require_role(role: str) -> Callable[..., Principal]:
    def dependency(principal: Principal = Depends(get_principal)) -> Principal:
        principal.require(role)
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


viewer = require_role("viewer")
staff = require_role("staff")
admin = require_role("admin")


def context_for(request: Request, db: Session, principal: Principal) -> ServiceContext:
    """The service context of a request (call it in the endpoint: it also tags the endpoint's
    log lines with the tenant)."""
    tenant_id_var.set(principal.tenant_id)
    return ServiceContext(session=db, tenant_id=principal.tenant_id, settings=request.app.state.settings,
                          clock=request.app.state.clock, redis=request.app.state.redis, actor=principal.actor)
