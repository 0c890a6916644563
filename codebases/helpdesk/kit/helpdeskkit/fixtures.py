"""pytest fixtures most helpdesk hidden suites share: one migrated, seeded database and one API
process (gunicorn, two workers) for the whole run, and clients by organisation and role. A suite
loads them from its conftest.py and says what to seed:

    pytest_plugins = ["helpdeskkit.fixtures"]

    @pytest.fixture(scope="session")
    def seed_with() -> dict:
        return {"orgs": 2, "tickets": 40}          # helpdeskkit.seed's arguments

    def test_x(api_as):
        agent = api_as("acme", "agent")            # admin, agent, agent2, customer, customer2

`server_env` gives the API extra settings; a suite that needs its own processes defines its
own `server` and keeps the rest. `receiver`: webhook endpoints played by the test process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .client import Api, api
from .fakes import Receiver
from .service import Seed, serve, setup
from .service import warm as service_warm


@pytest.fixture(scope="session")
def seed_with() -> dict[str, Any]:
    """Arguments of `helpdeskkit.seed` (override it in conftest.py)."""
    return {}


@pytest.fixture(scope="session")
def server_env() -> dict[str, Any]:
    """Extra settings of the API process (override it in conftest.py)."""
    return {}


@pytest.fixture(scope="session")
def data(seed_with: dict[str, Any]) -> Seed:
    """An empty schema, the repository's migrations and its seed command."""
    with service_warm():
        return setup(**seed_with)


@pytest.fixture(scope="session")
def server(data: Seed, server_env: dict[str, Any]) -> Iterator[Any]:
    """The API under gunicorn on the seeded database, for the whole run."""
    with serve(**server_env) as running:
        yield running


@pytest.fixture(scope="session")
def api_as(server: Any, data: Seed) -> Iterator[Callable[[str, str], Api]]:
    """`api_as("acme", "agent")`: a client with that seeded member's token."""
    made: dict[tuple[str, str], Api] = {}

    def client(org: str = "acme", role: str = "admin") -> Api:
        if (org, role) not in made:
            made[org, role] = api(server, data.token(org, role))
        return made[org, role]

    yield client
    for each in made.values():
        each.close()


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    """Webhook endpoints played by the test process, for the whole run."""
    with Receiver() as running:
        yield running
