"""Satisfaction ratings: the requester rates a resolved or closed ticket 1-5 (and may change
it); team leads see the average and the spread."""

from __future__ import annotations

from django.db.models import Avg, Count
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsStaff
from core.errors import error
from core.views import TenantView

from .models import Rating, Status
from .views import find_ticket


class RatingBody(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    remark = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TicketRating(TenantView):
    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        rating = Rating.objects.filter(ticket=ticket).first()
        if rating is None:
            return error("not_found", "This ticket has no rating.", 404)
        return Response({"score": rating.score, "remark": rating.remark, "updated_at": rating.updated_at})

    def put(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        if ticket.requester_id != request.user.id:
            return error("forbidden", "Only the requester rates a ticket.", 403)
        if ticket.status not in (Status.RESOLVED, Status.CLOSED):
            return error("conflict", "Only resolved or closed tickets are rated.", 409)
        body = RatingBody(data=request.data)
        body.is_valid(raise_exception=True)
        rating, created = Rating.objects.update_or_create(ticket=ticket, defaults=body.validated_data)
        return Response({"score": rating.score, "remark": rating.remark}, status=201 if created else 200)


class SatisfactionReport(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        ratings = Rating.objects.filter(ticket__org_id=self.org_id)
        summary = ratings.aggregate(average=Avg("score"), count=Count("id"))
        spread = {str(s): 0 for s in range(1, 6)}
        for row in ratings.values("score").annotate(n=Count("id")):
            spread[str(row["score"])] = row["n"]
        average = round(float(summary["average"]), 2) if summary["average"] is not None else None
        return Response({"count": summary["count"], "average": average, "scores": spread})
