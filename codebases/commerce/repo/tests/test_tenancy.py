"""Tenant isolation: nothing of one tenant is visible or changeable through another's key."""

from __future__ import annotations

import pytest


@pytest.fixture()
def two_tenants(make_tenant):
    acme, globex = make_tenant("acme"), make_tenant("globex")
    product = acme.product(price_cents=500, stock=5)
    customer = acme.customer()
    order = acme.order(customer["id"], [(product["id"], 1)])
    assert order.status_code == 201
    return acme, globex, product, customer, order.json()


def test_orders_of_another_tenant_are_not_found(two_tenants):
    acme, globex, _, _, order = two_tenants
    assert acme.get(f"/v1/orders/{order['id']}").status_code == 200
    response = globex.get(f"/v1/orders/{order['id']}")
    assert response.status_code == 404
    assert globex.get("/v1/orders").json()["items"] == []


def test_another_tenant_cannot_pay_cancel_or_refund(two_tenants):
    acme, globex, _, _, order = two_tenants
    assert globex.pay(order["id"]).status_code == 404
    assert globex.post(f"/v1/orders/{order['id']}/cancel", json={}).status_code == 404
    assert globex.post(f"/v1/orders/{order['id']}/refunds", json={"amount_cents": 1},
                       headers={"Idempotency-Key": "refund-xyz-1"}).status_code == 404
    assert acme.get(f"/v1/orders/{order['id']}").json()["status"] == "pending"


def test_catalogue_and_customers_are_per_tenant(two_tenants):
    acme, globex, product, customer, _ = two_tenants
    assert globex.get(f"/v1/products/{product['id']}").status_code == 404
    assert globex.get(f"/v1/products/{product['id']}/stock").status_code == 404
    assert globex.get(f"/v1/customers/{customer['id']}").status_code == 404
    assert globex.get("/v1/products").json()["items"] == []
    # and a tenant cannot order another tenant's products for its own customers
    own_customer = globex.customer()
    response = globex.order(own_customer["id"], [(product["id"], 1)])
    assert response.status_code == 422
