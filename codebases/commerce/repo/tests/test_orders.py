"""Orders: placing, listing, paying, shipping, cancelling, refunding."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import IdempotencyKey, Order, OutboxEvent, Payment


@pytest.fixture()
def shop(api):
    """A product at 19.99 with 10 units, a tax-exempt one at 5.00, a customer."""
    mug = api.product(sku="MUG", name="Mug", price_cents=1999, stock=10)
    book = api.product(sku="BOOK", name="Book", price_cents=500, stock=10, tax_exempt=True)
    return api, mug, book, api.customer(name="Grace Hopper")


def test_order_totals_and_line_taxes(shop):
    api, mug, book, customer = shop
    response = api.order(customer["id"], [(mug["id"], 3), (book["id"], 2)])
    assert response.status_code == 201
    order = response.json()
    assert order["status"] == "pending" and order["customer_name"] == "Grace Hopper"
    lines = {item["sku"]: item for item in order["items"]}
    # 3 x 19.99 = 59.97 at 8.25 % = 4.947525 -> 4.95; the book is tax exempt
    assert lines["MUG"]["line_total_cents"] == 5997 and lines["MUG"]["tax_cents"] == 495
    assert lines["BOOK"]["tax_rate_bp"] == 0 and lines["BOOK"]["tax_cents"] == 0
    assert (order["subtotal_cents"], order["tax_cents"], order["total_cents"]) == (6997, 495, 7492)
    assert order["expires_at"] is not None


def test_order_lines_for_the_same_product_are_merged(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1), (mug["id"], 2)]).json()
    assert [(i["sku"], i["quantity"]) for i in order["items"]] == [("MUG", 3)]
    assert api.stock(mug["id"])["reserved"] == 3


def test_order_reserves_stock_and_insufficient_stock_is_409(shop):
    api, mug, book, customer = shop
    assert api.order(customer["id"], [(mug["id"], 4)]).status_code == 201
    assert api.stock(mug["id"])["available"] == 6
    too_many = api.order(customer["id"], [(book["id"], 1), (mug["id"], 7)])
    assert too_many.status_code == 409
    error = too_many.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"] == {"product_id": mug["id"], "requested": 7, "available": 6}
    assert api.stock(book["id"])["reserved"] == 0  # nothing of the failed order is kept


def test_order_validation(shop):
    api, mug, _, customer = shop
    assert api.order(customer["id"], [(999_999, 1)]).status_code == 422
    assert api.order(999_999, [(mug["id"], 1)]).status_code == 404
    assert api.post("/v1/orders", json={"customer_id": customer["id"], "items": []}).status_code == 422
    assert api.order(customer["id"], [(mug["id"], 0)]).status_code == 422


def test_order_list_is_newest_first_and_pages_without_gaps(shop):
    api, mug, _, customer = shop
    created = [api.order(customer["id"], [(mug["id"], 1)]).json()["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/orders", params=params).json()
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)


def test_order_list_filters_by_status_and_customer(shop):
    api, mug, _, customer = shop
    other = api.customer()
    first = api.order(customer["id"], [(mug["id"], 1)]).json()
    api.order(other["id"], [(mug["id"], 1)])
    assert api.pay(first["id"]).status_code == 201
    paid = api.get("/v1/orders", params={"status": "paid"}).json()["items"]
    assert [o["id"] for o in paid] == [first["id"]]
    mine = api.get(f"/v1/customers/{other['id']}/orders").json()["items"]
    assert [o["customer_id"] for o in mine] == [other["id"]]
    assert api.get("/v1/orders", params={"status": "lost"}).status_code == 422


def test_paying_an_order(shop, db):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 2)]).json()
    response = api.pay(order["id"])
    assert response.status_code == 201
    payment = response.json()
    assert payment["status"] == "succeeded" and payment["amount_cents"] == order["total_cents"]
    paid = api.get(f"/v1/orders/{order['id']}").json()
    assert paid["status"] == "paid" and paid["paid_cents"] == order["total_cents"] and paid["expires_at"] is None
    stock = api.stock(mug["id"])
    assert (stock["on_hand"], stock["reserved"]) == (8, 0)
    types = db.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all()
    assert types == ["order.created", "order.paid"]


def test_pay_requires_an_idempotency_key_and_the_exact_total(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    missing = api.post(f"/v1/orders/{order['id']}/pay", json={"method": "tok_visa"})
    assert missing.status_code == 400
    wrong = api.pay(order["id"], amount_cents=order["total_cents"] - 1)
    assert wrong.status_code == 422


def test_paying_twice_is_409(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    assert api.pay(order["id"], key="first-attempt").status_code == 201
    again = api.pay(order["id"], key="second-attempt")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_state"


def test_retried_payment_is_replayed_not_charged_twice(shop, db):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    first = api.pay(order["id"], key="retry-me-123")
    second = api.pay(order["id"], key="retry-me-123")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert db.scalar(select(func.count()).select_from(Payment)) == 1


def test_idempotency_key_reused_for_another_request_is_422(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    assert api.pay(order["id"], key="same-key-001").status_code == 201
    other = api.order(customer["id"], [(mug["id"], 1)]).json()
    reused = api.pay(other["id"], key="same-key-001")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_order_creation_with_an_idempotency_key_creates_one_order(shop, db):
    api, mug, _, customer = shop
    first = api.order(customer["id"], [(mug["id"], 2)], **{"Idempotency-Key": "order-abc-1"})
    second = api.order(customer["id"], [(mug["id"], 2)], **{"Idempotency-Key": "order-abc-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert db.scalar(select(func.count()).select_from(Order)) == 1
    assert api.stock(mug["id"])["reserved"] == 2
    assert db.scalar(select(IdempotencyKey.status_code)) == 201


def test_declined_card_is_402_and_the_order_stays_pending(shop, db):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    declined = api.pay(order["id"], method="tok_decline_insufficient_funds")
    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "payment_declined"
    assert api.get(f"/v1/orders/{order['id']}").json()["status"] == "pending"
    assert db.scalars(select(Payment.status)).all() == ["failed"]
    assert api.pay(order["id"]).status_code == 201  # another card works


def test_ship_only_paid_orders(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    early = api.post(f"/v1/orders/{order['id']}/ship", json={"tracking_number": "1Z999"})
    assert early.status_code == 409
    api.pay(order["id"])
    shipped = api.post(f"/v1/orders/{order['id']}/ship", json={"tracking_number": "1Z999"})
    assert shipped.status_code == 200
    assert shipped.json()["status"] == "shipped" and shipped.json()["tracking_number"] == "1Z999"


def test_cancelling_a_pending_order_releases_its_stock(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 4)]).json()
    cancelled = api.post(f"/v1/orders/{order['id']}/cancel", json={"reason": "changed_mind"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_reason"] == "changed_mind"
    stock = api.stock(mug["id"])
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 0, 10)
    assert api.post(f"/v1/orders/{order['id']}/cancel", json={}).status_code == 409


def test_cancelling_a_paid_order_refunds_and_restocks(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 3)]).json()
    api.pay(order["id"])
    assert api.stock(mug["id"])["on_hand"] == 7
    cancelled = api.post(f"/v1/orders/{order['id']}/cancel", json={}).json()
    assert cancelled["status"] == "cancelled" and cancelled["refunded_cents"] == order["total_cents"]
    assert api.stock(mug["id"])["on_hand"] == 10
    refunds = api.get(f"/v1/orders/{order['id']}/refunds").json()
    assert [r["amount_cents"] for r in refunds] == [order["total_cents"]]


def test_shipped_orders_cannot_be_cancelled(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    api.pay(order["id"])
    api.post(f"/v1/orders/{order['id']}/ship", json={"tracking_number": "T1"})
    response = api.post(f"/v1/orders/{order['id']}/cancel", json={})
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"status": "shipped", "target": "cancelled"}


def test_partial_then_full_refund(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    total = order["total_cents"]
    api.pay(order["id"])

    def refund(amount, key):
        return api.post(f"/v1/orders/{order['id']}/refunds", json={"amount_cents": amount, "reason": "damaged"},
                        headers={"Idempotency-Key": key})

    assert refund(500, "refund-part-1").status_code == 201
    assert api.get(f"/v1/orders/{order['id']}").json()["status"] == "paid"
    too_much = refund(total, "refund-part-2")
    assert too_much.status_code == 422
    assert too_much.json()["error"]["details"]["refundable_cents"] == total - 500
    assert refund(total - 500, "refund-part-3").status_code == 201
    final = api.get(f"/v1/orders/{order['id']}").json()
    assert final["status"] == "refunded" and final["refunded_cents"] == total
    assert refund(1, "refund-part-4").status_code == 409


def test_refunds_need_a_payment(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    response = api.post(f"/v1/orders/{order['id']}/refunds", json={"amount_cents": 100},
                        headers={"Idempotency-Key": "refund-pending-1"})
    assert response.status_code == 409


def test_order_history_records_every_transition(shop):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    api.pay(order["id"])
    api.post(f"/v1/orders/{order['id']}/ship", json={"tracking_number": "T2"})
    events = api.get(f"/v1/orders/{order['id']}/events").json()
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "pending"), ("pending", "paid"), ("paid", "shipped")]
    assert all(e["actor"].startswith("key:") for e in events)


def test_an_expired_order_cannot_be_paid(shop, clock, settings):
    api, mug, _, customer = shop
    order = api.order(customer["id"], [(mug["id"], 1)]).json()
    clock.advance(settings.reservation_ttl_seconds + 1)
    response = api.pay(order["id"])
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "order has expired"
