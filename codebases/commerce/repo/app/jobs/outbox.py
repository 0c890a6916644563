"""The outbox relay: turns committed domain events into work.

For each unpublished event (oldest first, locked with SKIP LOCKED so relays can run side by
side): a pending delivery for every webhook endpoint subscribed to it, an invoice job for a
paid order, an e-mail job for the events customers hear about. The event is stamped
`published_at` in the same transaction.

Invoice and e-mail jobs are enqueued before that transaction commits (their handlers are
idempotent: a relay that dies before committing relays the event again, and the duplicate
jobs do nothing). Delivery jobs can only run once their rows are committed, so they are
enqueued after the commit; a delivery whose job got lost is picked up by the delivery sweep.
"""

from __future__ import annotations

import logging

from ..db import session_scope
from ..repositories.messaging import OutboxRepository, WebhookRepository
from ..services.notifications import TEMPLATES
from .registry import JobContext

log = logging.getLogger("app.jobs.outbox")


def relay_outbox(jc: JobContext) -> int:
    """Relay one batch of events; how many were relayed."""
    delivery_ids: list[int] = []
    with session_scope(jc.sessionmaker) as session:
        outbox = OutboxRepository(session)
        events = outbox.claim_unpublished(jc.settings.outbox_batch_size)
        if not events:
            return 0
        now = jc.now()
        for event in events:
            webhooks = WebhookRepository(session, event.tenant_id)
            for endpoint in webhooks.subscribed(event.event_type):
                delivery_id = webhooks.create_delivery(endpoint.id, event.id, now)
                if delivery_id is not None:
                    delivery_ids.append(delivery_id)
            if event.event_type == "order.paid":
                jc.queue.enqueue("invoice.generate", {"tenant_id": event.tenant_id,
                                                      "order_id": int(event.payload["order_id"])})
            if event.event_type in TEMPLATES:
                jc.queue.enqueue("email.send", {"event_id": event.id})
        outbox.mark_published([event.id for event in events], now)
    for delivery_id in delivery_ids:
        jc.queue.enqueue("webhook.deliver", {"delivery_id": delivery_id})
    log.info("outbox relayed", extra={"events": len(events), "deliveries": len(delivery_ids)})
    return len(events)
