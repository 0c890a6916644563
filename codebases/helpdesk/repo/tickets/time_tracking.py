"""Time tracking: agents log minutes spent on a ticket; the report sums billable time per
customer company for a date range (for invoicing by the hour)."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core import clock
from core.errors import error
from core.views import TenantView

from .models import TimeEntry
from .views import find_ticket


class TimeBody(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    billable = serializers.BooleanField(default=True)
    spent_on = serializers.DateField(required=False)


def entry_out(e: TimeEntry) -> dict:
    return {"id": e.id, "minutes": e.minutes, "note": e.note, "billable": e.billable, "spent_on": e.spent_on,
            "agent_id": e.agent_id}


class TicketTime(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        rows = TimeEntry.objects.filter(ticket=ticket).order_by("spent_on", "id")
        total = rows.aggregate(total=Sum("minutes"))["total"] or 0
        return Response({"items": [entry_out(e) for e in rows], "total_minutes": total})

    def post(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = TimeBody(data=request.data)
        body.is_valid(raise_exception=True)
        spent_on = body.validated_data.get("spent_on") or clock.now().date()
        if spent_on > clock.now().date():
            return error("invalid", "Time cannot be logged in the future.", 422)
        entry = TimeEntry.objects.create(ticket=ticket, agent=request.user, minutes=body.validated_data["minutes"],
                                         note=body.validated_data["note"], billable=body.validated_data["billable"],
                                         spent_on=spent_on)
        return Response(entry_out(entry), status=201)


def _day(raw: str | None, default: date) -> date:
    return date.fromisoformat(raw) if raw else default


class TimeReport(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        today = clock.now().date()
        try:
            start = _day(request.query_params.get("from"), today.replace(day=1))
            end = _day(request.query_params.get("to"), today)
        except ValueError:
            return error("invalid", "from and to are dates (YYYY-MM-DD).", 422)
        rows = (TimeEntry.objects.filter(ticket__org_id=self.org_id, billable=True, spent_on__range=(start, end))
                .values("ticket__requester__company").annotate(minutes=Sum("minutes"))
                .order_by("ticket__requester__company"))
        return Response({"from": start, "to": end,
                         "items": [{"company": r["ticket__requester__company"] or "", "minutes": r["minutes"]}
                                   for r in rows]})
