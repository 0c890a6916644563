"""Products, warehouses and stock levels."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from ..models import Product, StockLevel, StockMovement, Warehouse
from .base import TenantScoped


class ProductRepository(TenantScoped):
    def get(self, product_id: int) -> Product | None:
        return self.session.scalar(
            select(Product).where(Product.id == product_id, Product.tenant_id == self.tenant_id))

    def get_for_update(self, product_id: int) -> Product | None:
        return self.session.scalar(
            select(Product).where(Product.id == product_id, Product.tenant_id == self.tenant_id).with_for_update())

    def get_many(self, ids: Iterable[int]) -> dict[int, Product]:
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self.session.scalars(select(Product).where(Product.tenant_id == self.tenant_id, Product.id.in_(ids)))
        return {p.id: p for p in rows}

    def get_by_sku(self, sku: str) -> Product | None:
        return self.session.scalar(select(Product).where(Product.tenant_id == self.tenant_id, Product.sku == sku))

    def list(self, *, limit: int, after_id: int | None = None, active: bool | None = None,
             search: str | None = None) -> list[Product]:
        stmt = select(Product).where(Product.tenant_id == self.tenant_id)
        if active is not None:
            stmt = stmt.where(Product.active.is_(active))
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(or_(Product.name.ilike(pattern, escape="\\"), Product.sku.ilike(pattern, escape="\\")))
        if after_id is not None:
            stmt = stmt.where(Product.id > after_id)
        return list(self.session.scalars(stmt.order_by(Product.id).limit(limit)))

    def add(self, product: Product) -> Product:
        product.tenant_id = self.tenant_id
        self.session.add(product)
        self.session.flush()
        return product


class WarehouseRepository(TenantScoped):
    def get(self, warehouse_id: int) -> Warehouse | None:
        return self.session.scalar(
            select(Warehouse).where(Warehouse.id == warehouse_id, Warehouse.tenant_id == self.tenant_id))

    def list(self) -> list[Warehouse]:
        return list(self.session.scalars(
            select(Warehouse).where(Warehouse.tenant_id == self.tenant_id).order_by(Warehouse.priority, Warehouse.id)))

    def add(self, warehouse: Warehouse) -> Warehouse:
        warehouse.tenant_id = self.tenant_id
        self.session.add(warehouse)
        self.session.flush()
        return warehouse


class StockRepository(TenantScoped):
    def levels_for_product(self, product_id: int) -> list[StockLevel]:
        """The product's stock, in the order warehouses ship from (priority, then id)."""
        return list(self.session.scalars(
            select(StockLevel)
            .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
            .options(joinedload(StockLevel.warehouse))
            .where(StockLevel.tenant_id == self.tenant_id, StockLevel.product_id == product_id)
            .order_by(Warehouse.priority, Warehouse.id)
            .execution_options(populate_existing=True)
        ))

    def get_level(self, product_id: int, warehouse_id: int) -> StockLevel | None:
        return self.session.scalar(
            select(StockLevel).where(StockLevel.tenant_id == self.tenant_id, StockLevel.product_id == product_id,
                                     StockLevel.warehouse_id == warehouse_id)
            .execution_options(populate_existing=True))

    def available_by_product(self, product_ids: Iterable[int]) -> dict[int, int]:
        ids = list(set(product_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            select(StockLevel.product_id, func.sum(StockLevel.on_hand - StockLevel.reserved))
            .where(StockLevel.tenant_id == self.tenant_id, StockLevel.product_id.in_(ids))
            .group_by(StockLevel.product_id))
        return {pid: int(total or 0) for pid, total in rows}

    def add_level(self, level: StockLevel) -> StockLevel:
        level.tenant_id = self.tenant_id
        self.session.add(level)
        self.session.flush()
        return level

    def reserve_if_version(self, level_id: int, version: int, quantity: int) -> bool:
        """Hold `quantity` units of a stock level, if nobody changed it since `version` was read
        and the units are still there. False when another transaction got there first."""
        row = self.session.execute(
            update(StockLevel)
            .where(StockLevel.id == level_id, StockLevel.tenant_id == self.tenant_id,
                   StockLevel.version == version, StockLevel.on_hand - StockLevel.reserved >= quantity)
            .values(reserved=StockLevel.reserved + quantity, version=StockLevel.version + 1)
            .returning(StockLevel.id)
            .execution_options(synchronize_session=False)
        ).first()
        return row is not None

    def adjust_if_version(self, level_id: int, version: int, delta: int) -> StockLevel | None:
        """Change on_hand by `delta` if the level is still at `version` and keeps enough units
        for its reservations; the updated row, or None."""
        return self.session.scalar(
            update(StockLevel)
            .where(StockLevel.id == level_id, StockLevel.tenant_id == self.tenant_id,
                   StockLevel.version == version, StockLevel.on_hand + delta >= StockLevel.reserved)
            .values(on_hand=StockLevel.on_hand + delta, version=StockLevel.version + 1)
            .returning(StockLevel)
            .execution_options(populate_existing=True, synchronize_session=False)
        )

    def release(self, level_id: int, quantity: int) -> None:
        self.session.execute(
            update(StockLevel).where(StockLevel.id == level_id, StockLevel.tenant_id == self.tenant_id)
            .values(reserved=StockLevel.reserved - quantity, version=StockLevel.version + 1)
            .execution_options(synchronize_session=False))

    def take(self, level_id: int, quantity: int) -> None:
        """Reserved units leave the warehouse (the order was paid)."""
        self.session.execute(
            update(StockLevel).where(StockLevel.id == level_id, StockLevel.tenant_id == self.tenant_id)
            .values(on_hand=StockLevel.on_hand - quantity, reserved=StockLevel.reserved - quantity,
                    version=StockLevel.version + 1)
            .execution_options(synchronize_session=False))

    def put_back(self, level_id: int, quantity: int) -> None:
        """Units come back to the warehouse (a paid order was cancelled)."""
        self.session.execute(
            update(StockLevel).where(StockLevel.id == level_id, StockLevel.tenant_id == self.tenant_id)
            .values(on_hand=StockLevel.on_hand + quantity, version=StockLevel.version + 1)
            .execution_options(synchronize_session=False))

    def record_movement(self, level_id: int, delta: int, reason: str, reference: str | None = None) -> None:
        self.session.add(StockMovement(tenant_id=self.tenant_id, stock_level_id=level_id, delta=delta,
                                       reason=reason, reference=reference))
