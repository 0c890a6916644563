"""Two API processes on one migrated database (as production runs them behind a balancer), the
carrier played by the test process; each test makes a fresh tenant. Events are observed where
they are recorded, in the transaction of the write that emits them: the webhook_deliveries rows
of each endpoint (and, in one test, what a receiver played by the test process got from the
worker)."""

from __future__ import annotations

import pytest
import shipkit as sk

pytest_plugins = ["shipkit.fixtures"]


@pytest.fixture()
def owner(servers) -> sk.Tenant:
    return sk.new_tenant(servers[0])
