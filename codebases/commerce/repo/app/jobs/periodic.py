"""Periodic tasks: run by every worker on a timer (safe side by side: row locks with SKIP
LOCKED, idempotent effects)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ..db import session_scope
from ..errors import InvalidState
from ..models import Order
from ..repositories.messaging import DeliveryRepository, delete_idempotency_keys_before
from ..repositories.orders import OrderRepository, paid_orders_without_invoice
from ..services.orders import OrderService
from .outbox import relay_outbox
from .registry import JobContext

log = logging.getLogger("app.jobs.periodic")

OVERDUE_GRACE = timedelta(seconds=30)
"""a delivery is swept only this long after it was due: its own retry job comes first"""


def expire_reservations(jc: JobContext, limit: int = 100) -> int:
    """Cancel pending orders whose reservation time is over; their stock becomes available."""
    now = jc.now()
    expired = 0
    with session_scope(jc.sessionmaker) as session:
        candidates = session.execute(
            select(Order.id, Order.tenant_id).where(Order.status == "pending", Order.expires_at < now)
            .order_by(Order.expires_at).limit(limit)).all()
        session.rollback()
        for order_id, tenant_id in candidates:
            ctx = jc.service_context(session, tenant_id)
            order = OrderRepository(session, tenant_id).get_for_update(order_id)
            if order is None or order.status != "pending" or order.expires_at is None or order.expires_at >= now:
                ctx.rollback()
                continue
            try:
                OrderService(ctx).cancel(order_id, "reservation_expired", expired=True)
            except InvalidState:
                ctx.rollback()
                continue
            ctx.commit()
            expired += 1
    if expired:
        log.info("expired pending orders", extra={"orders": expired})
    return expired


def sweep_deliveries(jc: JobContext, limit: int = 200) -> int:
    """Re-enqueue pending deliveries well past their due time (their job was lost)."""
    with session_scope(jc.sessionmaker) as session:
        due = DeliveryRepository(session).due(jc.now() - OVERDUE_GRACE, limit)
    for delivery_id in due:
        jc.queue.enqueue("webhook.deliver", {"delivery_id": delivery_id})
    return len(due)


def sweep_invoices(jc: JobContext, limit: int = 200) -> int:
    """Paid orders still without an invoice a minute later (their job was lost)."""
    with session_scope(jc.sessionmaker) as session:
        missing = paid_orders_without_invoice(session, jc.now() - timedelta(minutes=1), limit)
    for tenant_id, order_id in missing:
        jc.queue.enqueue("invoice.generate", {"tenant_id": tenant_id, "order_id": order_id})
    return len(missing)


def recover_orphaned_jobs(jc: JobContext) -> int:
    """Jobs of workers that died mid-job go back to the ready list."""
    return jc.queue.recover_orphans()


def cleanup_idempotency_keys(jc: JobContext) -> int:
    cutoff = jc.now() - timedelta(seconds=jc.settings.idempotency_ttl_seconds)
    with session_scope(jc.sessionmaker) as session:
        return delete_idempotency_keys_before(session, cutoff)


@dataclass
class Periodic:
    name: str
    interval: float
    run: Callable[[JobContext], int]
    next_at: float = 0.0


def schedule(jc: JobContext) -> list[Periodic]:
    s = jc.settings
    return [
        Periodic("outbox.relay", s.outbox_interval_seconds, relay_outbox),
        Periodic("reservations.expire", s.expiry_interval_seconds, expire_reservations),
        Periodic("deliveries.sweep", s.sweep_interval_seconds, sweep_deliveries),
        Periodic("invoices.sweep", s.sweep_interval_seconds, sweep_invoices),
        Periodic("queue.recover", float(s.worker_heartbeat_ttl_seconds), recover_orphaned_jobs),
        Periodic("idempotency.cleanup", s.cleanup_interval_seconds, cleanup_idempotency_keys),
    ]


def run_due(jc: JobContext, tasks: list[Periodic], *, force: bool = False) -> int:
    """Run the tasks whose time has come (all of them with `force`); the work they reported."""
    now = time.monotonic()
    work = 0
    for task in tasks:
        if not force and now < task.next_at:
            continue
        task.next_at = now + task.interval
        try:
            work += int(task.run(jc) or 0)
        except Exception:
            log.exception("periodic task failed", extra={"task": task.name})
    return work
