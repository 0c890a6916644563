"""Bulk updates: the same change to up to 100 tickets; each ticket succeeds or fails on its own
and the answer says which."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core.views import TenantView

from . import queries, services, workflow
from .serializers import TicketUpdate


class BulkBody(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    changes = TicketUpdate()


class BulkUpdate(TenantView):
    permission_classes = [IsStaff]

    def post(self, request: Request) -> Response:
        body = BulkBody(data=request.data)
        body.is_valid(raise_exception=True)
        numbers = list(dict.fromkeys(body.validated_data["numbers"]))
        changes = body.validated_data["changes"]
        found = {t.number: t for t in queries.visible(request.user).filter(number__in=numbers)}
        results = []
        for number in numbers:
            ticket = found.get(number)
            if ticket is None:
                results.append({"number": number, "ok": False, "error": "not_found"})
                continue
            try:
                services.update_ticket(request.user, ticket, changes)
                results.append({"number": number, "ok": True})
            except (workflow.TransitionError, services.NotAllowed) as exc:
                results.append({"number": number, "ok": False, "error": str(exc)})
        return Response({"results": results, "updated": sum(r["ok"] for r in results)})
