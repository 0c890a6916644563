"""The unit of work a service runs in: a session, the tenant, the clock, Redis."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from redis import Redis
from sqlalchemy.orm import Session

from ..clock import Clock, system_clock, to_datetime
from ..models import Tenant
from ..settings import Settings

log = logging.getLogger("app.services")


@dataclass
class ServiceContext:
    session: Session
    tenant_id: int
    settings: Settings
    clock: Clock = system_clock
    redis: Redis | None = None
    actor: str = "system"
    _after_commit: list[Callable[[], None]] = field(default_factory=list)
    _tenant: Tenant | None = None

    def now(self) -> datetime:
        return to_datetime(self.clock())

    @property
    def tenant(self) -> Tenant:
        if self._tenant is None:
            tenant = self.session.get(Tenant, self.tenant_id)
            if tenant is None:
                raise LookupError(f"tenant {self.tenant_id} does not exist")
            self._tenant = tenant
        return self._tenant

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(hook)

    def commit(self) -> None:
        self.session.commit()
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            try:
                hook()
            except Exception:  # the data is committed; a failed hook must not turn it into an error
                log.exception("after-commit hook failed", extra={"hook": getattr(hook, "__name__", repr(hook))})

    def rollback(self) -> None:
        self.session.rollback()
        self._after_commit = []
