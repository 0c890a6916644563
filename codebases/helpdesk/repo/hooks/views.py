"""Webhooks of the caller's organisation (admins), and their deliveries."""

from __future__ import annotations

import secrets

from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

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
