"""pytest fixtures for hidden tests that race requests against several server processes of the
code under test on one database, as production runs it: the schema built once by the code's own
command, N servers for the session, requests released together (`burst`) and spread over them.

A conftest.py loads it and says how to build the schema and start a server:

    pytest_plugins = ["gradekit.concurrent_suite"]
    from gradekit.concurrent_suite import burst, db, http   # for the tests

    @pytest.fixture(scope="session")
    def stack() -> concurrent_suite.Stack:
        return concurrent_suite.Stack(app=gradekit.flask("wsgi:app"),
                                      init=["python", "-c", "from app.db import init_db; init_db()"])

Fixtures: `servers` (their URLs) and `sql` (a superuser connection for one test).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest

from . import pg
from .http import burst as _burst
from .http import http as _http
from .process import run, serve

N_SERVERS = 2

#: for the tests' own one-at-a-time requests
http = _http()


@dataclass(frozen=True)
class Stack:
    app: Sequence[str]
    """a server's command (`gradekit.uvicorn(...)`, `gradekit.flask(...)`, `gradekit.django()`)"""
    init: Sequence[str]
    """the code's own command that builds the schema on an empty database"""
    health: str = "/healthz"
    count: int = N_SERVERS


def burst(urls: Sequence[str], requests: Sequence[tuple[str, str, Any]], workers: int = 16) -> list[Any]:
    """Concurrent requests released together, spread over the servers (each answers first)."""
    return _burst(urls, requests, workers=workers, warmup="/healthz")


def db() -> Any:
    """A connection to the app's database as its superuser (autocommit)."""
    return pg.connect()


@pytest.fixture(scope="session")
def servers(stack: Stack) -> Iterator[list[str]]:
    pg.reset_schema()
    done = run(list(stack.init))
    assert done.returncode == 0, f"{' '.join(stack.init)} failed:\n{(done.stdout + done.stderr)[-3000:]}"
    with ExitStack() as started:
        running = [started.enter_context(serve(list(stack.app), health=stack.health)) for _ in range(stack.count)]
        yield [s.url for s in running]


@pytest.fixture()
def sql() -> Iterator[Any]:
    with db() as con:
        yield con
