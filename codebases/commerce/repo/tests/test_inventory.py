"""Stock levels, adjustments (optimistic concurrency) and reservations under concurrency."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from app.errors import AppError
from app.models import StockLevel, StockMovement
from app.schemas.orders import OrderCreate, OrderItemIn
from app.services.context import ServiceContext
from app.services.orders import OrderService


def test_adjustment_creates_the_level_and_a_ledger_entry(api, db):
    product = api.product(stock=0)
    warehouse = api.warehouse_id()
    response = api.post("/v1/stock/adjustments", json={"product_id": product["id"], "warehouse_id": warehouse,
                                                       "delta": 25, "reason": "delivery", "reference": "PO-1"})
    assert response.status_code == 200
    level = response.json()
    assert (level["on_hand"], level["reserved"], level["available"], level["version"]) == (25, 0, 25, 2)
    stock = api.stock(product["id"])
    assert stock["available"] == 25 and stock["levels"][0]["warehouse_code"] == "MAIN"
    movements = db.scalars(select(StockMovement)).all()
    assert [(m.delta, m.reason, m.reference) for m in movements] == [(25, "delivery", "PO-1")]


def test_stale_expected_version_is_409(api):
    product = api.product(stock=10)
    level = api.stock(product["id"])["levels"][0]
    body = {"product_id": product["id"], "warehouse_id": level["warehouse_id"], "delta": -2}
    ok = api.post("/v1/stock/adjustments", json={**body, "expected_version": level["version"]})
    assert ok.status_code == 200
    stale = api.post("/v1/stock/adjustments", json={**body, "expected_version": level["version"]})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "version_conflict"
    assert api.stock(product["id"])["on_hand"] == 8


def test_adjustment_cannot_go_below_reserved_units(api):
    product = api.product(stock=5)
    customer = api.customer()
    assert api.order(customer["id"], [(product["id"], 4)]).status_code == 201
    response = api.post("/v1/stock/adjustments", json={"product_id": product["id"],
                                                       "warehouse_id": api.warehouse_id(), "delta": -2})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"


def test_orders_reserve_from_warehouses_in_priority_order(api):
    east = api.post("/v1/warehouses", json={"code": "EAST", "name": "East", "priority": 50}).json()
    product = api.product(stock=3)
    api.post("/v1/stock/adjustments", json={"product_id": product["id"], "warehouse_id": east["id"], "delta": 10})
    customer = api.customer()
    assert api.order(customer["id"], [(product["id"], 5)]).status_code == 201
    levels = {lvl["warehouse_code"]: lvl for lvl in api.stock(product["id"])["levels"]}
    assert levels["MAIN"]["reserved"] == 3 and levels["EAST"]["reserved"] == 2
    assert api.stock(product["id"])["available"] == 8


def test_concurrent_orders_never_oversell(api, engine, settings, clock):
    product = api.product(stock=5)
    customer = api.customer()
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def place() -> None:
        session = factory()
        ctx = ServiceContext(session=session, tenant_id=api.tenant_id, settings=settings, clock=clock)
        try:
            start.wait()
            OrderService(ctx).create(OrderCreate(customer_id=customer["id"],
                                                 items=[OrderItemIn(product_id=product["id"], quantity=1)]))
            ctx.commit()
            outcome = "ok"
        except AppError as exc:
            session.rollback()
            outcome = exc.code
        finally:
            session.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=place) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("ok") == 5, outcomes
    assert set(outcomes) <= {"ok", "insufficient_stock"}
    with factory() as session:
        reserved, on_hand = session.execute(
            select(func.sum(StockLevel.reserved), func.sum(StockLevel.on_hand))
            .where(StockLevel.product_id == product["id"])).one()
    assert (reserved, on_hand) == (5, 5)
