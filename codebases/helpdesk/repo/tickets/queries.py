"""Which tickets a member may see, and filtered pages of them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Member, Role

from . import pagination
from .models import Tag, Ticket

FILTERS = ("status", "priority", "assignee", "requester", "tag", "q", "escalated")


def visible(member: Member) -> QuerySet[Ticket]:
    """The caller's organisation's tickets; for a customer, only those they raised."""
    tickets = Ticket.objects.filter(org_id=member.org_id)
    if member.role == Role.CUSTOMER:
        tickets = tickets.filter(requester_id=member.id)
    return tickets


def apply_filters(tickets: QuerySet[Ticket], filters: dict[str, Any]) -> QuerySet[Ticket]:
    if filters.get("status"):
        tickets = tickets.filter(status__in=str(filters["status"]).split(","))
    if filters.get("priority"):
        tickets = tickets.filter(priority__in=str(filters["priority"]).split(","))
    assignee = filters.get("assignee")
    if assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    if filters.get("requester"):
        tickets = tickets.filter(requester_id=int(filters["requester"]))
    if filters.get("tag"):
        tickets = tickets.filter(tags__name__iexact=str(filters["tag"]))
    if filters.get("q"):
        text = str(filters["q"])
        tickets = tickets.filter(Q(subject__icontains=text) | Q(description__icontains=text))
    if str(filters.get("escalated", "")).lower() in {"1", "true"}:
        tickets = tickets.filter(escalated_at__isnull=False)
    return tickets


def page(tickets: QuerySet[Ticket], *, cursor: str | None, limit: int) -> tuple[list[Ticket], str | None]:
    """One page, newest first, with what ticket_summary needs loaded alongside."""
    after = pagination.decode(cursor)
    if after is not None:
        tickets = tickets.filter(id__lt=after)
    rows = list(
        tickets.select_related("requester", "assignee")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(comment_count=Count("comments", filter=Q(comments__internal=False)))
        .order_by("-id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (pagination.encode(rows[-1].id) if more and rows else None)
