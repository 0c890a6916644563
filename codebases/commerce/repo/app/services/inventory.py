"""Stock: warehouses, adjustments and reservations, with optimistic concurrency.

Every stock level has a `version`. A change is an UPDATE that names the version it was
computed from (`WHERE version = :seen`); if another transaction changed the row in between,
the update matches nothing and the change is recomputed from fresh numbers. Units are never
sold twice, whatever the number of API processes.
"""

from __future__ import annotations

import logging
import random
import time

from sqlalchemy.exc import IntegrityError

from .. import metrics
from ..errors import Conflict, InsufficientStock, NotFound, Unprocessable, VersionConflict
from ..models import Order, Reservation, StockLevel, Warehouse
from ..repositories.catalog import ProductRepository, StockRepository, WarehouseRepository
from ..repositories.orders import OrderRepository
from ..schemas.catalog import StockAdjustment, WarehouseCreate
from .context import ServiceContext

log = logging.getLogger("app.inventory")

MAX_ATTEMPTS = 30


class InventoryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.session = ctx.session
        self.stock = StockRepository(ctx.session, ctx.tenant_id)
        self.warehouses = WarehouseRepository(ctx.session, ctx.tenant_id)
        self.products = ProductRepository(ctx.session, ctx.tenant_id)

    # --- warehouses -------------------------------------------------------------------------

    def create_warehouse(self, data: WarehouseCreate) -> Warehouse:
        try:
            with self.session.begin_nested():
                return self.warehouses.add(Warehouse(**data.model_dump()))
        except IntegrityError:
            raise Conflict(f"warehouse {data.code!r} exists", details={"code": data.code}) from None

    def list_warehouses(self) -> list[Warehouse]:
        return self.warehouses.list()

    # --- levels -----------------------------------------------------------------------------

    def levels(self, product_id: int) -> list[StockLevel]:
        if self.products.get(product_id) is None:
            raise NotFound("product not found", details={"product_id": product_id})
        return self.stock.levels_for_product(product_id)

    def adjust(self, data: StockAdjustment) -> StockLevel:
        """Change the units on hand of a product in a warehouse (a delivery, a count, damage).
        With `expected_version` the change applies only to the level as the caller saw it
        (409 version_conflict otherwise); without, it is retried on fresh numbers."""
        if self.products.get(data.product_id) is None:
            raise NotFound("product not found", details={"product_id": data.product_id})
        if self.warehouses.get(data.warehouse_id) is None:
            raise NotFound("warehouse not found", details={"warehouse_id": data.warehouse_id})
        level = self.stock.get_level(data.product_id, data.warehouse_id)
        if level is None:
            if data.expected_version is not None:
                raise VersionConflict("no stock level exists yet for this product and warehouse")
            if data.delta < 0:
                raise InsufficientStock("not enough units on hand", details={"on_hand": 0, "delta": data.delta})
            try:
                with self.session.begin_nested():
                    level = self.stock.add_level(StockLevel(product_id=data.product_id,
                                                            warehouse_id=data.warehouse_id, on_hand=0, reserved=0,
                                                            version=1))
            except IntegrityError:  # created by a concurrent adjustment: adjust that one
                level = self.stock.get_level(data.product_id, data.warehouse_id)
                assert level is not None
        for attempt in range(MAX_ATTEMPTS):
            seen = data.expected_version if data.expected_version is not None else level.version
            if level.version != seen:
                raise VersionConflict("the stock level changed since it was read",
                                      details={"expected_version": seen, "version": level.version})
            if level.on_hand + data.delta < level.reserved:
                raise InsufficientStock("the adjustment would leave fewer units than are reserved",
                                        details={"on_hand": level.on_hand, "reserved": level.reserved,
                                                 "delta": data.delta})
            updated = self.stock.adjust_if_version(level.id, seen, data.delta)
            if updated is not None:
                self.stock.record_movement(level.id, data.delta, data.reason, data.reference)
                return updated
            metrics.STOCK_CONFLICTS.inc()
            level = self.stock.get_level(data.product_id, data.warehouse_id)
            assert level is not None
            if data.expected_version is not None:
                raise VersionConflict("the stock level changed since it was read",
                                      details={"expected_version": data.expected_version,
                                               "version": level.version})
            _backoff(attempt)
        raise Conflict("stock is changing too quickly; retry", details={"product_id": data.product_id})

    # --- reservations -----------------------------------------------------------------------

    def reserve(self, order: Order, product_id: int, quantity: int) -> list[Reservation]:
        """Hold `quantity` units of the product for the order, from the warehouses in priority
        order. InsufficientStock when fewer are available."""
        if quantity <= 0:
            raise Unprocessable("quantity must be positive")
        for attempt in range(MAX_ATTEMPTS):
            levels = self.stock.levels_for_product(product_id)
            available = sum(max(level.available, 0) for level in levels)
            if available < quantity:
                raise InsufficientStock("not enough stock", details={"product_id": product_id,
                                                                     "requested": quantity,
                                                                     "available": available})
            plan: list[tuple[StockLevel, int]] = []
            remaining = quantity
            for level in levels:
                take = min(max(level.available, 0), remaining)
                if take > 0:
                    plan.append((level, take))
                    remaining -= take
                if remaining == 0:
                    break
            savepoint = self.session.begin_nested()
            if all(self.stock.reserve_if_version(level.id, level.version, take) for level, take in plan):
                savepoint.commit()
                reservations = [
                    Reservation(tenant_id=self.ctx.tenant_id, order_id=order.id, stock_level_id=level.id,
                                product_id=product_id, quantity=take, status="active")
                    for level, take in plan
                ]
                self.session.add_all(reservations)
                self.session.flush()
                return reservations
            savepoint.rollback()
            metrics.STOCK_CONFLICTS.inc()
            _backoff(attempt)
        log.warning("stock reservation gave up after concurrent changes", extra={"product_id": product_id})
        raise Conflict("stock is changing too quickly; retry", details={"product_id": product_id})

    def commit_reservations(self, order: Order) -> None:
        """The order is paid: its reserved units leave stock."""
        for reservation in OrderRepository(self.session, self.ctx.tenant_id).reservations(order.id, "active"):
            self.stock.take(reservation.stock_level_id, reservation.quantity)
            self.stock.record_movement(reservation.stock_level_id, -reservation.quantity, "sale", f"order:{order.id}")
            reservation.status = "committed"
        self.session.flush()

    def release_reservations(self, order: Order, status: str = "released") -> int:
        """The pending order will not be paid: its reserved units become available again."""
        released = 0
        for reservation in OrderRepository(self.session, self.ctx.tenant_id).reservations(order.id, "active"):
            self.stock.release(reservation.stock_level_id, reservation.quantity)
            reservation.status = status
            released += reservation.quantity
        self.session.flush()
        return released

    def restock(self, order: Order) -> int:
        """A paid order was cancelled before shipping: its units go back on the shelf."""
        restocked = 0
        for reservation in OrderRepository(self.session, self.ctx.tenant_id).reservations(order.id, "committed"):
            self.stock.put_back(reservation.stock_level_id, reservation.quantity)
            self.stock.record_movement(reservation.stock_level_id, reservation.quantity, "restock",
                                       f"order:{order.id}")
            reservation.status = "restocked"
            restocked += reservation.quantity
        self.session.flush()
        return restocked


def _backoff(attempt: int) -> None:
    time.sleep(min(0.05, 0.002 * (attempt + 1)) * random.random())
