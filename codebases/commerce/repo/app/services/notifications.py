"""E-mail notifications to customers, rendered from domain events."""

from __future__ import annotations

import logging
from typing import Any

from ..models import Customer, Order
from ..repositories.messaging import EmailRepository
from .context import ServiceContext

log = logging.getLogger("app.notifications")


def _money(cents: int, currency: str) -> str:
    return f"{cents // 100}.{cents % 100:02d} {currency}"


TEMPLATES: dict[str, tuple[str, str]] = {
    "order.paid": ("order_confirmation", "Your order #{order_id} is confirmed"),
    "order.shipped": ("order_shipped", "Your order #{order_id} is on its way"),
    "order.cancelled": ("order_cancelled", "Your order #{order_id} was cancelled"),
    "refund.created": ("refund_issued", "A refund for order #{order_id}"),
}


def render(template: str, order: Order, customer: Customer, payload: dict[str, Any]) -> str:
    lines = [f"Hello {customer.name},", ""]
    if template == "order_confirmation":
        lines.append(f"we received your payment of {_money(order.total_cents, order.currency)} for order #{order.id}.")
    elif template == "order_shipped":
        lines.append(f"order #{order.id} has shipped. Tracking number: {order.tracking_number}.")
    elif template == "order_cancelled":
        lines.append(f"order #{order.id} was cancelled ({order.cancel_reason}).")
    elif template == "refund_issued":
        lines.append(f"we refunded {_money(int(payload.get('amount_cents', 0)), order.currency)} "
                     f"for order #{order.id}.")
    lines += ["", "Thank you for your business."]
    return "\n".join(lines)


class NotificationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.emails = EmailRepository(ctx.session, ctx.tenant_id)

    def notify(self, event_id: int, event_type: str, payload: dict[str, Any]) -> int | None:
        """Send the e-mail for one event (once: the event id is the dedupe key). The message id,
        or None when there is nothing to send or it was sent before."""
        if event_type not in TEMPLATES:
            return None
        template, subject = TEMPLATES[event_type]
        order = self.ctx.session.get(Order, int(payload["order_id"]))
        if order is None or order.tenant_id != self.ctx.tenant_id:
            return None
        customer = self.ctx.session.get(Customer, order.customer_id)
        assert customer is not None
        message_id = self.emails.add_once(
            to_address=customer.email, template=template, subject=subject.format(order_id=order.id),
            body=render(template, order, customer, payload), dedupe_key=f"event:{event_id}:{template}",
            when=self.ctx.now())
        if message_id is not None:
            log.info("e-mail sent", extra={"template": template, "order_id": order.id, "message_id": message_id})
        return message_id
