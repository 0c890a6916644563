"""Orders, their lines, history and reservations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from ..models import Order, OrderEvent, Reservation
from .base import TenantScoped


class OrderRepository(TenantScoped):
    def _with_details(self):
        return select(Order).options(joinedload(Order.customer), selectinload(Order.items))

    def get(self, order_id: int) -> Order | None:
        return self.session.scalar(
            self._with_details().where(Order.id == order_id, Order.tenant_id == self.tenant_id))

    def get_for_update(self, order_id: int) -> Order | None:
        """The order, locked until the transaction ends: state changes of one order are
        serialised (two payments of the same order cannot both succeed)."""
        order = self.session.scalar(
            select(Order).where(Order.id == order_id, Order.tenant_id == self.tenant_id)
            .with_for_update().execution_options(populate_existing=True))
        return order

    def list(self, *, limit: int, before: tuple[datetime, int] | None = None, status: str | None = None,
             customer_id: int | None = None) -> list[Order]:
        """Newest first; `before` is the (created_at, id) of the last order of the previous page."""
        stmt = self._with_details().where(Order.tenant_id == self.tenant_id)
        if status:
            stmt = stmt.where(Order.status == status)
        if customer_id is not None:
            stmt = stmt.where(Order.customer_id == customer_id)
        if before is not None:
            stmt = stmt.where(tuple_(Order.created_at, Order.id) < tuple_(*before))
        stmt = stmt.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
        return list(self.session.scalars(stmt).unique())

    def add(self, order: Order) -> Order:
        order.tenant_id = self.tenant_id
        self.session.add(order)
        self.session.flush()
        return order

    def events(self, order_id: int) -> list[OrderEvent]:
        return list(self.session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id, OrderEvent.tenant_id == self.tenant_id)
            .order_by(OrderEvent.id)))

    def reservations(self, order_id: int, status: str | None = None) -> list[Reservation]:
        stmt = select(Reservation).where(Reservation.order_id == order_id, Reservation.tenant_id == self.tenant_id)
        if status:
            stmt = stmt.where(Reservation.status == status)
        return list(self.session.scalars(stmt.order_by(Reservation.id)))


def expired_pending_orders(session, now: datetime, limit: int) -> list[Order]:
    """Pending orders past their expiry, any tenant, locked (and skipped when another worker
    holds them)."""
    return list(session.scalars(
        select(Order).where(Order.status == "pending", Order.expires_at < now)
        .order_by(Order.expires_at).limit(limit).with_for_update(skip_locked=True)))


def paid_orders_without_invoice(session, older_than: datetime, limit: int) -> list[tuple[int, int]]:
    """(tenant_id, order_id) of orders paid before `older_than` that have no invoice yet."""
    from ..models import Invoice

    rows = session.execute(
        select(Order.tenant_id, Order.id)
        .outerjoin(Invoice, Invoice.order_id == Order.id)
        .where(Order.paid_at.is_not(None), Order.paid_at < older_than, Invoice.id.is_(None))
        .order_by(Order.id).limit(limit))
    return [(t, o) for t, o in rows]
