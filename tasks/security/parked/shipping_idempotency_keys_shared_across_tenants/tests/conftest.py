"""The shipping API as its own process on the database as production has it: migrated up to
version 8 with idempotency_keys as that release created it (whatever the repository's 0005 says
now: an applied migration never runs again on production), then the code under test's `migrate
up`. The carrier is played by the test process and fails once (503) the label purchases a test
asks it to. Each test makes fresh tenants, operators' clients."""

from __future__ import annotations

import pytest
import shipkit as sk
from gradekit import pg
from shipkit.fakes import FakeCarrier

pytest_plugins = ["shipkit.fixtures"]

DEPLOYED = 8
FAIL_ONCE: set[str] = set()
"""references (`shp_<shipment id>`) of label purchases the carrier answers 503 once"""


def _as_deployed() -> None:
    with pg.connect() as con:
        con.execute("ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey")
        con.execute("ALTER TABLE idempotency_keys ADD PRIMARY KEY (key)")


@pytest.fixture(scope="session")
def migrate_with() -> dict:
    return {"deployed": DEPLOYED, "as_deployed": _as_deployed}


def _behaviour(method, path, body, headers, nth):
    if method == "POST" and path == "/v1/labels" and body.get("reference") in FAIL_ONCE:
        FAIL_ONCE.discard(body["reference"])
        return 503, {"error": "carrier trouble"}
    return None


@pytest.fixture(scope="session")
def carrier():
    with FakeCarrier(behaviour=_behaviour) as running:
        yield running


def _operator(server):
    return sk.client(server, sk.new_tenant(server).operator)


@pytest.fixture()
def shop(server):
    with _operator(server) as api:
        yield api


@pytest.fixture()
def other_shop(server):
    with _operator(server) as api:
        yield api
