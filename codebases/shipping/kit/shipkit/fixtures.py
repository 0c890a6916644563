"""pytest fixtures most shipping hidden suites share: the build and a freshly migrated database
(with the demo data when asked), the carrier played by the test process, one API process (or
two) for the whole run, and a new tenant per test. A suite loads them from its conftest.py and
says what differs:

    pytest_plugins = ["shipkit.fixtures"]

    @pytest.fixture(scope="session")
    def server_env() -> dict:
        return {"CARRIER_TIMEOUT_MS": "500"}          # extra variables of the API process(es)

    @pytest.fixture(scope="session")
    def seed_with() -> dict:
        return {"parcels": 500}                       # load the demo data: shipkit.seed's arguments

The API processes get the session's `carrier` (`shipkit.fakes.FakeCarrier`) as CARRIER_URL
unless `server_env` names another. A suite that needs something else (a slow carrier, a server
per test) defines that fixture itself and keeps the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import gradekit
import pytest

from . import Seeded, Tenant, build, new_tenant, reset_database, seed, serve
from .fakes import FakeCarrier

N_SERVERS = 2


@pytest.fixture(scope="session")
def seed_with() -> dict[str, Any] | None:
    """Arguments of `shipkit.seed` to load the demo data (override it in conftest.py); None,
    the default here: no demo data."""
    return None


@pytest.fixture(scope="session")
def migrate_with() -> dict[str, Any]:
    """Arguments of `shipkit.reset_database` (override it in conftest.py); {}: the latest schema."""
    return {}


@pytest.fixture(scope="session")
def server_env() -> dict[str, str]:
    """Extra variables of the API process(es) (override it in conftest.py)."""
    return {}


@pytest.fixture(scope="session")
def database(seed_with: dict[str, Any] | None, migrate_with: dict[str, Any]) -> Seeded | None:
    """The build and an empty database at the latest schema; then the demo data when `seed_with`
    asks for it (what `shipkit.seed` made, else None)."""
    build()
    reset_database(**migrate_with)
    return None if seed_with is None else seed(**seed_with)


@pytest.fixture(scope="session")
def seeded(database: Seeded | None) -> Seeded:
    """The demo data's tenants and keys (needs `seed_with`)."""
    assert database is not None, "no demo data: override seed_with in conftest.py"
    return database


@pytest.fixture(scope="session")
def carrier() -> Iterator[FakeCarrier]:
    """The carrier played by the test process, answering at once, for the whole run."""
    with FakeCarrier() as running:
        yield running


@pytest.fixture(scope="session")
def server(database: Seeded | None, carrier: FakeCarrier, server_env: dict[str, str]) -> Iterator[gradekit.Server]:
    """The API server on that database, for the whole run."""
    with serve(env={"CARRIER_URL": carrier.url, **server_env}) as running:
        yield running


@pytest.fixture(scope="session")
def servers(database: Seeded | None, carrier: FakeCarrier, server_env: dict[str, str]) -> Iterator[list[gradekit.Server]]:
    """Two API processes on that database (as production runs them behind a balancer)."""
    with ExitStack() as started:
        yield [started.enter_context(serve(env={"CARRIER_URL": carrier.url, **server_env})) for _ in range(N_SERVERS)]


@pytest.fixture()
def tenant(server: gradekit.Server) -> Tenant:
    """A new tenant of the test's own (a key of every role)."""
    return new_tenant(server)
