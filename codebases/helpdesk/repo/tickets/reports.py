"""Reports for team leads: the SLA picture (active tickets by priority: on time, breached) and
the agents' workload."""

from __future__ import annotations

from django.db.models import Count, Q
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Member, Role
from accounts.permissions import IsStaff
from core import clock
from core.views import TenantView

from . import workflow
from .models import Priority, Ticket


class SlaReport(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        now = clock.now()
        rows = (Ticket.objects.filter(org_id=self.org_id, status__in=workflow.ACTIVE).values("priority")
                .annotate(active=Count("id"), breached=Count("id", filter=Q(due_at__lte=now)))
                .order_by("priority"))
        by_priority = {p: {"active": 0, "breached": 0} for p in Priority.values}
        for row in rows:
            by_priority[row["priority"]] = {"active": row["active"], "breached": row["breached"]}
        return Response({"as_of": now, "priorities": by_priority})


class WorkloadReport(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        agents = (Member.objects.filter(org_id=self.org_id, role__in=[Role.ADMIN, Role.AGENT], is_active=True)
                  .annotate(active=Count("assigned", filter=Q(assigned__status__in=workflow.ACTIVE)))
                  .order_by("-active", "id"))
        return Response({"items": [{"id": a.id, "name": a.name, "active": a.active} for a in agents]})
