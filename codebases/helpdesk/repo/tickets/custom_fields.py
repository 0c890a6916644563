"""Custom fields: admins define them; agents (and customers, for fields visible to them) set
a ticket's values, each checked against its field's type."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import StaffWritesOnly
from core.errors import Conflict, error
from core.views import TenantView

from . import services
from .models import CustomField, FieldType, FieldValue
from .views import find_ticket


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomField
        fields = ["id", "key", "label", "type", "choices", "customer_visible", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        choices = attrs.get("choices") or []
        if attrs.get("type") == FieldType.CHOICE:
            if not choices or not all(isinstance(c, str) and c for c in choices):
                raise serializers.ValidationError({"choices": "a choice field needs a list of names"})
        elif choices:
            raise serializers.ValidationError({"choices": "only choice fields have choices"})
        return attrs


class ValueError_(Exception):
    """A value that does not fit its field (the message says why)."""


def clean(field: CustomField, value: Any) -> Any:
    if value is None:
        return None
    if field.type == FieldType.TEXT and isinstance(value, str) and len(value) <= 500:
        return value
    if field.type == FieldType.NUMBER and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if field.type == FieldType.CHOICE and value in field.choices:
        return value
    if field.type == FieldType.FLAG and isinstance(value, bool):
        return value
    raise ValueError_(f"{field.key}: not a valid {field.type} value")


def values_of(ticket, *, for_customer: bool) -> dict[str, Any]:
    rows = FieldValue.objects.filter(ticket=ticket).select_related("field")
    if for_customer:
        rows = rows.filter(field__customer_visible=True)
    return {row.field.key: row.value for row in rows}


class Fields(TenantView):
    permission_classes = [StaffWritesOnly]

    def get(self, request: Request) -> Response:
        rows = CustomField.objects.filter(org_id=self.org_id).order_by("key")
        if not request.user.is_staff_member:
            rows = rows.filter(customer_visible=True)
        return Response({"items": FieldSerializer(rows, many=True).data})

    def post(self, request: Request) -> Response:
        if request.user.role != "admin":
            return error("forbidden", "Only admins define fields.", 403)
        body = FieldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                field = body.save(org_id=self.org_id)
        except IntegrityError:
            raise Conflict("A field with this key exists already.")
        return Response(FieldSerializer(field).data, status=201)


class TicketFields(TenantView):
    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        return Response(values_of(ticket, for_customer=not request.user.is_staff_member))

    def put(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        if not isinstance(request.data, dict):
            return error("invalid", "Send an object of field keys and values.", 422)
        fields = {f.key: f for f in CustomField.objects.filter(org_id=self.org_id, key__in=list(request.data))}
        customer = not request.user.is_staff_member
        unknown = [k for k in request.data if k not in fields or (customer and not fields[k].customer_visible)]
        if unknown:
            return error("invalid", f"Unknown fields: {', '.join(sorted(unknown))}.", 422)
        try:
            cleaned = {key: clean(fields[key], value) for key, value in request.data.items()}
        except ValueError_ as exc:
            return error("invalid", str(exc), 422)
        with transaction.atomic():
            for key, value in cleaned.items():
                if value is None:
                    FieldValue.objects.filter(ticket=ticket, field=fields[key]).delete()
                else:
                    FieldValue.objects.update_or_create(ticket=ticket, field=fields[key], defaults={"value": value})
            services.forget(ticket)
        return Response(values_of(ticket, for_customer=customer))
