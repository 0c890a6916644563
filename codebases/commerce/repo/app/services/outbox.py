"""Domain events, written to the outbox in the transaction of the change they describe."""

from __future__ import annotations

from typing import Any

from ..models import Order, OutboxEvent
from ..repositories.messaging import OutboxRepository
from .context import ServiceContext


def emit(ctx: ServiceContext, event_type: str, aggregate_type: str, aggregate_id: int,
         payload: dict[str, Any]) -> OutboxEvent:
    return OutboxRepository(ctx.session).add(OutboxEvent(
        tenant_id=ctx.tenant_id, event_type=event_type, aggregate_type=aggregate_type, aggregate_id=aggregate_id,
        payload=payload))


def order_payload(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "customer_id": order.customer_id,
        "status": order.status,
        "currency": order.currency,
        "subtotal_cents": order.subtotal_cents,
        "tax_cents": order.tax_cents,
        "total_cents": order.total_cents,
        "paid_cents": order.paid_cents,
        "refunded_cents": order.refunded_cents,
    }
