"""Webhook subscriptions observed from outside, across two API processes: endpoints registered
and deleted through one, shipments written through either, and the deliveries PostgreSQL holds
for each endpoint afterwards."""

from __future__ import annotations

import json

import shipkit as sk
from gradekit import pg
from shipkit.fakes import WebhookReceiver, signature_ok

URL = "http://127.0.0.1:9/shipping"
"""nobody listens there: the worker's attempts (one test runs it) fail at once"""


def _register(server, tenant: sk.Tenant, events=("*",), url: str = URL) -> int:
    with sk.client(server, tenant.admin) as api:
        made = api.post("/v1/webhooks", json={"url": url, "events": list(events)})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _delete(server, tenant: sk.Tenant, endpoint_id: int) -> None:
    with sk.client(server, tenant.admin) as api:
        gone = api.delete(f"/v1/webhooks/{endpoint_id}")
    assert gone.status_code == 204, gone.text


def _ship(server, tenant: sk.Tenant, label: bool = False) -> int:
    with sk.client(server, tenant.operator) as api:
        shipment = sk.shipment(api, sk.parcel(api)["id"])["id"]
        if label:
            bought = api.post(f"/v1/shipments/{shipment}/label")
            assert bought.status_code == 200, bought.text
    return shipment


def _cancel(server, tenant: sk.Tenant, shipment: int) -> None:
    with sk.client(server, tenant.operator) as api:
        cancelled = api.post(f"/v1/shipments/{shipment}/cancel")
    assert cancelled.status_code == 200, cancelled.text


def _shipment_of(payload) -> int:
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    data = payload["data"]
    return data["id"] if "id" in data else data["shipment"]["id"]


def _deliveries(endpoint_id: int) -> list[tuple[str, int]]:
    """(event type, shipment id) of every delivery recorded for the endpoint, oldest first."""
    with pg.connect() as con:
        rows = con.execute("SELECT event_type, payload FROM webhook_deliveries WHERE endpoint_id = %s ORDER BY id",
                           (endpoint_id,)).fetchall()
    return [(event, _shipment_of(payload)) for event, payload in rows]


# --- fail_to_pass --------------------------------------------------------------------------------


def test_an_endpoint_gets_the_next_event_written_on_the_same_instance(servers, owner):
    a = servers[0]
    _ship(a, owner)  # the tenant wrote before it had an endpoint
    endpoint = _register(a, owner, events=["shipment.created"])
    shipment = _ship(a, owner)
    assert _deliveries(endpoint) == [("shipment.created", shipment)], \
        "a shipment created right after the endpoint was registered was not recorded for it"


def test_an_endpoint_registered_on_one_instance_gets_events_written_on_the_other(servers, owner):
    a, b = servers
    _ship(b, owner, label=True)  # both instances have emitted this tenant's events before
    _ship(a, owner, label=True)
    endpoint = _register(a, owner)
    shipment = _ship(b, owner, label=True)
    assert _deliveries(endpoint) == [("shipment.created", shipment), ("shipment.label_purchased", shipment)], \
        "events written through the other instance after the endpoint was registered were not recorded for it"


def test_a_deleted_endpoint_gets_no_events_written_after_on_either_instance(servers, owner):
    a, b = servers
    endpoint = _register(a, owner, events=["shipment.created"])
    before = [_ship(b, owner), _ship(a, owner)]
    assert _deliveries(endpoint) == [("shipment.created", s) for s in before]
    _delete(a, owner, endpoint)
    _ship(a, owner)
    _ship(b, owner)
    assert _deliveries(endpoint) == [("shipment.created", s) for s in before], \
        "deliveries were recorded for an endpoint after its DELETE had answered"


# --- pass_to_pass --------------------------------------------------------------------------------


def test_each_endpoint_gets_what_it_subscribed_to_of_its_own_tenant(servers):
    a, b = servers
    first, second = sk.new_tenant(a), sk.new_tenant(b)
    created = _register(a, first, events=["shipment.created"])
    cancelled = _register(b, first, events=["shipment.cancelled"], url=URL + "/cancel")
    everything = _register(a, second, url=URL)  # the same URL, another tenant
    mine = _ship(a, first)
    _cancel(b, first, mine)
    other = _ship(b, first)
    theirs = _ship(b, second)
    assert _deliveries(created) == [("shipment.created", mine), ("shipment.created", other)]
    assert _deliveries(cancelled) == [("shipment.cancelled", mine)]
    assert _deliveries(everything) == [("shipment.created", theirs)]


def test_the_worker_delivers_a_signed_event_to_a_new_tenants_endpoint(servers, owner):
    a, b = servers
    with WebhookReceiver() as receiver:
        with sk.client(a, owner.admin) as api:
            made = api.post("/v1/webhooks", json={"url": receiver.url + "/hook", "events": ["shipment.created"]})
        assert made.status_code == 201, made.text
        shipment = _ship(b, owner)
        sk.worker_once()
        calls = receiver.received
    assert len(calls) == 1, calls
    assert signature_ok(made.json()["secret"], calls[0]["headers"]["x-shipping-signature"], calls[0]["raw"])
    assert calls[0]["body"]["type"] == "shipment.created" and calls[0]["body"]["data"]["id"] == shipment
