"""A smoke test of bookingskit, the way a fixture's hidden tests use it (black-box, HTTP, the
database and Redis from outside). Run it in the node-web image with the repository at /repo:

    cd /grader/tests && pytest -p no:cacheprovider /path/to/this/file   (as the grader does), or
    PYTHONPATH=kit:codebases/bookings/kit EVALS_REPO=codebases/bookings/repo EVALS_APP_ENV=DATABASE_URL,REDIS_URL \
        EVALS_PG_PASSWORD=... pytest codebases/bookings/kit/test_bookingskit_smoke.py

It is not a fixture's test: it checks the kit itself against the correct service.
"""

import signal
import time

import bookingskit as bk
import pytest
from bookingskit.fakes import FakeGateway, WebhookReceiver
from gradekit import pg
from gradekit import redis as gredis


@pytest.fixture(scope="module")
def seeded():
    bk.build()
    bk.reset_database()
    gredis.flush()
    return bk.seed(bookings=40)


@pytest.fixture(scope="module")
def server(seeded):
    with bk.serve() as server:
        yield server


def test_seeded_keys_work_and_tenants_are_apart(server, seeded):
    with bk.client(server, seeded.key("acme", "admin")) as api:
        me = api.get("/v1/me").json()
        assert me["org_id"] == seeded.org_id("acme") and me["role"] == "admin"
        theirs = api.get(f"/v1/resources/{seeded.resource('globex', 'desk-1')}")
        assert theirs.status_code == 404
        page = api.get("/v1/bookings", params={"limit": 100}).json()
        assert len(page["data"]) == 45 and page["next_cursor"] is None  # 5 fixed + 40 generated


def test_new_tenant_books_confirms_and_the_worker_notifies(server):
    tenant = bk.new_tenant(server)
    with bk.client(server, tenant.member) as api:
        held = api.post("/v1/bookings", json={
            "resource_id": tenant.court_id, "starts_at": bk.future(20, 10), "ends_at": bk.future(20, 11),
        })
        assert held.status_code == 201, held.text
        assert held.json()["customer_id"] == tenant.alice
        confirmed = api.post(f"/v1/bookings/{held.json()['id']}/confirm", json={"payment_token": "tok_visa"})
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    bk.worker_once()
    bk.worker_once()
    with bk.client(server, tenant.member) as api:
        kinds = [n["kind"] for n in api.get("/v1/notifications").json()["data"]]
    assert "booking_confirmed" in kinds
    with pg.connect() as con:
        published = con.execute("SELECT count(*) FROM outbox WHERE org_id = %s AND published_at IS NULL",
                                (tenant.org_id,)).fetchone()[0]
    assert published == 0


def test_worker_runs_and_stops_on_sigterm(server):
    with bk.worker() as proc:
        time.sleep(1.0)
        assert proc.alive()
        proc.signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    assert any(e.get("msg") == "worker stopped" for e in bk.logs(proc))


def test_server_logs_are_json_with_request_ids(server, seeded):
    with bk.client(server, seeded.key("acme", "staff")) as api:
        api.get("/v1/venues", headers={"X-Request-Id": "smoke-123"})
    time.sleep(0.2)
    lines = [e for e in bk.logs(server) if e.get("request_id") == "smoke-123"]
    assert lines and lines[-1]["route"] == "/v1/venues" and lines[-1]["status"] == 200


def test_migrations_go_down_and_up(seeded):
    assert bk.migrate("down", "5").returncode == 0
    status = bk.migrate("status").stdout
    assert "0006 booking_reference pending" in status
    bk.migrate("up")
    assert "pending" not in bk.migrate("status").stdout


def test_a_hanging_gateway_times_out_and_a_retry_charges_once(seeded):
    with FakeGateway(delay=5) as gateway:
        env = {"PAYMENT_GATEWAY_URL": gateway.url, "PAYMENT_TIMEOUT_MS": "300", "PAYMENT_RETRIES": "1"}
        with bk.serve(env=env) as server:
            tenant = bk.new_tenant(server)
            with bk.client(server, tenant.staff) as api:
                held = api.post("/v1/bookings", json={"resource_id": tenant.court_id, "customer_id": tenant.bob,
                                                      "starts_at": bk.future(25, 10), "ends_at": bk.future(25, 11)})
                started = time.monotonic()
                answer = api.post(f"/v1/bookings/{held.json()['id']}/confirm", json={"payment_token": "tok_visa"})
                assert answer.status_code == 504, answer.text
                assert time.monotonic() - started < 4
                gateway.delay = 0
                again = api.post(f"/v1/bookings/{held.json()['id']}/confirm", json={"payment_token": "tok_visa"})
                assert again.status_code == 200, again.text
    assert len(gateway.charges) == 3 and gateway.distinct_charges() == 1


def test_webhooks_reach_a_receiver_signed(server, seeded):
    with WebhookReceiver(status=200) as receiver:
        tenant = bk.new_tenant(server)
        with bk.client(server, tenant.admin) as api:
            hook = api.post("/v1/webhooks", json={"url": receiver.hook_url()}).json()
            held = api.post("/v1/bookings", json={"resource_id": tenant.room_id, "customer_id": tenant.alice,
                                                  "starts_at": bk.future(26, 9), "ends_at": bk.future(26, 10)})
            assert held.status_code == 201
        for _ in range(3):
            bk.worker_once()
        assert [r["body"]["type"] for r in receiver.received] == ["booking.held"]
        import hashlib
        import hmac
        got = receiver.received[0]
        expected = hmac.new(hook["secret"].encode(), got["headers"]["x-bookings-timestamp"].encode() + b"." + got["raw"],
                            hashlib.sha256).hexdigest()
        assert got["headers"]["x-bookings-signature"] == f"sha256={expected}"
