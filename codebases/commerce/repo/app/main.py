"""The web application: `uvicorn app.main:app`, or `create_app(settings, clock=...)` in tests."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import __version__
from .clock import Clock, system_clock
from .db import make_engine, make_sessionmaker
from .errors import install_error_handlers
from .logging_setup import configure_logging
from .middleware import RequestContextMiddleware
from .redis_client import make_redis
from .routers import ROUTERS
from .services.rate_limit import RateLimiter
from .settings import Settings, get_settings

log = logging.getLogger("app.main")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, service="commerce-api")
    engine = make_engine(settings)
    redis_client = make_redis(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.info("api started", extra={"version": __version__, "environment": settings.environment})
        yield
        log.info("api stopping")
        engine.dispose()
        redis_client.close()

    app = FastAPI(title="Commerce API", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.clock = clock or system_clock
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.redis = redis_client
    app.state.rate_limiter = RateLimiter(redis_client, app.state.clock, settings.rate_limit_window_seconds)
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    for router in ROUTERS:
        app.include_router(router)
    return app


app = create_app()
