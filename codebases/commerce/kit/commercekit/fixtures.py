"""pytest fixtures most commerce hidden suites share: one migrated, seeded database and one API
process for the whole run (forked from one warm interpreter, `commercekit.warm`), and clients by
tenant and role. A suite loads them from its conftest.py and says what to seed:

    pytest_plugins = ["commercekit.fixtures"]

    @pytest.fixture(scope="session")
    def seed_with() -> dict:
        return {"tenants": 2, "products": 6, "orders": 3}     # commercekit.seed's arguments

    @pytest.fixture(scope="session")
    def acme(api_as):
        return api_as("acme", "viewer")

A suite that races requests over two API processes (as production runs them) takes `servers`
instead of `server`; one that needs something else (proxies in front of Redis) defines its own
`server` and keeps the rest. Suites of the worker's webhooks take `receiver`: endpoints
played by the test process (commercekit.receiver).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from .client import Api, api
from .receiver import Receiver
from .service import Seed, serve, setup
from .service import warm as service_warm


@pytest.fixture(scope="session")
def seed_with() -> dict[str, Any]:
    """Arguments of `commercekit.seed` (override it in conftest.py); the defaults here."""
    return {}


@pytest.fixture(scope="session")
def warm() -> Iterator[Any]:
    """The service's processes below are forks of one warm interpreter (`commercekit.warm`)."""
    with service_warm() as server:
        yield server


@pytest.fixture(scope="session")
def data(seed_with: dict[str, Any], warm: Any) -> Seed:
    """An empty schema, the repository's migrations to head and its seed command."""
    return setup(**seed_with)


@pytest.fixture(scope="session")
def server(data: Seed, warm: Any) -> Iterator[Any]:
    """The API under uvicorn, on the seeded database, for the whole run."""
    with serve() as running:
        yield running


@pytest.fixture(scope="session")
def servers(data: Seed, warm: Any) -> Iterator[list[str]]:
    """Two API processes on the seeded database, for the whole run: their URLs."""
    with ExitStack() as started:
        yield [started.enter_context(serve()).url for _ in range(2)]


@pytest.fixture(scope="session")
def api_as(server: Any, data: Seed) -> Iterator[Callable[[str, str], Api]]:
    """`api_as("acme", "viewer")`: a client sending that seeded tenant's key for that role (one
    per pair, closed at the end of the run)."""
    made: dict[tuple[str, str], Api] = {}

    def client(tenant: str = "acme", role: str = "admin") -> Api:
        if (tenant, role) not in made:
            made[tenant, role] = api(server, data.key(tenant, role))
        return made[tenant, role]

    yield client
    for each in made.values():
        each.close()


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    """Webhook endpoints played by the test process, for the whole run (commercekit.receiver)."""
    with Receiver() as running:
        yield running
