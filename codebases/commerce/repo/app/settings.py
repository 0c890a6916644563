"""Configuration from the environment.

Every setting has a development default so that `uvicorn app.main:app` works on a laptop with
a local PostgreSQL and Redis; production overrides them through the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = "postgresql+psycopg://app:app@localhost:5432/app"
    redis_url: str = "redis://localhost:6379/0"
    environment: str = "development"
    log_level: str = "INFO"

    # operators' token for the /admin API (creating tenants)
    admin_token: str = "dev-admin-token"
    # mixed into every API key hash: a leaked database alone does not give usable keys
    api_key_pepper: str = "commerce-dev-pepper"

    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout_seconds: float = 10.0
    db_statement_timeout_ms: int = 15_000
    db_connect_timeout_seconds: int = 5

    redis_socket_timeout_seconds: float = 2.0

    cache_enabled: bool = True
    cache_ttl_seconds: int = 300

    rate_limit_enabled: bool = True
    rate_limit_window_seconds: int = 60
    rate_limit_default_per_minute: int = 600

    reservation_ttl_seconds: int = 900
    idempotency_ttl_seconds: int = 24 * 3600

    default_page_size: int = 50
    max_page_size: int = 200

    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 6
    webhook_backoff_base_seconds: float = 2.0
    webhook_backoff_max_seconds: float = 600.0

    queue_name: str = "commerce"
    worker_poll_seconds: float = 1.0
    worker_heartbeat_ttl_seconds: int = 30
    job_max_attempts: int = 5
    outbox_batch_size: int = 100
    outbox_interval_seconds: float = 1.0
    expiry_interval_seconds: float = 5.0
    sweep_interval_seconds: float = 15.0
    cleanup_interval_seconds: float = 3600.0

    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name, spec in cls.__dataclass_fields__.items():
            if name == "extra":
                continue
            raw = env.get(name.upper())
            if raw is None or raw == "":
                continue
            default = spec.default
            if isinstance(default, bool):
                values[name] = _bool(raw)
            elif isinstance(default, int):
                values[name] = int(raw)
            elif isinstance(default, float):
                values[name] = float(raw)
            else:
                values[name] = raw
        return cls(**values)  # type: ignore[arg-type]

    def with_overrides(self, **changes: object) -> "Settings":
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def sync_database_url(self) -> str:
        """The URL SQLAlchemy connects with: `postgresql://` URLs get the psycopg 3 driver."""
        url = self.database_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
