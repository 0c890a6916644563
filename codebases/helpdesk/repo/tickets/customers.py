"""A customer's profile for agents: who they are and their tickets at a glance. Agents open it
on every ticket, so it is cached; any change to the customer or their tickets forgets it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Member, Role
from accounts.permissions import IsStaff
from core import cache
from core.views import TenantView

from . import cachekeys, workflow
from .models import Ticket


def forget(org_id: int, member_id: int) -> None:
    """Drop the cached profile (after the current transaction commits)."""
    cache.delete_on_commit(cachekeys.customer(org_id, member_id))


def profile(customer: Member) -> dict[str, Any]:
    counts = Ticket.objects.filter(org_id=customer.org_id, requester=customer).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status__in=workflow.ACTIVE)),
        escalated=Count("id", filter=Q(escalated_at__isnull=False, status__in=workflow.ACTIVE)),
    )
    latest = (Ticket.objects.filter(org_id=customer.org_id, requester=customer).order_by("-id")
              .values("number", "subject", "status")[:5])
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "company": customer.company,
        "is_active": customer.is_active,
        "tickets": counts,
        "recent": list(latest),
    }


class CustomerDetail(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request, member_id: int) -> Response:
        customer = get_object_or_404(Member, id=member_id, org_id=self.org_id, role=Role.CUSTOMER)
        body, hit = cache.get_or_set(cachekeys.customer(customer.org_id, customer.id), lambda: profile(customer))
        response = Response(body)
        response["X-Cache"] = "hit" if hit else "miss"
        return response
