"""The organisation's audit trail: `record` from the views that change its setup, and the
admins' list of it."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from core.views import TenantView
from tickets import pagination

from .models import AuditEntry, Member
from .permissions import IsAdmin


def record(actor: Member, action: str, target: str = "", **data: Any) -> None:
    AuditEntry.objects.create(org_id=actor.org_id, actor=actor, action=action, target=target, data=data)


class AuditLog(TenantView):
    permission_classes = [IsAdmin]

    def get(self, request: Request) -> Response:
        rows = AuditEntry.objects.filter(org_id=self.org_id).select_related("actor").order_by("-id")
        if request.query_params.get("action"):
            rows = rows.filter(action=request.query_params["action"])
        after = pagination.decode(request.query_params.get("cursor"))
        if after is not None:
            rows = rows.filter(id__lt=after)
        limit = pagination.limit(request.query_params.get("limit"))
        page = list(rows[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        items = [{"id": e.id, "action": e.action, "target": e.target, "data": e.data, "created_at": e.created_at,
                  "actor": e.actor.email if e.actor else None} for e in page]
        return Response({"items": items, "next_cursor": pagination.encode(page[-1].id) if more and page else None})
