"""The service's processes: migrations, seed, API server, worker."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import gradekit
from gradekit import forkserver
from gradekit import migrate as _migrate
from gradekit import pg
from gradekit import redis as _redis

ADMIN_TOKEN = "grader-admin-token"
"""the operators' token the kit gives the API (ADMIN_TOKEN), for POST /admin/tenants"""


def env(**extra: Any) -> dict[str, str]:
    """The environment of the code under test: the services' variables (DATABASE_URL,
    REDIS_URL), the kit's operator token, JSON logs at INFO, plus `extra` (any setting of
    app/settings.py, by its upper-case name: RATE_LIMIT_ENABLED=0, RESERVATION_TTL_SECONDS=5...)."""
    values = {"ADMIN_TOKEN": ADMIN_TOKEN, "LOG_LEVEL": "INFO", **{k: str(v) for k, v in extra.items()}}
    return gradekit.app_env(**values)


def reset() -> None:
    """An empty database schema and an empty Redis database."""
    pg.reset_schema()
    _redis.flush()


def migrate(revision: str = "head") -> None:
    """`alembic upgrade <revision>` in the repository, as the app (CommandFailed on error)."""
    _migrate.alembic_upgrade(revision)


PRELOAD = (*_migrate.ALEMBIC_PRELOAD, "sqlalchemy.orm", "sqlalchemy.exc", "fastapi", "fastapi.responses",
           "fastapi.encoders", "pydantic", "redis", "httpx", "uvicorn.main")
"""the third-party modules the service's processes import (never its own: each process imports
the repository afresh)"""

_WARM: list[forkserver.ForkServer] = []


@contextmanager
def warm() -> Iterator[forkserver.ForkServer]:
    """Inside this block, the migrations, the CLI (seed) and `serve()` in the default environment
    are forks of one interpreter that has imported PRELOAD (`gradekit.forkserver`): each is still
    a new process of the code under test, as the app user, but skips ~1 CPU-second of library
    imports. A process with extra settings (`serve(RATE_LIMIT_ENABLED=0)`) is started anew."""
    with _migrate.warm(PRELOAD, env=env()) as server:
        _WARM.append(server)
        try:
            yield server
        finally:
            _WARM.remove(server)


def run_cli(*args: str, timeout: float = 300, **extra_env: Any) -> subprocess.CompletedProcess:
    """`python -m app.cli <args>` as the app: exit code, stdout, stderr."""
    argv = ["python", "-m", "app.cli", *args]
    if _WARM and not extra_env:
        return _WARM[-1].run(argv, timeout=timeout)
    return gradekit.run(argv, timeout=timeout, env=env(**extra_env))


@dataclass
class Seed:
    """What `python -m app.cli seed` made: tenants (ids, slugs, API keys per role, counts)."""

    raw: dict[str, Any]
    tenants: list[dict[str, Any]] = field(default_factory=list)

    def tenant(self, which: str | int = 0) -> dict[str, Any]:
        """A seeded tenant by slug ("acme", "globex"...) or position."""
        if isinstance(which, int):
            return self.tenants[which]
        return next(t for t in self.tenants if t["slug"] == which)

    def key(self, tenant: str | int = 0, role: str = "admin") -> str:
        """The API key of the tenant's seeded user with `role` (admin, staff, viewer)."""
        return self.tenant(tenant)["keys"][role]

    def tenant_id(self, tenant: str | int = 0) -> int:
        return int(self.tenant(tenant)["id"])


def seed(*, tenants: int = 2, products: int = 40, customers: int = 60, orders: int = 200, seed: int = 42,
         rate_limit: int = 100_000, timeout: float = 600) -> Seed:
    """Deterministic demo data through the repository's own seed command. The rate limit is
    high by default so that tests measuring something else never meet it."""
    done = run_cli("seed", "--tenants", str(tenants), "--products", str(products), "--customers", str(customers),
                   "--orders", str(orders), "--seed", str(seed), "--rate-limit", str(rate_limit), timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"seed exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}")
    data = json.loads(done.stdout)
    return Seed(raw=data, tenants=data["tenants"])


def setup(**seed_args: Any) -> Seed:
    """reset() + migrate() + seed(**seed_args): a fresh, migrated, seeded database."""
    reset()
    migrate()
    return seed(**seed_args)


@contextmanager
def serve(*, extra_args: tuple[str, ...] = (), timeout: float = gradekit.process.START_TIMEOUT,
          **extra_env: Any) -> Iterator[gradekit.Server]:
    """The API under uvicorn (`app.main:app`), ready when GET /health answers 200; stopped
    (SIGTERM to its session) at the end of the block. `server.output()` holds its JSON logs."""
    argv = gradekit.uvicorn("app.main:app", *extra_args)
    if _WARM and not extra_env:
        with _WARM[-1].serve(argv, health="/health", timeout=timeout) as server:
            yield server
        return
    with gradekit.serve(argv, health="/health", env=env(**extra_env), timeout=timeout) as server:
        yield server


def start_worker(*args: str, wait: bool = True, timeout: float = 60, **extra_env: Any) -> gradekit.AppProcess:
    """`python -m app.worker <args>` running beside the test (stop it with `.stop()` or
    `.signal(signal.SIGTERM)`); with `wait`, returns once it logged "worker started"."""
    proc = gradekit.spawn(["python", "-m", "app.worker", *args], env=env(**extra_env), name="worker")
    if wait:
        wait_for_log(proc, "worker started", timeout=timeout)
    return proc


def run_worker_burst(timeout: float = 300, **extra_env: Any) -> subprocess.CompletedProcess:
    """`python -m app.worker --burst`: relay the outbox, run every ready job and periodic
    task until there is no work, exit. AssertionError when it fails."""
    done = gradekit.run(["python", "-m", "app.worker", "--burst"], timeout=timeout, env=env(**extra_env))
    if done.returncode != 0:
        raise AssertionError(f"the worker exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}")
    return done


def json_lines(output: str) -> list[dict[str, Any]]:
    """The JSON log records in a process's output (other lines skipped)."""
    records = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def wait_for_log(proc: gradekit.AppProcess, message: str, *, timeout: float = 60,
                 **fields: Any) -> dict[str, Any]:
    """The first log record of `proc` with this message (and these field values), waiting up to
    `timeout` seconds; AssertionError (with the output) when the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        for record in json_lines(proc.output()):
            if record.get("message") == message and all(record.get(k) == v for k, v in fields.items()):
                return record
        if not proc.alive():
            raise AssertionError(f"{proc!r} exited ({proc.popen.returncode}) before logging {message!r}:\n"
                                 f"{proc.output()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{proc!r} did not log {message!r} in {timeout:.0f} s:\n{proc.output()[-3000:]}")
        time.sleep(0.1)
