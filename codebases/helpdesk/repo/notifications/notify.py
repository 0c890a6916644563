"""Who hears about what. Called inside the transaction that made the change, so a rolled-back
change notifies nobody. The actor never notifies themselves; a member who turned a kind off
does not get it."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Member, Role
from core import cache, redis_client

from .models import Notification, Preference


def unread_key(member_id: int) -> str:
    return redis_client.key("cache", "unread", member_id)


def _wanted(member_ids: Iterable[int], kind: str) -> list[int]:
    ids = set(member_ids)
    muted = set(Preference.objects.filter(member_id__in=ids, kind=kind, enabled=False)
                .values_list("member_id", flat=True))
    return sorted(ids - muted)


def send(ticket, kind: str, text: str, to: Iterable[int | None], actor: Member | None) -> int:
    """Notify the members `to` (None and the actor left out); how many were notified."""
    skip = {None, actor.id if actor is not None else None}
    targets = _wanted((m for m in to if m not in skip), kind)
    Notification.objects.bulk_create(Notification(member_id=m, ticket=ticket, kind=kind, text=text[:300])
                                     for m in targets)
    if targets:
        cache.delete_on_commit(*(unread_key(m) for m in targets))
    return len(targets)


def followers(ticket) -> list[int]:
    from tickets.models import Follower

    return list(Follower.objects.filter(ticket_id=ticket.id).values_list("member_id", flat=True))


def assigned(ticket, actor: Member | None) -> int:
    return send(ticket, "assigned", f"#{ticket.number} {ticket.subject} was assigned to you",
                [ticket.assignee_id], actor)


def commented(ticket, comment, actor: Member) -> int:
    if comment.internal:
        return send(ticket, "commented", f"Internal note on #{ticket.number}", [ticket.assignee_id], actor)
    if actor.role == Role.CUSTOMER:
        return send(ticket, "replied", f"{actor.name} replied on #{ticket.number}",
                    [ticket.assignee_id, *followers(ticket)], actor)
    return send(ticket, "replied", f"New reply on ticket #{ticket.number}",
                [ticket.requester_id, *followers(ticket)], actor)


def status_changed(ticket, before: str, actor: Member | None) -> int:
    return send(ticket, "status_changed", f"#{ticket.number} went from {before} to {ticket.status}",
                [ticket.requester_id, ticket.assignee_id, *followers(ticket)], actor)


def escalated(ticket) -> int:
    admins = Member.objects.filter(org_id=ticket.org_id, role=Role.ADMIN, is_active=True).values_list("id", flat=True)
    return send(ticket, "escalated", f"#{ticket.number} breached its SLA", [ticket.assignee_id, *admins], None)
