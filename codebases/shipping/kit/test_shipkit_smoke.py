"""A smoke test of shipkit, the way a fixture's hidden tests use it (black-box: HTTP, the
database, the fakes). Run it in the go-web image with the repository at /repo
(`codebases/shipping/check-in-image.sh smoke`), or on a machine with Go and PostgreSQL:

    PYTHONPATH=kit:codebases/shipping/kit EVALS_REPO=codebases/shipping/repo EVALS_APP_ENV=DATABASE_URL \
        EVALS_PG_PASSWORD=... pytest codebases/shipping/kit/test_shipkit_smoke.py

It is not a fixture's test: it checks the kit itself against the correct service.
"""

import signal

import gradekit
import pytest
import shipkit as sk
from gradekit import pg
from shipkit.fakes import FakeCarrier, WebhookReceiver, signature_ok


@pytest.fixture(scope="module")
def seeded():
    sk.build()
    sk.reset_database()
    return sk.seed(parcels=40)


@pytest.fixture(scope="module")
def carrier():
    with FakeCarrier() as running:
        yield running


@pytest.fixture(scope="module")
def server(seeded, carrier):
    with sk.serve(env={"CARRIER_URL": carrier.url}) as server:
        yield server


def test_seeded_keys_work_and_tenants_are_apart(server, seeded):
    with sk.client(server, seeded.key("acme", "viewer")) as api:
        me = api.get("/v1/me").json()
        assert me["tenant"]["slug"] == "acme" and me["role"] == "viewer"
        page = api.get("/v1/parcels", params={"limit": 100}).json()
        assert len(page["data"]) == 40 and page["next_cursor"] is None
        assert sum(1 for p in page["data"] if p["shipment"]) == 30
    with sk.client(server, seeded.key("globex", "admin")) as other:
        assert other.get(f"/v1/parcels/{page['data'][0]['id']}").status_code == 404


def test_label_purchase_webhook_and_worker(server, carrier):
    tenant = sk.new_tenant(server)
    with WebhookReceiver() as receiver, sk.client(server, tenant.admin) as admin, \
            sk.client(server, tenant.operator) as operator:
        hook = admin.post("/v1/webhooks", json={"url": receiver.url + "/hook", "events": ["shipment.label_purchased"]})
        assert hook.status_code == 201, hook.text
        shipment = sk.shipment(operator, sk.parcel(operator)["id"])
        bought = operator.post(f"/v1/shipments/{shipment['id']}/label")
        assert bought.status_code == 200, bought.text
        assert bought.json()["tracking_number"].startswith("FC")
        assert carrier.labels[-1]["headers"]["idempotency-key"]
        with sk.worker() as proc:
            assert gradekit.eventually(lambda: len(receiver.received) == 1, 30), proc.output()[-2000:]
        delivery = receiver.received[0]
        assert signature_ok(hook.json()["secret"], delivery["headers"]["x-shipping-signature"], delivery["raw"])
        assert delivery["body"]["type"] == "shipment.label_purchased"
        assert any(e.get("msg") == "job done" for e in sk.logs(proc))


def test_logs_are_json_with_request_ids_and_work_is_measurable(server, seeded):
    with sk.client(server, seeded.key("acme", "admin")) as api:
        with pg.measure() as work:
            assert api.get("/v1/parcels", params={"limit": 50}, headers={"X-Request-Id": "smoke-1"}).status_code == 200
    assert 1 <= work.calls <= 6, work.summary()
    lines = [e for e in sk.logs(server) if e.get("request_id") == "smoke-1"]
    assert lines and lines[-1]["msg"] == "request" and lines[-1]["status"] == 200


def test_sigterm_stops_the_server_cleanly(seeded):
    with sk.serve() as server:
        server.signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0, server.output()[-2000:]
