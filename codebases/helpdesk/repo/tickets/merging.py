"""Merging duplicates: the source ticket's comments and attachments move to the target, both
trails say so, and the source is closed with a note pointing at the target."""

from __future__ import annotations

from django.db import transaction
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core.errors import error
from core.views import TenantView

from . import services
from .models import Activity, Attachment, Comment, Status, Ticket
from .views import detail_of, find_ticket


class MergeBody(serializers.Serializer):
    into = serializers.IntegerField(min_value=1)


def merge(actor, source: Ticket, target: Ticket) -> Ticket:
    with transaction.atomic():
        locked = {t.id: t for t in Ticket.objects.select_for_update().filter(id__in=[source.id, target.id]).order_by("id")}
        source, target = locked[source.id], locked[target.id]
        moved = Comment.objects.filter(ticket=source).update(ticket=target)
        Attachment.objects.filter(ticket=source).update(ticket=target)
        Comment.objects.create(ticket=source, author=actor, internal=False,
                               body=f"Merged into #{target.number}; follow it there.")
        source.status = Status.CLOSED
        source.due_at = None
        source.version += 1
        source.save(update_fields=["status", "due_at", "version", "updated_at"])
        target.version += 1
        target.save(update_fields=["version", "updated_at"])
        Activity.objects.create(ticket=source, actor=actor, kind="merged_into", data={"number": target.number})
        Activity.objects.create(ticket=target, actor=actor, kind="merged_from",
                                data={"number": source.number, "comments": moved})
        services.forget(source)
        services.forget(target)
    return target


class MergeTicket(TenantView):
    permission_classes = [IsStaff]

    def post(self, request: Request, number: int) -> Response:
        body = MergeBody(data=request.data)
        body.is_valid(raise_exception=True)
        source = find_ticket(request.user, number)
        target = find_ticket(request.user, body.validated_data["into"])
        if source.id == target.id:
            return error("invalid", "A ticket cannot be merged into itself.", 422)
        if Status.CLOSED in (source.status, target.status):
            return error("conflict", "Closed tickets cannot be merged.", 409)
        return Response(detail_of(merge(request.user, source, target)))
