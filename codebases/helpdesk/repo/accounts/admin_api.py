"""The operators' API: create an organisation with its first admin (X-Admin-Token)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import error

from . import tokens
from .models import Member, Organization, Role
from .serializers import MemberSerializer, OrganizationCreateSerializer, OrganizationSerializer


def is_operator(request: Request) -> bool:
    given = request.headers.get("X-Admin-Token", "")
    return bool(settings.ADMIN_TOKEN) and hmac.compare_digest(given, settings.ADMIN_TOKEN)


class CreateOrganization(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        if not is_operator(request):
            return error("unauthorized", "A valid X-Admin-Token is required.", 401)
        body = OrganizationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            with transaction.atomic():
                org = Organization.objects.create(slug=data["slug"], name=data["name"], plan=data["plan"])
                admin = Member.objects.create(org=org, email=data["admin_email"], name=data["admin_name"],
                                              role=Role.ADMIN)
                _, plain = tokens.issue(admin, "bootstrap")
        except IntegrityError:
            return error("conflict", f"An organisation '{data['slug']}' exists already.", 409)
        return Response({"organization": OrganizationSerializer(org).data, "admin": MemberSerializer(admin).data,
                         "token": plain}, status=201)
