"""The kit in use (run by check-in-image.sh smoke): a seeded database, the API under gunicorn,
clients by role, the worker delivering to the test process's receiver."""

from __future__ import annotations

import gradekit
import pytest
from gradekit import pg

pytest_plugins = ["helpdeskkit.fixtures"]


@pytest.fixture(scope="session")
def seed_with() -> dict:
    return {"orgs": 2, "tickets": 12}


def test_roles_and_tenants(api_as, data):
    agent, customer = api_as("acme", "agent"), api_as("acme", "customer")
    assert agent.get("/v1/me").json()["member"]["role"] == "agent"
    assert len(agent.get("/v1/tickets?limit=100").json()["items"]) == 12
    mine = customer.get("/v1/tickets?limit=100").json()["items"]
    assert mine and all(t["requester"]["id"] == data.member_id("acme", "customer") for t in mine)
    assert api_as("globex", "agent").get("/v1/tickets/1").json()["subject"]


def test_statements_are_measured(api_as):
    agent = api_as("acme", "agent")
    with pg.measure() as work:
        assert agent.get("/v1/tickets?limit=10").status_code == 200
    assert 1 <= work.calls <= 10, work.summary()


def test_worker_delivers_to_the_receiver(api_as, receiver):
    import helpdeskkit

    admin = api_as("globex", "admin")
    hook = admin.post("/v1/webhooks", json={"url": receiver.url("smoke"), "events": ["ticket.created"]})
    assert hook.status_code == 201, hook.text
    admin.new_ticket("Smoke")
    with helpdeskkit.start_worker() as worker:
        assert gradekit.eventually(lambda: receiver.of("smoke"), 60), worker.output()[-2000:]
