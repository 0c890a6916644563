"""Customers grouped by the company they work for: how many customers and active tickets each
company has (agents use it to spot an account in trouble)."""

from __future__ import annotations

from django.db.models import Count, Q
from rest_framework.request import Request
from rest_framework.response import Response

from core.views import TenantView

from .models import Member, Role
from .permissions import IsStaff


class Companies(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        from tickets import workflow

        rows = (Member.objects.filter(org_id=self.org_id, role=Role.CUSTOMER).exclude(company="")
                .values("company")
                .annotate(customers=Count("id", distinct=True),
                          active_tickets=Count("requested", filter=Q(requested__status__in=workflow.ACTIVE)))
                .order_by("-active_tickets", "company"))
        return Response({"items": [{"company": r["company"], "customers": r["customers"],
                                    "active_tickets": r["active_tickets"]} for r in rows]})
