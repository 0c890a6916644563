"""Macros: an agent's canned response plus ticket changes, applied in one step ("Ask for logs":
reply with a template, set pending, tag needs-info). Templates may use {requester} and {number}."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core.errors import Conflict, error
from core.views import TenantView

from . import services, workflow
from .models import Macro, Priority, Status
from .views import detail_of, find_ticket

ALLOWED_ACTIONS = {"status", "priority", "add_tags", "remove_tags", "assign_to_me"}


class MacroSerializer(serializers.ModelSerializer):
    class Meta:
        model = Macro
        fields = ["id", "name", "reply", "internal", "actions", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_actions(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or set(value) - ALLOWED_ACTIONS:
            raise serializers.ValidationError(f"actions may only hold {', '.join(sorted(ALLOWED_ACTIONS))}")
        if "status" in value and value["status"] not in Status.values:
            raise serializers.ValidationError("unknown status")
        if "priority" in value and value["priority"] not in Priority.values:
            raise serializers.ValidationError("unknown priority")
        return value


def render(template: str, ticket) -> str:
    """The reply with its placeholders filled (unknown ones left as written)."""
    values = {"requester": ticket.requester.name, "number": str(ticket.number), "subject": ticket.subject}
    return template.format_map(_Keep(values))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def apply(actor, ticket, macro: Macro) -> None:
    actions = macro.actions
    changes: dict[str, Any] = {}
    if "status" in actions:
        changes["status"] = actions["status"]
    if "priority" in actions:
        changes["priority"] = actions["priority"]
    if actions.get("assign_to_me"):
        changes["assignee_id"] = actor.id
    with transaction.atomic():
        if macro.reply:
            services.add_comment(actor, ticket, render(macro.reply, ticket), macro.internal)
        if changes:
            services.update_ticket(actor, ticket, changes)
        if actions.get("add_tags") or actions.get("remove_tags"):
            services.change_tags(actor, ticket, list(actions.get("add_tags", [])), list(actions.get("remove_tags", [])))


class Macros(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        rows = Macro.objects.filter(org_id=self.org_id).order_by("name")
        return Response({"items": MacroSerializer(rows, many=True).data})

    def post(self, request: Request) -> Response:
        body = MacroSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                macro = body.save(org_id=self.org_id, created_by=request.user)
        except IntegrityError:
            raise Conflict("A macro with this name exists already.")
        return Response(MacroSerializer(macro).data, status=201)


class ApplyMacro(TenantView):
    permission_classes = [IsStaff]

    def post(self, request: Request, number: int, macro_id: int) -> Response:
        ticket = find_ticket(request.user, number)
        macro = get_object_or_404(Macro, id=macro_id, org_id=self.org_id)
        try:
            apply(request.user, ticket, macro)
        except workflow.TransitionError as exc:
            return error("invalid_transition", str(exc), 409)
        except services.NotAllowed as exc:
            return error("forbidden", str(exc), 403)
        return Response(detail_of(ticket))

