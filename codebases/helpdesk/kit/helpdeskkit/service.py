"""The service's processes: migrations, the seed command, the API under gunicorn, the worker."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import gradekit
from gradekit import migrate as _migrate
from gradekit import pg
from gradekit import redis as _redis

ADMIN_TOKEN = "grader-operator-token"
"""the operators' token the kit gives the API (ADMIN_TOKEN), for POST /admin/organizations"""

PRELOAD = (*_migrate.DJANGO_PRELOAD, "rest_framework", "psycopg", "redis", "httpx")
"""third-party modules the migrate / seed commands import (forked from one warm interpreter)"""


def env(**extra: Any) -> dict[str, str]:
    """The environment of the code under test: the services' variables (DATABASE_URL,
    REDIS_URL), the kit's operator token, JSON logs at INFO, plus `extra` (any setting of
    helpdesk/settings.py by its variable: RATE_LIMIT_PER_MINUTE=5, WEBHOOK_TIMEOUT_SECONDS=1...)."""
    values = {"ADMIN_TOKEN": ADMIN_TOKEN, "LOG_LEVEL": "INFO", **{k: str(v) for k, v in extra.items()}}
    return gradekit.app_env(**values)


def reset() -> None:
    """An empty database schema and an empty Redis database."""
    pg.reset_schema()
    _redis.flush()


def manage(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python manage.py <args>` as the app (forked inside `warm()`): exit code and output."""
    return _migrate.execute(["python", "manage.py", *args], timeout=timeout)


def migrate(app: str | None = None, target: str | None = None) -> None:
    """`manage.py migrate [app [target]]` (CommandFailed on error)."""
    _migrate.django_migrate(app, target)


@contextmanager
def warm() -> Iterator[Any]:
    """Inside this block `migrate`, `seed` and `manage` are forks of one interpreter that has
    imported Django and the libraries (gradekit.forkserver): processes of their own as the app
    user, without paying for the imports each time."""
    with _migrate.warm(PRELOAD, env=env()) as server:
        yield server


@dataclass
class Seed:
    """What `manage.py seed` made: organisations with member ids and API tokens by role
    (admin, agent, agent2, customer, customer2)."""

    raw: dict[str, Any]
    orgs: list[dict[str, Any]] = field(default_factory=list)

    def org(self, which: str | int = 0) -> dict[str, Any]:
        if isinstance(which, int):
            return self.orgs[which]
        return next(o for o in self.orgs if o["slug"] == which)

    def token(self, org: str | int = 0, role: str = "admin") -> str:
        return self.org(org)["tokens"][role]

    def member_id(self, org: str | int = 0, role: str = "admin") -> int:
        return int(self.org(org)["members"][role])

    def org_id(self, org: str | int = 0) -> int:
        return int(self.org(org)["id"])


def seed(*, orgs: int = 2, customers: int = 6, tickets: int = 30, comments: int = 3, seed: int = 7,
         timeout: float = 600) -> Seed:
    """Deterministic demo data through the repository's own seed command."""
    done = manage("seed", "--orgs", str(orgs), "--customers", str(customers), "--tickets", str(tickets),
                  "--comments", str(comments), "--seed", str(seed), timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"seed exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Seed(raw=data, orgs=data["orgs"])


def setup(**seed_args: Any) -> Seed:
    """reset() + migrate() + seed(**seed_args): a fresh, migrated, seeded database."""
    reset()
    migrate()
    return seed(**seed_args)


def gunicorn(workers: int = 2, threads: int = 4) -> list[str]:
    """The API's production command line (the repository's gunicorn.conf.py) on `{port}`."""
    return ["python", "-m", "gunicorn", "helpdesk.wsgi", "-c", "gunicorn.conf.py", "-b", "127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads)]


@contextmanager
def serve(*, workers: int = 2, threads: int = 4, timeout: float = gradekit.process.START_TIMEOUT,
          **extra_env: Any) -> Iterator[gradekit.Server]:
    """The API under gunicorn (`workers` processes), ready when GET /health answers 200; stopped
    (SIGTERM to its session) at the end of the block. `server.output()` holds its JSON logs."""
    with gradekit.serve(gunicorn(workers, threads), health="/health", env=env(**extra_env),
                        timeout=timeout) as server:
        yield server


def start_worker(*, wait: bool = True, timeout: float = 120, **extra_env: Any) -> gradekit.AppProcess:
    """`manage.py run_worker` beside the test (stop it with `.stop()`); with `wait`, returns once
    it logged "worker started"."""
    values = {"WORKER_POLL_SECONDS": "0.2", **extra_env}
    proc = gradekit.spawn(["python", "manage.py", "run_worker"], env=env(**values), name="worker")
    if wait:
        wait_for_log(proc, "worker started", timeout=timeout)
    return proc


def run_worker_once(timeout: float = 300, **extra_env: Any) -> subprocess.CompletedProcess:
    """`manage.py run_worker --once`: send due deliveries and escalate until nothing is due."""
    done = gradekit.run(["python", "manage.py", "run_worker", "--once"], timeout=timeout, env=env(**extra_env))
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


def wait_for_log(proc: gradekit.AppProcess, message: str, *, timeout: float = 60, **fields: Any) -> dict[str, Any]:
    """The first log record of `proc` with this message (and field values), waiting up to
    `timeout` s; AssertionError (with the output) when the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        for record in json_lines(proc.output()):
            if record.get("message") == message and all(record.get(k) == v for k, v in fields.items()):
                return record
        if not proc.alive():
            raise AssertionError(f"{proc!r} exited before logging {message!r}:\n{proc.output()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{proc!r} did not log {message!r} in {timeout:.0f} s:\n{proc.output()[-3000:]}")
        time.sleep(0.1)
