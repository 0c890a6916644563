"""SLA escalation (the worker's periodic job): an active ticket past its due date is escalated
once: its priority goes up a step, the trail says so, and `ticket.sla_breached` is emitted."""

from __future__ import annotations

import logging

from django.db import transaction

from core import clock
from hooks import events
from notifications import notify

from . import services, sla, workflow
from .models import Activity, Ticket

log = logging.getLogger(__name__)


def escalate_due(limit: int = 100) -> int:
    """Escalate up to `limit` breached tickets; how many were escalated."""
    now = clock.now()
    done = 0
    with transaction.atomic():
        due = list(Ticket.objects.select_for_update(skip_locked=True)
                   .filter(escalated_at__isnull=True, due_at__lte=now, status__in=workflow.ACTIVE)
                   .order_by("due_at")[:limit])
        for ticket in due:
            before = ticket.priority
            ticket.priority = sla.ESCALATE_TO[ticket.priority]
            ticket.escalated_at = now
            ticket.version += 1
            ticket.save(update_fields=["priority", "escalated_at", "version", "updated_at"])
            Activity.objects.create(ticket=ticket, actor=None, kind="escalated",
                                    data={"priority": [before, ticket.priority]})
            events.emit(ticket.org_id, "ticket.sla_breached", services.event_data(ticket))
            notify.escalated(ticket)
            services.forget(ticket)
            done += 1
    if done:
        log.info("tickets escalated", extra={"count": done})
    return done
