"""Sales reports."""

from __future__ import annotations

from datetime import UTC, datetime


def test_sales_report_by_day_and_status(api, clock):
    product = api.product(price_cents=1000, stock=20)
    customer = api.customer()
    orders = [api.order(customer["id"], [(product["id"], n)]).json() for n in (1, 2, 3)]
    api.pay(orders[0]["id"])
    api.pay(orders[1]["id"])
    api.post(f"/v1/orders/{orders[1]['id']}/refunds", json={"amount_cents": 300},
             headers={"Idempotency-Key": "report-refund-1"})
    today = datetime.fromtimestamp(clock(), UTC).date().isoformat()
    report = api.get("/v1/reports/sales", params={"date_from": today, "date_to": today, "group_by": "day"})
    assert report.status_code == 200
    body = report.json()
    gross = orders[0]["total_cents"] + orders[1]["total_cents"]
    assert body["rows"] == [{"key": today, "orders": 2, "units": 3, "gross_cents": gross,
                             "tax_cents": orders[0]["tax_cents"] + orders[1]["tax_cents"],
                             "refunded_cents": 300, "net_cents": gross - 300}]
    assert body["totals"]["net_cents"] == gross - 300
    by_status = api.get("/v1/reports/sales", params={"date_from": today, "date_to": today,
                                                     "group_by": "status"}).json()
    assert [(r["key"], r["orders"]) for r in by_status["rows"]] == [("paid", 2)]
    only = api.get("/v1/reports/sales", params={"date_from": today, "date_to": today, "status": "shipped"}).json()
    assert only["rows"] == []


def test_report_parameters_are_validated(api):
    base = {"date_from": "2024-01-01", "date_to": "2024-01-31"}
    assert api.get("/v1/reports/sales", params={**base, "group_by": "o.status; --"}).status_code == 422
    assert api.get("/v1/reports/sales", params={"date_from": "2024-02-01", "date_to": "2024-01-01"}
                   ).status_code == 422
    assert api.as_role("viewer").get("/v1/reports/sales", params=base).status_code == 403
