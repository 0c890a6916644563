"""pytest fixtures most bookings hidden suites share: the build and a freshly migrated database
(with the demo data when asked) with an empty Redis, one API process (or two) for the whole run,
and a new tenant per test. A suite loads them from its conftest.py and says what differs:

    pytest_plugins = ["bookingskit.fixtures"]

    @pytest.fixture(scope="session")
    def server_env() -> dict:
        return {"RATE_LIMIT_BOOKINGS_MAX": "1000"}     # extra variables of the API process(es)

    @pytest.fixture(scope="session")
    def seed_with() -> dict:
        return {"bookings": 400}                       # load the demo data: bookingskit.seed's arguments

    @pytest.fixture(scope="session")
    def migrate_with() -> dict:                        # bookingskit.reset_database's arguments: the
        return {"deployed": "6", "as_deployed": fn}    # schema as a deploy finds it (default: {})

A suite that pays through the payment gateway played by the test process takes `gateway`
(`bookingskit.fakes.FakeGateway`) and gives its URL to the API: `{"PAYMENT_GATEWAY_URL":
gateway.url}` in `server_env`. A suite that needs something else (proxies in front of a
dependency, a server per test) defines that fixture itself and keeps the rest; `database` alone
gives a built, migrated service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import gradekit
import pytest
from gradekit import redis as gredis

from . import Seeded, Tenant, build, new_tenant, reset_database, seed, serve
from .fakes import FakeGateway

N_SERVERS = 2


@pytest.fixture(scope="session")
def seed_with() -> dict[str, Any] | None:
    """Arguments of `bookingskit.seed` to load the demo data (override it in conftest.py);
    None, the default here: no demo data."""
    return None


@pytest.fixture(scope="session")
def migrate_with() -> dict[str, Any]:
    """Arguments of `bookingskit.reset_database` (override it in conftest.py); {}, the default
    here: straight to the latest schema. `{"deployed": "6", "as_deployed": fn}`: migrated to
    version 6 first (what production runs), `fn()`, then up to the latest."""
    return {}


@pytest.fixture(scope="session")
def server_env() -> dict[str, str]:
    """Extra variables of the API process(es) (override it in conftest.py)."""
    return {}


@pytest.fixture(scope="session")
def database(seed_with: dict[str, Any] | None, migrate_with: dict[str, Any]) -> Seeded | None:
    """The build, an empty database at the latest schema (reached as `migrate_with` says) and an
    empty Redis; then the demo data when `seed_with` asks for it (what `bookingskit.seed` made,
    else None)."""
    build()
    reset_database(**migrate_with)
    gredis.flush()
    return None if seed_with is None else seed(**seed_with)


@pytest.fixture(scope="session")
def seeded(database: Seeded | None) -> Seeded:
    """The demo data's tenants, keys and ids (needs `seed_with`)."""
    assert database is not None, "no demo data: override seed_with in conftest.py"
    return database


@pytest.fixture(scope="session")
def gateway() -> Iterator[FakeGateway]:
    """The payment gateway played by the test process, answering at once, for the whole run."""
    with FakeGateway() as running:
        yield running


@pytest.fixture(scope="session")
def server(database: Seeded | None, server_env: dict[str, str]) -> Iterator[gradekit.Server]:
    """The API server on that database, for the whole run."""
    with serve(env=server_env) as running:
        yield running


@pytest.fixture(scope="session")
def servers(database: Seeded | None, server_env: dict[str, str]) -> Iterator[list[gradekit.Server]]:
    """Two API processes on that database (as production runs them behind a balancer), for the
    whole run."""
    with ExitStack() as started:
        yield [started.enter_context(serve(env=server_env)) for _ in range(N_SERVERS)]


@pytest.fixture()
def tenant(server: gradekit.Server) -> Tenant:
    """A new tenant of the test's own (keys of every role, a venue and resources)."""
    return new_tenant(server)
