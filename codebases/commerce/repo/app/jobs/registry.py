"""Job handlers by name, and what they get to work with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from redis import Redis
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker as SessionFactory

from ..clock import Clock, to_datetime
from ..services.context import ServiceContext
from ..settings import Settings
from .queue import JobQueue


@dataclass
class JobContext:
    settings: Settings
    clock: Clock
    sessionmaker: SessionFactory[Session]
    redis: Redis
    queue: JobQueue
    http: httpx.Client

    def now(self) -> datetime:
        return to_datetime(self.clock())

    def service_context(self, session: Session, tenant_id: int) -> ServiceContext:
        return ServiceContext(session=session, tenant_id=tenant_id, settings=self.settings, clock=self.clock,
                              redis=self.redis, actor="worker")


Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}


class PermanentJobError(Exception):
    """A job that can never succeed (retrying is pointless): it goes to the dead letters."""


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register
