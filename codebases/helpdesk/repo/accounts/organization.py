"""The caller's organisation: its name for everyone, its SLA hours per priority for admins."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.views import TenantView

from . import audit
from .models import Organization
from .permissions import IsAdmin, StaffWritesOnly
from .serializers import OrganizationSerializer


class OrganizationChange(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class SlaHours(serializers.Serializer):
    low = serializers.IntegerField(min_value=1, max_value=24 * 30, required=False)
    normal = serializers.IntegerField(min_value=1, max_value=24 * 30, required=False)
    high = serializers.IntegerField(min_value=1, max_value=24 * 30, required=False)
    urgent = serializers.IntegerField(min_value=1, max_value=24 * 30, required=False)


class OrganizationDetail(TenantView):
    permission_classes = [StaffWritesOnly]

    def get(self, request: Request) -> Response:
        return Response(OrganizationSerializer(request.user.org).data)

    def patch(self, request: Request) -> Response:
        if request.user.role != "admin":
            return Response({"error": {"code": "forbidden", "message": "Only admins rename the organisation."}},
                            status=403)
        body = OrganizationChange(data=request.data)
        body.is_valid(raise_exception=True)
        Organization.objects.filter(id=self.org_id).update(name=body.validated_data["name"])
        return Response(OrganizationSerializer(Organization.objects.get(id=self.org_id)).data)


class SlaPolicies(TenantView):
    permission_classes = [IsAdmin]

    def current(self) -> dict[str, int]:
        from tickets.models import SlaPolicy

        own = dict(SlaPolicy.objects.filter(org_id=self.org_id).values_list("priority", "hours"))
        return {p: own.get(p, hours) for p, hours in settings.SLA_HOURS.items()}

    def get(self, request: Request) -> Response:
        return Response(self.current())

    def put(self, request: Request) -> Response:
        """New hours apply to tickets whose due date is computed from now on (creation,
        priority changes); due dates already set stay."""
        from tickets.models import SlaPolicy

        body = SlaHours(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            for priority, hours in body.validated_data.items():
                SlaPolicy.objects.update_or_create(org_id=self.org_id, priority=priority, defaults={"hours": hours})
            audit.record(request.user, "sla.changed", "", **body.validated_data)
        return Response(self.current())
