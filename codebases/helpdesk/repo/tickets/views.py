"""The tickets API: list and create, read and update one ticket."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from core import cache, idempotency
from core.errors import PreconditionFailed, error
from core.views import TenantView

from . import cachekeys, pagination, queries, services, workflow
from .models import Ticket
from .serializers import TicketCreate, TicketUpdate, ticket_detail, ticket_summary


def find_ticket(member, number: int) -> Ticket:
    """A ticket the member may see, by its number in their organisation (404 otherwise)."""
    ticket = queries.visible(member).filter(number=number).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def detail_of(ticket: Ticket) -> dict[str, Any]:
    """The ticket's full representation (what the cache holds)."""
    ticket = (Ticket.objects.select_related("requester", "assignee").prefetch_related("tags").get(id=ticket.id))
    return cache.plain(ticket_detail(ticket, public_comments=ticket.comments.filter(internal=False).count(),
                                     attachments=ticket.attachments.count()))


def etag(version: int) -> str:
    return f'"v{version}"'


class TicketList(TenantView):
    def get(self, request: Request) -> Response:
        filters = {k: request.query_params[k] for k in queries.FILTERS if request.query_params.get(k)}
        try:
            tickets = queries.apply_filters(queries.visible(request.user), filters)
        except ValueError:
            return error("invalid", "assignee and requester filters take member ids.", 422)
        rows, cursor = queries.page(tickets, cursor=request.query_params.get("cursor"),
                                    limit=pagination.limit(request.query_params.get("limit")))
        return Response({"items": [ticket_summary(t) for t in rows], "next_cursor": cursor})

    def post(self, request: Request) -> Response:
        return idempotency.run_once(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        body = TicketCreate(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            ticket = services.create_ticket(request.user, body.validated_data)
        except services.NotAllowed as exc:
            return error("forbidden", str(exc), 403)
        response = Response(detail_of(ticket), status=201)
        response["Location"] = f"/v1/tickets/{ticket.number}"
        return response


class TicketDetail(TenantView):
    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body, hit = cache.get_or_set(cachekeys.ticket(ticket.org_id, ticket.number), lambda: detail_of(ticket))
        response = Response(body)
        response["X-Cache"] = "hit" if hit else "miss"
        response["ETag"] = etag(body["version"])
        return response

    def patch(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = TicketUpdate(data=request.data)
        body.is_valid(raise_exception=True)
        expected = None
        if_match = request.headers.get("If-Match")
        if if_match:
            try:
                expected = int(if_match.strip('"').lstrip("v"))
            except ValueError:
                return error("invalid", "If-Match takes an ETag this API gave out.", 422)
            if expected != ticket.version:
                raise PreconditionFailed(f"The ticket is at version {ticket.version}.")
        try:
            ticket = services.update_ticket(request.user, ticket, body.validated_data, expected_version=expected)
        except workflow.TransitionError as exc:
            return error("invalid_transition", str(exc), 409)
        except services.NotAllowed as exc:
            return error("forbidden", str(exc), 403)
        response = Response(detail_of(ticket))
        response["ETag"] = etag(ticket.version)
        return response

    def delete(self, request: Request, number: int) -> Response:
        if request.user.role != Role.ADMIN:
            return error("forbidden", "Only admins delete tickets.", 403)
        ticket = find_ticket(request.user, number)
        services.forget(ticket)
        ticket.delete()
        return Response(status=204)
