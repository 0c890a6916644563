"""Tags: a ticket's tags changed, and the organisation's tags with how many tickets carry each."""

from __future__ import annotations

from django.db.models import Count
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core import cache
from core.views import TenantView

from . import cachekeys, services
from .models import Tag
from .serializers import TagsChange
from .views import find_ticket


class TicketTags(TenantView):
    permission_classes = [IsStaff]

    def post(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = TagsChange(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = services.change_tags(request.user, ticket, body.validated_data["add"], body.validated_data["remove"])
        return Response({"number": ticket.number, "tags": sorted(t.name for t in ticket.tags.all())})


class TagList(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        org_id = self.org_id

        def counts() -> list[dict]:
            rows = Tag.objects.filter(org_id=org_id).annotate(ticket_count=Count("tickets")).order_by("name")
            return [{"name": t.name, "tickets": t.ticket_count} for t in rows]

        items, hit = cache.get_or_set(cachekeys.tag_counts(org_id), counts, ttl=60)
        response = Response({"items": items})
        response["X-Cache"] = "hit" if hit else "miss"
        return response
