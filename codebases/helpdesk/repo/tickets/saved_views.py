"""Saved views: a member's named ticket filters (shared ones are visible to the whole team)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import Conflict, error
from core.views import TenantView

from . import pagination, queries
from .models import SavedView
from .serializers import SavedViewSerializer, ticket_summary


def readable(member):
    return SavedView.objects.filter(Q(owner=member) | Q(shared=True, org_id=member.org_id), org_id=member.org_id)


class SavedViews(TenantView):
    def get(self, request: Request) -> Response:
        rows = readable(request.user).order_by("name", "id")
        return Response({"items": SavedViewSerializer(rows, many=True).data})

    def post(self, request: Request) -> Response:
        body = SavedViewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("shared") and not request.user.is_staff_member:
            return error("forbidden", "Only agents share views.", 403)
        try:
            with transaction.atomic():
                view = body.save(owner=request.user, org_id=request.user.org_id)
        except IntegrityError:
            raise Conflict("You have a view with this name already.")
        return Response(SavedViewSerializer(view).data, status=201)


class SavedViewDetail(TenantView):
    def get(self, request: Request, view_id: int) -> Response:
        return Response(SavedViewSerializer(get_object_or_404(readable(request.user), id=view_id)).data)

    def delete(self, request: Request, view_id: int) -> Response:
        view = get_object_or_404(SavedView, id=view_id, owner=request.user)
        view.delete()
        return Response(status=204)


class SavedViewTickets(TenantView):
    def get(self, request: Request, view_id: int) -> Response:
        view = get_object_or_404(readable(request.user), id=view_id)
        tickets = queries.apply_filters(queries.visible(request.user), view.filters)
        rows, cursor = queries.page(tickets, cursor=request.query_params.get("cursor"),
                                    limit=pagination.limit(request.query_params.get("limit")))
        return Response({"view": view.name, "items": [ticket_summary(t) for t in rows], "next_cursor": cursor})
