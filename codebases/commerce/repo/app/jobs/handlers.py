"""The job handlers. Each is idempotent: running it twice has the effect of running it once."""

from __future__ import annotations

import logging

from ..db import session_scope
from ..errors import InvalidState, NotFound
from ..models import OutboxEvent
from ..services.billing import BillingService
from ..services.notifications import NotificationService
from ..services.webhooks import WebhookDeliverer
from .registry import JobContext, PermanentJobError, handler

log = logging.getLogger("app.jobs")


@handler("invoice.generate")
def generate_invoice(jc: JobContext, tenant_id: int, order_id: int) -> str:
    with session_scope(jc.sessionmaker) as session:
        ctx = jc.service_context(session, tenant_id)
        try:
            invoice, created = BillingService(ctx).generate_for_order(order_id)
        except (NotFound, InvalidState) as exc:
            raise PermanentJobError(str(exc)) from exc
        ctx.commit()
    return f"{'issued' if created else 'exists'} {invoice.number}"


@handler("email.send")
def send_email(jc: JobContext, event_id: int) -> str:
    with session_scope(jc.sessionmaker) as session:
        event = session.get(OutboxEvent, event_id)
        if event is None:
            return "event gone"
        ctx = jc.service_context(session, event.tenant_id)
        message_id = NotificationService(ctx).notify(event.id, event.event_type, event.payload)
        ctx.commit()
    return "sent" if message_id is not None else "nothing to send"


@handler("webhook.deliver")
def deliver_webhook(jc: JobContext, delivery_id: int) -> str:
    with session_scope(jc.sessionmaker) as session:
        outcome, delay = WebhookDeliverer(session, jc.settings, jc.clock, jc.http).deliver(delivery_id)
    if outcome == "retry" and delay is not None:
        jc.queue.enqueue("webhook.deliver", {"delivery_id": delivery_id}, delay=delay)
    return outcome
