"""Daily trends for dashboards: tickets created and resolved per day over the last N days."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core import clock
from core.errors import error
from core.views import TenantView

from .models import Ticket


class Trends(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        try:
            days = int(request.query_params.get("days", 14))
        except ValueError:
            days = 0
        if not 1 <= days <= 90:
            return error("invalid", "days is between 1 and 90.", 422)
        since = (clock.now() - timedelta(days=days - 1)).date()
        tickets = Ticket.objects.filter(org_id=self.org_id)
        created = dict(tickets.filter(created_at__date__gte=since).annotate(day=TruncDate("created_at"))
                       .values("day").annotate(n=Count("id")).values_list("day", "n"))
        resolved = dict(tickets.filter(resolved_at__date__gte=since).annotate(day=TruncDate("resolved_at"))
                        .values("day").annotate(n=Count("id")).values_list("day", "n"))
        series = []
        for offset in range(days):
            day = since + timedelta(days=offset)
            series.append({"day": day, "created": created.get(day, 0), "resolved": resolved.get(day, 0)})
        return Response({"days": series})
