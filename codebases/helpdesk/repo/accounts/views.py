"""Members of the caller's organisation and their API tokens."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import Conflict, error
from core.views import TenantView

from . import audit, tokens
from .models import ApiToken, Member, Role
from .permissions import IsAdmin, IsStaff
from .serializers import (MemberCreateSerializer, MemberSerializer, MemberUpdateSerializer,
                          OrganizationSerializer, TokenSerializer)


class Me(TenantView):
    def get(self, request: Request) -> Response:
        return Response({"member": MemberSerializer(request.user).data,
                         "organization": OrganizationSerializer(request.user.org).data})


class Members(TenantView):
    def get_permissions(self):
        return [IsAdmin()] if self.request.method == "POST" else [IsStaff()]

    def get(self, request: Request) -> Response:
        members = Member.objects.filter(org_id=self.org_id).order_by("id")
        role = request.query_params.get("role")
        if role:
            members = members.filter(role=role)
        return Response({"items": MemberSerializer(members, many=True).data})

    def post(self, request: Request) -> Response:
        body = MemberCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                member = Member.objects.create(org_id=self.org_id, **body.validated_data)
        except IntegrityError:
            raise Conflict("A member with this email exists already.")
        audit.record(request.user, "member.created", member.email, role=member.role)
        return Response(MemberSerializer(member).data, status=201)


class MemberDetail(TenantView):
    def get_permissions(self):
        return [IsStaff()] if self.request.method == "GET" else [IsAdmin()]

    def get_member(self, member_id: int) -> Member:
        return get_object_or_404(Member, id=member_id, org_id=self.org_id)

    def get(self, request: Request, member_id: int) -> Response:
        return Response(MemberSerializer(self.get_member(member_id)).data)

    def patch(self, request: Request, member_id: int) -> Response:
        member = self.get_member(member_id)
        body = MemberUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = body.validated_data
        if member.id == request.user.id and (changes.get("role", Role.ADMIN) != Role.ADMIN or
                                              changes.get("is_active") is False):
            return error("invalid", "Admins cannot demote or deactivate themselves.", 422)
        for name, value in changes.items():
            setattr(member, name, value)
        member.save()
        audit.record(request.user, "member.updated", member.email, **{k: str(v) for k, v in changes.items()})
        from tickets import customers

        customers.forget(member.org_id, member.id)
        return Response(MemberSerializer(member).data)


class MemberTokens(TenantView):
    permission_classes = [IsAdmin]

    def get(self, request: Request, member_id: int) -> Response:
        member = get_object_or_404(Member, id=member_id, org_id=self.org_id)
        return Response({"items": TokenSerializer(member.tokens.order_by("id"), many=True).data})

    def post(self, request: Request, member_id: int) -> Response:
        member = get_object_or_404(Member, id=member_id, org_id=self.org_id)
        name = str(request.data.get("name") or "default")[:100]
        token, plain = tokens.issue(member, name)
        audit.record(request.user, "token.issued", member.email, prefix=token.prefix)
        return Response({**TokenSerializer(token).data, "token": plain}, status=201)


class TokenDetail(TenantView):
    def delete(self, request: Request, token_id: int) -> Response:
        token = get_object_or_404(ApiToken, id=token_id, member__org_id=self.org_id)
        if token.member_id != request.user.id and request.user.role != Role.ADMIN:
            return error("forbidden", "Only admins may revoke other members' tokens.", 403)
        tokens.revoke(token)
        audit.record(request.user, "token.revoked", token.member.email, prefix=token.prefix)
        return Response(status=204)
