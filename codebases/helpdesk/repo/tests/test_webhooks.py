from datetime import timedelta

import pytest
from django.test import override_settings

from core import clock
from hooks import delivery, signing
from hooks.models import Delivery
from tests.conftest import new_ticket
from tests.receiver import Receiver


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def subscribe(org, url, events=("ticket.created", "ticket.updated", "ticket.commented")) -> dict:
    response = org.admin.post("/v1/webhooks", {"url": url, "events": list(events)}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_only_admins_manage_webhooks(acme, receiver):
    response = acme.agent.post("/v1/webhooks", {"url": receiver.url, "events": ["ticket.created"]}, format="json")
    assert response.status_code == 403
    assert acme.admin.post("/v1/webhooks", {"url": receiver.url, "events": ["nope"]}, format="json").status_code == 422


def test_events_are_delivered_signed(acme, receiver):
    hook = subscribe(acme, receiver.url)
    new_ticket(acme.customer)
    assert delivery.send_due() == 1
    got = receiver.received[0]
    assert got["body"]["type"] == "ticket.created" and got["body"]["data"]["number"] == 1
    assert signing.verify(hook["secret"], got["raw"], got["headers"]["X-Helpdesk-Signature"])
    assert Delivery.objects.get().status == "delivered"


def test_nothing_is_queued_without_a_subscription(acme, receiver):
    subscribe(acme, receiver.url, events=("ticket.commented",))
    new_ticket(acme.customer)
    assert Delivery.objects.count() == 0


def test_a_failed_delivery_is_retried_later_then_given_up(acme, receiver):
    subscribe(acme, receiver.url)
    new_ticket(acme.customer)
    receiver.statuses = [500, 500, 500]
    with override_settings(WEBHOOK_MAX_ATTEMPTS=2):
        assert delivery.send_due() == 1
        row = Delivery.objects.get()
        assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at > clock.now()
        assert delivery.send_due() == 0
        Delivery.objects.update(next_attempt_at=clock.now() - timedelta(seconds=1))
        assert delivery.send_due() == 1
    row = Delivery.objects.get()
    assert row.status == "failed" and row.attempts == 2 and row.response_status == 500


def test_a_refused_connection_is_a_retry(acme):
    subscribe(acme, "http://127.0.0.1:9/hook")
    new_ticket(acme.customer)
    delivery.send_due()
    row = Delivery.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.last_error


def test_deliveries_are_listed_for_admins(acme, receiver):
    hook = subscribe(acme, receiver.url)
    new_ticket(acme.customer)
    items = acme.admin.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["items"]
    assert [i["event"] for i in items] == ["ticket.created"]


def test_signatures_expire():
    header = signing.sign("s", b"{}", timestamp=1)
    assert not signing.verify("s", b"{}", header)
    assert signing.verify("s", b"{}", signing.sign("s", b"{}"))
    assert not signing.verify("t", b"{}", signing.sign("s", b"{}"))
