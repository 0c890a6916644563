"""Idempotency-Keys across tenants, observed from outside: the answers each tenant gets, the
parcels and shipments each tenant has afterwards, and what the carrier (played by the test
process) was asked."""

from __future__ import annotations

import random

import shipkit as sk
from conftest import FAIL_ONCE
from gradekit import pg


def _key() -> dict[str, str]:
    """a shop's order number, as both shops number their orders"""
    return {"Idempotency-Key": str(random.randrange(100_000, 999_999_999))}


def _parcel(reference: str) -> dict:
    return {**sk.PARCEL, "reference": reference}


def _references(api, reference: str) -> list[int]:
    listed = api.get("/v1/parcels", params={"reference": reference})
    assert listed.status_code == 200, listed.text
    return [p["id"] for p in listed.json()["data"]]


# --- fail_to_pass --------------------------------------------------------------------------------


def test_the_same_key_from_another_tenant_makes_its_own_parcel(shop, other_shop):
    key = _key()
    mine = shop.post("/v1/parcels", json=_parcel("A-100452"), headers=key)
    assert mine.status_code == 201, mine.text
    theirs = other_shop.post("/v1/parcels", json=_parcel("B-100452"), headers=key)
    assert theirs.status_code == 201, theirs.text[:300]
    assert theirs.json()["reference"] == "B-100452"
    assert theirs.headers.get("idempotent-replayed") is None
    assert _references(other_shop, "B-100452") == [theirs.json()["id"]]


def test_another_tenants_identical_request_is_not_answered_with_the_first_ones_parcel(shop, other_shop):
    key, body = _key(), _parcel("ORD-100452")
    mine = shop.post("/v1/parcels", json=body, headers=key)
    assert mine.status_code == 201, mine.text
    theirs = other_shop.post("/v1/parcels", json=body, headers=key)
    assert theirs.status_code == 201, theirs.text[:300]
    assert theirs.headers.get("idempotent-replayed") is None, "another tenant's stored answer was replayed"
    assert theirs.json()["id"] != mine.json()["id"], "the answer holds the other tenant's parcel"
    assert other_shop.get(f"/v1/parcels/{theirs.json()['id']}").status_code == 200
    assert _references(other_shop, "ORD-100452") == [theirs.json()["id"]]
    assert _references(shop, "ORD-100452") == [mine.json()["id"]]


def test_the_same_key_buys_each_tenants_own_label(shop, other_shop, carrier):
    key = _key()
    mine = sk.shipment(shop, sk.parcel(shop)["id"])["id"]
    theirs = sk.shipment(other_shop, sk.parcel(other_shop)["id"])["id"]
    first = shop.post(f"/v1/shipments/{mine}/label", headers=key)
    assert first.status_code == 200, first.text
    second = other_shop.post(f"/v1/shipments/{theirs}/label", headers=key)
    assert second.status_code == 200, second.text[:300]
    assert second.json()["id"] == theirs and second.json()["status"] == "label_purchased"
    with pg.connect() as con:
        status = con.execute("SELECT status FROM shipments WHERE id = %s", (theirs,)).fetchone()[0]
    assert status == "label_purchased"
    assert f"shp_{theirs}" in [r["body"].get("reference") for r in carrier.labels]


# --- pass_to_pass --------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer(shop):
    key, body = _key(), _parcel("R-1")
    first = shop.post("/v1/parcels", json=body, headers=key)
    again = shop.post("/v1/parcels", json=body, headers=key)
    assert first.status_code == 201 and again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert _references(shop, "R-1") == [first.json()["id"]]


def test_a_key_reused_for_another_request_is_refused(shop):
    key = _key()
    assert shop.post("/v1/parcels", json=_parcel("K-1"), headers=key).status_code == 201
    other = shop.post("/v1/parcels", json=_parcel("K-2"), headers=key)
    assert other.status_code == 422, other.text
    assert _references(shop, "K-2") == []


def test_a_key_is_released_when_the_carrier_fails(shop, carrier):
    key = _key()
    shipment = sk.shipment(shop, sk.parcel(shop)["id"])["id"]
    FAIL_ONCE.add(f"shp_{shipment}")
    failed = shop.post(f"/v1/shipments/{shipment}/label", headers=key)
    assert failed.status_code == 502, failed.text
    retried = shop.post(f"/v1/shipments/{shipment}/label", headers=key)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "label_purchased"
