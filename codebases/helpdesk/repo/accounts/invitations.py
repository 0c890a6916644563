"""Invitations: an admin invites an email with a role; the invitee accepts with the code (no
token yet: the code is the credential) and gets their member and first API token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.errors import error
from core.views import TenantView

from . import audit, tokens
from .models import Invitation, Member, Role
from .permissions import IsAdmin
from .serializers import MemberSerializer

VALID_DAYS = 7


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class InviteBody(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class AcceptBody(serializers.Serializer):
    code = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=200)


class Invitations(TenantView):
    permission_classes = [IsAdmin]

    def get(self, request: Request) -> Response:
        rows = Invitation.objects.filter(org_id=self.org_id, accepted_at__isnull=True,
                                         expires_at__gt=clock.now()).order_by("id")
        return Response({"items": [{"id": i.id, "email": i.email, "role": i.role, "expires_at": i.expires_at}
                                   for i in rows]})

    def post(self, request: Request) -> Response:
        body = InviteBody(data=request.data)
        body.is_valid(raise_exception=True)
        email = body.validated_data["email"].lower()
        if Member.objects.filter(org_id=self.org_id, email__iexact=email).exists():
            return error("conflict", "This email is a member already.", 409)
        code = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(org_id=self.org_id, invited_by=request.user, email=email,
                                               role=body.validated_data["role"], code_digest=digest(code),
                                               expires_at=clock.now() + timedelta(days=VALID_DAYS))
        audit.record(request.user, "member.invited", email, role=invitation.role)
        return Response({"id": invitation.id, "email": email, "role": invitation.role, "code": code,
                         "expires_at": invitation.expires_at}, status=201)


class AcceptInvitation(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        body = AcceptBody(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                invitation = (Invitation.objects.select_for_update()
                              .filter(code_digest=digest(body.validated_data["code"])).first())
                if invitation is None or invitation.accepted_at or invitation.expires_at <= clock.now():
                    return error("invalid", "This invitation is not valid.", 422)
                member = Member.objects.create(org_id=invitation.org_id, email=invitation.email,
                                               name=body.validated_data["name"], role=invitation.role)
                invitation.accepted_at = clock.now()
                invitation.save(update_fields=["accepted_at"])
                _, plain = tokens.issue(member, "first")
        except IntegrityError:
            return error("conflict", "This email is a member already.", 409)
        return Response({"member": MemberSerializer(member).data, "token": plain}, status=201)
