"""The database as production has it: migrated up to version 8 (the deployed release), holding
webhook endpoints registered the way that release let tenants register them (one URL several
times, active), each with a delivery on record; then the code under test's `migrate up`, whose
outcome the tests read (a failed upgrade leaves the database at version 8). One API process on
the result."""

from __future__ import annotations

import hashlib

import pytest
import shipkit as sk
from gradekit import pg

pytest_plugins = ["shipkit.fixtures"]

DEPLOYED = 8
KEY = "shp_0ddba11e_" + "cd" * 20
"""the legacy tenant's admin key"""
X = "https://erp.legacy.example/hooks/shipping"
ENDPOINTS = {
    # name: (tenant, url, events, active, created_at)
    "x1": ("legacy", X, ["*"], True, "2026-01-05T09:00:00+00:00"),
    "x2": ("legacy", X, ["*"], True, "2026-01-05T09:00:40+00:00"),
    "x3": ("legacy", X, ["*"], True, "2026-02-11T14:20:00+00:00"),
    "y1": ("legacy", "https://crm.legacy.example/events", ["shipment.created"], True, "2026-01-07T10:00:00+00:00"),
    "z1": ("legacy", "https://old.legacy.example/hook", ["shipment.created"], False, "2025-11-02T08:00:00+00:00"),
    "z2": ("legacy", "https://old.legacy.example/hook", ["shipment.created"], True, "2026-01-09T08:00:00+00:00"),
    "w1": ("legacy", "https://gone.legacy.example/hook", ["*"], False, "2025-10-01T08:00:00+00:00"),
    "w2": ("legacy", "https://gone.legacy.example/hook", ["*"], False, "2025-10-01T08:01:00+00:00"),
    "n1": ("neighbour", X, ["*"], True, "2026-01-20T12:00:00+00:00"),
}
TENANTS: dict[str, int] = {}
IDS: dict[str, int] = {}
"""endpoint name -> id"""
DELIVERIES: dict[str, int] = {}
"""endpoint name -> id of its delivery on record"""


def _as_deployed() -> None:
    with pg.connect() as con:
        for slug in ("legacy", "neighbour"):
            TENANTS[slug] = con.execute("INSERT INTO tenants (slug, name) VALUES (%s, %s) RETURNING id",
                                        (slug, slug.title())).fetchone()[0]
        con.execute("INSERT INTO api_keys (tenant_id, name, role, prefix, hash) VALUES (%s, 'ops', 'admin', %s, %s)",
                    (TENANTS["legacy"], KEY.split("_")[1], hashlib.sha256(KEY.encode()).hexdigest()))
        for name, (tenant, url, events, active, created) in ENDPOINTS.items():
            IDS[name] = con.execute(
                "INSERT INTO webhook_endpoints (tenant_id, url, secret, events, active, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                (TENANTS[tenant], url, f"whsec_{name}", events, active, created)).fetchone()[0]
            DELIVERIES[name] = con.execute(
                "INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_type, payload, status, attempts,"
                " delivered_at, created_at) VALUES (%s, %s, 'shipment.created', %s, 'delivered', 1, %s, %s) RETURNING id",
                (TENANTS[tenant], IDS[name], f'{{"id": "evt_legacy_{name}"}}', created, created)).fetchone()[0]


@pytest.fixture(scope="session")
def database():
    """The upgrade under test: its exit code and output (the tests that need it say so)."""
    sk.build()
    pg.reset_schema()
    sk.migrate("up", str(DEPLOYED))
    _as_deployed()
    return sk.migrate("up", check=False)
