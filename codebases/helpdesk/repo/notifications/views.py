"""A member's notifications: list (unread first), the unread count (cached), mark read, and
their preferences."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core import cache, clock
from core.views import TenantView
from tickets import pagination

from .models import KINDS, Notification, Preference
from .notify import unread_key


class MarkRead(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500)
    all = serializers.BooleanField(default=False)


class PreferenceChange(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    enabled = serializers.BooleanField()


def out(n: Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "text": n.text, "ticket": n.ticket.number, "read": n.read_at is not None,
            "created_at": n.created_at}


class Notifications(TenantView):
    def get(self, request: Request) -> Response:
        rows = Notification.objects.filter(member=request.user).select_related("ticket").order_by("-id")
        if request.query_params.get("unread") in {"1", "true"}:
            rows = rows.filter(read_at__isnull=True)
        limit = pagination.limit(request.query_params.get("limit"))
        return Response({"items": [out(n) for n in rows[:limit]]})


class UnreadCount(TenantView):
    def get(self, request: Request) -> Response:
        member_id = request.user.id
        count, hit = cache.get_or_set(
            unread_key(member_id), lambda: Notification.objects.filter(member_id=member_id, read_at__isnull=True).count())
        response = Response({"unread": count})
        response["X-Cache"] = "hit" if hit else "miss"
        return response


class MarkNotificationsRead(TenantView):
    def post(self, request: Request) -> Response:
        body = MarkRead(data=request.data)
        body.is_valid(raise_exception=True)
        rows = Notification.objects.filter(member=request.user, read_at__isnull=True)
        if not body.validated_data["all"]:
            rows = rows.filter(id__in=body.validated_data.get("ids", []))
        marked = rows.update(read_at=clock.now())
        cache.delete(unread_key(request.user.id))
        return Response({"marked": marked})


class Preferences(TenantView):
    def get(self, request: Request) -> Response:
        stored = dict(Preference.objects.filter(member=request.user).values_list("kind", "enabled"))
        return Response({kind: stored.get(kind, True) for kind in KINDS})

    def post(self, request: Request) -> Response:
        body = PreferenceChange(data=request.data)
        body.is_valid(raise_exception=True)
        Preference.objects.update_or_create(member=request.user, kind=body.validated_data["kind"],
                                            defaults={"enabled": body.validated_data["enabled"]})
        return self.get(request)
