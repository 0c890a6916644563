"""SLA due dates: a ticket is due some hours after it is raised, by priority (settings.SLA_HOURS);
a priority change moves the due date from the ticket's creation; a resolved ticket has none."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from . import workflow

ESCALATE_TO = {"low": "normal", "normal": "high", "high": "urgent", "urgent": "urgent"}


def due_at(created_at: datetime, priority: str) -> datetime:
    return created_at + timedelta(hours=settings.SLA_HOURS[priority])


def refresh(ticket) -> None:
    """Set the ticket's due date from its state (in memory; the caller saves)."""
    if workflow.is_active(ticket.status):
        ticket.due_at = due_at(ticket.created_at, ticket.priority)
    else:
        ticket.due_at = None


def is_breached(ticket, now: datetime) -> bool:
    return ticket.due_at is not None and ticket.due_at <= now and workflow.is_active(ticket.status)
