"""What changes tickets: creation, updates through the workflow, comments, tags. Each change
runs in one transaction that also writes the activity trail and queues webhook events, and
drops the cached representations it makes stale once it commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from accounts.models import Member, Role
from core import cache, clock
from core.errors import Conflict
from hooks import events
from notifications import notify

from . import cachekeys, numbering, sla, workflow
from .models import Activity, Comment, Status, Tag, Ticket


class NotAllowed(PermissionError):
    """The caller may not make this change (the message says why)."""


def event_data(ticket: Ticket) -> dict[str, Any]:
    return {"number": ticket.number, "subject": ticket.subject, "status": ticket.status,
            "priority": ticket.priority, "requester_id": ticket.requester_id, "assignee_id": ticket.assignee_id}


def forget(ticket: Ticket) -> None:
    """Drop the cached views of this ticket and of its requester after the commit."""
    cache.delete_on_commit(cachekeys.ticket(ticket.org_id, ticket.number),
                           cachekeys.customer(ticket.org_id, ticket.requester_id),
                           cachekeys.tag_counts(ticket.org_id))


def tags_named(org_id: int, names: list[str]) -> list[Tag]:
    """The org's tags with these names (case-insensitive), created when missing."""
    found: list[Tag] = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tag = Tag.objects.annotate(lname=Lower("name")).filter(org_id=org_id, lname=name.lower()).first()
        if tag is None:
            tag = Tag.objects.create(org_id=org_id, name=name.lower())
        found.append(tag)
    return found


def _requester(actor: Member, requester_id: int | None) -> Member:
    if requester_id is None or requester_id == actor.id:
        return actor
    if actor.role == Role.CUSTOMER:
        raise NotAllowed("Customers raise tickets for themselves only.")
    requester = Member.objects.filter(id=requester_id, org_id=actor.org_id, is_active=True).first()
    if requester is None:
        raise NotAllowed("The requester is not an active member of this organisation.")
    return requester


def create_ticket(actor: Member, data: dict[str, Any]) -> Ticket:
    requester = _requester(actor, data.get("requester_id"))
    with transaction.atomic():
        ticket = Ticket(org_id=actor.org_id, number=numbering.next_number(actor.org_id), subject=data["subject"],
                        description=data.get("description", ""), priority=data["priority"], requester=requester)
        sla.refresh(ticket)
        ticket.save()
        ticket.tags.set(tags_named(actor.org_id, data.get("tags", [])))
        Activity.objects.create(ticket=ticket, actor=actor, kind="created", data={"priority": ticket.priority})
        events.emit(actor.org_id, "ticket.created", event_data(ticket))
        forget(ticket)
    return ticket


def _assignee(actor: Member, assignee_id: int | None) -> Member | None:
    if assignee_id is None:
        return None
    assignee = Member.objects.filter(id=assignee_id, org_id=actor.org_id, is_active=True,
                                     role__in=[Role.ADMIN, Role.AGENT]).first()
    if assignee is None:
        raise NotAllowed("Tickets can only be assigned to active agents of this organisation.")
    return assignee


def update_ticket(actor: Member, ticket: Ticket, changes: dict[str, Any], *, expected_version: int | None = None) -> Ticket:
    """Apply `changes` (subject, description, status, priority, assignee_id) under the row's lock."""
    by_customer = actor.role == Role.CUSTOMER
    if by_customer and set(changes) - {"status", "subject", "description"}:
        raise NotAllowed("Customers may only change a ticket's subject, description or status.")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(id=ticket.id)
        if expected_version is not None and ticket.version != expected_version:
            raise Conflict(f"The ticket is at version {ticket.version}, not {expected_version}.")
        before = event_data(ticket)
        previous_assignee = ticket.assignee_id
        if "status" in changes:
            workflow.check(ticket.status, changes["status"], by_customer=by_customer)
            ticket.status = changes["status"]
            ticket.resolved_at = clock.now() if ticket.status == Status.RESOLVED else ticket.resolved_at
            if ticket.status in (Status.OPEN, Status.PENDING):
                ticket.resolved_at = None
        if "assignee_id" in changes:
            ticket.assignee = _assignee(actor, changes["assignee_id"])
            if ticket.status == Status.NEW and ticket.assignee is not None:
                ticket.status = Status.OPEN
        for name in ("subject", "description", "priority"):
            if name in changes:
                setattr(ticket, name, changes[name])
        sla.refresh(ticket)
        ticket.version += 1
        ticket.save()
        after = event_data(ticket)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        Activity.objects.create(ticket=ticket, actor=actor, kind="updated", data=diff)
        if ticket.assignee_id and ticket.assignee_id != previous_assignee:
            notify.assigned(ticket, actor)
        if "status" in diff:
            notify.status_changed(ticket, diff["status"][0], actor)
        if diff:
            events.emit(ticket.org_id, "ticket.updated", {**after, "changes": diff})
        forget(ticket)
    return ticket


def add_comment(actor: Member, ticket: Ticket, body: str, internal: bool) -> Comment:
    if internal and actor.role == Role.CUSTOMER:
        raise NotAllowed("Customers cannot write internal notes.")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(id=ticket.id)
        if ticket.status == Status.CLOSED:
            raise Conflict("The ticket is closed; open a new one.")
        comment = Comment.objects.create(ticket=ticket, author=actor, body=body, internal=internal)
        if not internal:
            if actor.role == Role.CUSTOMER and ticket.status in (Status.RESOLVED, Status.PENDING):
                ticket.status = Status.OPEN
                ticket.resolved_at = None
            elif actor.role != Role.CUSTOMER and ticket.status == Status.NEW:
                ticket.status = Status.OPEN
            sla.refresh(ticket)
            ticket.version += 1
            ticket.save()
            events.emit(ticket.org_id, "ticket.commented",
                        {**event_data(ticket), "comment_id": comment.id, "author_id": actor.id})
        Activity.objects.create(ticket=ticket, actor=actor, kind="commented",
                                data={"comment_id": comment.id, "internal": internal})
        notify.commented(ticket, comment, actor)
        forget(ticket)
    return comment


def change_tags(actor: Member, ticket: Ticket, add: list[str], remove: list[str]) -> Ticket:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(id=ticket.id)
        if add:
            ticket.tags.add(*tags_named(ticket.org_id, add))
        if remove:
            lowered = [n.lower() for n in remove]
            gone = Tag.objects.annotate(lname=Lower("name")).filter(org_id=ticket.org_id, lname__in=lowered)
            ticket.tags.remove(*gone)
        ticket.version += 1
        ticket.save(update_fields=["version", "updated_at"])
        Activity.objects.create(ticket=ticket, actor=actor, kind="tagged", data={"add": add, "remove": remove})
        forget(ticket)
    return ticket
