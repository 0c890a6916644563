"""SLA due dates: a ticket is due some hours after it is raised, by priority (settings.SLA_HOURS);
a priority change moves the due date from the ticket's creation; a resolved ticket has none."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from . import workflow

ESCALATE_TO = {"low": "normal", "normal": "high", "high": "urgent", "urgent": "urgent"}


def hours_for(org_id: int | None, priority: str) -> int:
    """The organisation's own hours for `priority` when it set some, else the default."""
    from .models import SlaPolicy

    if org_id is not None:
        own = SlaPolicy.objects.filter(org_id=org_id, priority=priority).values_list("hours", flat=True).first()
        if own is not None:
            return own
    return settings.SLA_HOURS[priority]


def due_at(created_at: datetime, priority: str, org_id: int | None = None) -> datetime:
    return created_at + timedelta(hours=hours_for(org_id, priority))


def refresh(ticket) -> None:
    """Set the ticket's due date from its state (in memory; the caller saves)."""
    if workflow.is_active(ticket.status):
        ticket.due_at = due_at(ticket.created_at, ticket.priority, ticket.org_id)
    else:
        ticket.due_at = None


def is_breached(ticket, now: datetime) -> bool:
    return ticket.due_at is not None and ticket.due_at <= now and workflow.is_active(ticket.status)
