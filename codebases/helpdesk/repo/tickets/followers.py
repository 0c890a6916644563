"""Followers: agents copy colleagues (or themselves) on a ticket; customers follow nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Member, Role
from accounts.permissions import IsStaff
from core.errors import error
from core.views import TenantView

from .models import Activity, Follower
from .serializers import person
from .views import find_ticket


class FollowBody(serializers.Serializer):
    member_id = serializers.IntegerField()


def follower_ids(ticket) -> list[int]:
    return list(Follower.objects.filter(ticket=ticket).values_list("member_id", flat=True))


class Followers(TenantView):
    permission_classes = [IsStaff]

    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        rows = Follower.objects.filter(ticket=ticket).select_related("member").order_by("id")
        return Response({"items": [person(f.member) for f in rows]})

    def post(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = FollowBody(data=request.data)
        body.is_valid(raise_exception=True)
        member = Member.objects.filter(id=body.validated_data["member_id"], org_id=self.org_id, is_active=True,
                                       role__in=[Role.ADMIN, Role.AGENT]).first()
        if member is None:
            return error("invalid", "Only active agents of this organisation follow tickets.", 422)
        try:
            with transaction.atomic():
                Follower.objects.create(ticket=ticket, member=member)
                Activity.objects.create(ticket=ticket, actor=request.user, kind="followed",
                                        data={"member_id": member.id})
        except IntegrityError:
            pass  # following twice is following
        return self.get(request, number)

    def delete(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = FollowBody(data=request.data)
        body.is_valid(raise_exception=True)
        Follower.objects.filter(ticket=ticket, member_id=body.validated_data["member_id"]).delete()
        return Response(status=204)
