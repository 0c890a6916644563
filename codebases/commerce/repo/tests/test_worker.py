"""The worker: outbox relay, invoices, e-mails, webhooks, reservation expiry, the queue."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.jobs.queue import JobQueue
from app.jobs.registry import HANDLERS
from app.models import EmailMessage, Invoice, OutboxEvent, Reservation, WebhookDelivery
from app.security import verify_signature

REPO = Path(__file__).resolve().parent.parent


class Receiver:
    """A webhook endpoint on 127.0.0.1 that records what it receives and answers with the
    statuses it is told to (200 once they run out)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k: v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def paid_order(api):
    product = api.product(price_cents=2500, stock=10)
    customer = api.customer(email="buyer@example.com")
    order = api.order(customer["id"], [(product["id"], 2)]).json()
    assert api.pay(order["id"]).status_code == 201
    return order


def test_relay_issues_invoices_with_sequential_numbers(api, worker, db):
    product = api.product(price_cents=1000, stock=10)
    customer = api.customer()
    orders = [api.order(customer["id"], [(product["id"], 1)]).json() for _ in range(2)]
    for order in orders:
        api.pay(order["id"])
    worker.drain()
    numbers = [api.get(f"/v1/orders/{o['id']}/invoice").json()["number"] for o in orders]
    assert numbers == ["INV-000001", "INV-000002"]
    invoice = api.get(f"/v1/orders/{orders[0]['id']}/invoice").json()
    assert invoice["total_cents"] == orders[0]["total_cents"] == sum(line["total_cents"] for line in invoice["lines"])
    assert db.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))) == 0
    listed = api.get("/v1/invoices").json()["items"]
    assert [i["number"] for i in listed] == ["INV-000002", "INV-000001"]


def test_invoice_jobs_are_idempotent(api, worker, paid_order, db):
    worker.drain()
    for _ in range(2):
        worker.queue.enqueue("invoice.generate", {"tenant_id": api.tenant_id, "order_id": paid_order["id"]})
    worker.drain()
    assert db.scalar(select(func.count()).select_from(Invoice)) == 1


def test_confirmation_email_is_sent_once(api, worker, paid_order, db):
    worker.drain()
    event_id = db.scalar(select(OutboxEvent.id).where(OutboxEvent.event_type == "order.paid"))
    worker.queue.enqueue("email.send", {"event_id": event_id})  # a duplicate delivery of the job
    worker.drain()
    emails = db.scalars(select(EmailMessage)).all()
    assert [(e.to_address, e.template, e.status) for e in emails] == [
        ("buyer@example.com", "order_confirmation", "sent")]
    assert f"order #{paid_order['id']}" in emails[0].body


def test_webhooks_are_signed_and_delivered(api, worker, receiver, db):
    hook = api.post("/v1/webhooks", json={"url": receiver.url, "event_types": ["order.paid", "order.shipped"]})
    assert hook.status_code == 201
    secret = hook.json()["secret"]
    product = api.product(stock=5)
    order = api.order(api.customer()["id"], [(product["id"], 1)]).json()
    api.pay(order["id"])
    worker.drain()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["X-Commerce-Event"] == "order.paid"
    assert verify_signature(secret, headers["X-Commerce-Signature"], body)
    event = json.loads(body)
    assert event["type"] == "order.paid" and event["data"]["order_id"] == order["id"]
    deliveries = api.get(f"/v1/webhooks/{hook.json()['id']}/deliveries").json()["items"]
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in deliveries] == [("succeeded", 1, 200)]
    worker.queue.enqueue("webhook.deliver", {"delivery_id": deliveries[0]["id"]})
    worker.drain()
    assert len(receiver.requests) == 1  # a delivered event is never sent again


def test_failed_webhooks_are_retried_with_backoff(api, worker, clock, db):
    flaky = Receiver([500, 503])
    try:
        api.post("/v1/webhooks", json={"url": flaky.url, "event_types": ["order.paid"]})
        product = api.product(stock=5)
        order = api.order(api.customer()["id"], [(product["id"], 1)]).json()
        api.pay(order["id"])
        worker.drain()
        delivery = db.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        worker.drain()
        assert len(flaky.requests) == 1  # not before its time
        clock.advance(11)
        worker.drain()
        clock.advance(21)
        worker.drain()
        db.expire_all()
        delivery = db.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.attempts) == ("succeeded", 3)
        ids = {headers["X-Commerce-Event-Id"] for headers, _ in flaky.requests}
        assert len(flaky.requests) == 3 and len(ids) == 1
    finally:
        flaky.close()


def test_unpaid_orders_expire_and_release_their_stock(api, worker, clock, settings, db):
    product = api.product(stock=5)
    order = api.order(api.customer()["id"], [(product["id"], 3)]).json()
    worker.drain()
    assert api.get(f"/v1/orders/{order['id']}").json()["status"] == "pending"
    clock.advance(settings.reservation_ttl_seconds + 5)
    worker.drain()
    expired = api.get(f"/v1/orders/{order['id']}").json()
    assert expired["status"] == "cancelled" and expired["cancel_reason"] == "reservation_expired"
    assert api.stock(product["id"])["available"] == 5
    assert db.scalars(select(Reservation.status)).all() == ["expired"]


def test_jobs_of_a_dead_worker_are_recovered(worker, redis_client):
    queue = worker.queue
    job = queue.enqueue("email.send", {"event_id": 12345})
    taken = queue.reserve("dead-worker", timeout=0)
    assert taken is not None and taken.id == job.id
    redis_client.sadd(queue.workers_key, "dead-worker")  # registered, but its heartbeat is gone
    assert queue.recover_orphans() == 1
    assert queue.sizes()["ready"] == 1
    assert redis_client.llen(queue.processing_key("dead-worker")) == 0


def test_failing_jobs_are_retried_then_dead_lettered(worker, clock, monkeypatch, settings):
    calls = []

    def always_fails(jc, **args):
        calls.append(args)
        raise RuntimeError("downstream is down")

    monkeypatch.setitem(HANDLERS, "test.fail", always_fails)
    worker.queue.enqueue("test.fail", {"n": 1})
    for _ in range(settings.job_max_attempts):
        worker.drain()
        clock.advance(400)
    assert len(calls) == settings.job_max_attempts
    sizes = worker.queue.sizes()
    assert (sizes["ready"], sizes["delayed"], sizes["dead"]) == (0, 0, 1)


def test_queue_is_first_in_first_out(redis_client, clock):
    queue = JobQueue(redis_client, "fifo-test", clock)
    for n in range(3):
        queue.enqueue("x", {"n": n})
    taken = [queue.reserve("w", timeout=0).args["n"] for _ in range(3)]
    assert taken == [0, 1, 2]


def test_worker_stops_gracefully_on_sigterm(settings, redis_client):
    env = {**os.environ, "QUEUE_NAME": "commerce-sigterm-test", "WORKER_POLL_SECONDS": "0.2"}
    proc = subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not redis_client.smembers("commerce-sigterm-test:workers"):
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "the worker did not register"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
        output = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line["message"] == "worker stopped" for line in lines)
    assert not redis_client.smembers("commerce-sigterm-test:workers")
