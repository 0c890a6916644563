"""Attachment metadata (the files themselves live in object storage; the API records what was
uploaded there: name, type, size, checksum)."""

from __future__ import annotations

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from core.views import TenantView

from . import services
from .models import Activity, Attachment
from .serializers import AttachmentSerializer
from .views import find_ticket


class Attachments(TenantView):
    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        rows = Attachment.objects.filter(ticket=ticket).order_by("id")
        return Response({"items": AttachmentSerializer(rows, many=True).data})

    def post(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = AttachmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            attachment = body.save(ticket=ticket, uploaded_by=request.user)
            Activity.objects.create(ticket=ticket, actor=request.user, kind="attached",
                                    data={"attachment_id": attachment.id, "filename": attachment.filename})
            services.forget(ticket)
        return Response(AttachmentSerializer(attachment).data, status=201)
