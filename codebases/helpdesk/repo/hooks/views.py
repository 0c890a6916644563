"""Webhooks of the caller's organisation (admins), and their deliveries."""

from __future__ import annotations

import secrets

from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import audit
from accounts.permissions import IsAdmin
from core.views import TenantView

from .models import Delivery, Webhook
from .serializers import DeliverySerializer, WebhookSerializer


class Webhooks(TenantView):
    permission_classes = [IsAdmin]

    def get(self, request: Request) -> Response:
        rows = Webhook.objects.filter(org_id=self.org_id).order_by("id")
        return Response({"items": WebhookSerializer(rows, many=True).data})

    def post(self, request: Request) -> Response:
        body = WebhookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        secret = secrets.token_hex(24)
        hook = body.save(org_id=self.org_id, secret=secret)
        audit.record(request.user, "webhook.created", hook.url, events=hook.events)
        return Response({**WebhookSerializer(hook).data, "secret": secret}, status=201)


class WebhookDetail(TenantView):
    permission_classes = [IsAdmin]

    def patch(self, request: Request, hook_id: int) -> Response:
        hook = get_object_or_404(Webhook, id=hook_id, org_id=self.org_id)
        body = WebhookSerializer(hook, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return Response(WebhookSerializer(body.save()).data)

    def delete(self, request: Request, hook_id: int) -> Response:
        get_object_or_404(Webhook, id=hook_id, org_id=self.org_id).delete()
        return Response(status=204)


class Deliveries(TenantView):
    permission_classes = [IsAdmin]

    def get(self, request: Request, hook_id: int) -> Response:
        hook = get_object_or_404(Webhook, id=hook_id, org_id=self.org_id)
        rows = Delivery.objects.filter(webhook=hook).order_by("-id")[:100]
        return Response({"items": DeliverySerializer(rows, many=True).data})


class Redeliver(TenantView):
    """POST /v1/webhooks/<id>/deliveries/<delivery>/redeliver: queue a failed delivery again."""

    permission_classes = [IsAdmin]

    def post(self, request: Request, hook_id: int, delivery_id: int) -> Response:
        from core import clock

        from .models import DeliveryStatus

        found = get_object_or_404(Delivery, id=delivery_id, webhook_id=hook_id, webhook__org_id=self.org_id)
        found.status = DeliveryStatus.PENDING
        found.attempts = 0
        found.next_attempt_at = clock.now()
        found.save(update_fields=["status", "attempts", "next_attempt_at"])
        return Response(DeliverySerializer(found).data, status=202)


class RotateSecret(TenantView):
    """POST /v1/webhooks/<id>/rotate-secret: a new signing secret, shown once; deliveries sent
    from now on are signed with it."""

    permission_classes = [IsAdmin]

    def post(self, request: Request, hook_id: int) -> Response:
        hook = get_object_or_404(Webhook, id=hook_id, org_id=self.org_id)
        hook.secret = secrets.token_hex(24)
        hook.save(update_fields=["secret"])
        audit.record(request.user, "webhook.secret_rotated", hook.url)
        return Response({"id": hook.id, "secret": hook.secret})


class Ping(TenantView):
    """POST /v1/webhooks/<id>/ping: queue a `ping` delivery so that an admin can check the
    receiver end to end (the worker sends it like any other)."""

    permission_classes = [IsAdmin]

    def post(self, request: Request, hook_id: int) -> Response:
        import uuid

        from core import clock

        hook = get_object_or_404(Webhook, id=hook_id, org_id=self.org_id)
        event_id = uuid.uuid4()
        found = Delivery.objects.create(webhook=hook, event="ping", event_id=event_id, next_attempt_at=clock.now(),
                                        payload={"id": str(event_id), "type": "ping", "data": {"webhook_id": hook.id}})
        return Response(DeliverySerializer(found).data, status=202)
