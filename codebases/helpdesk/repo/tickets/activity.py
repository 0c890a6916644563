"""A ticket's activity trail (agents only: it names internal notes)."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core.views import TenantView

from .models import Activity
from .serializers import person
from .views import find_ticket


class ActivityList(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        rows = Activity.objects.filter(ticket=ticket).select_related("actor").order_by("id")
        return Response({"items": [{"id": a.id, "kind": a.kind, "actor": person(a.actor), "data": a.data,
                                    "created_at": a.created_at} for a in rows]})
