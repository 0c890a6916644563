"""Comments on a ticket: customers see public ones only and write public ones only."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from core.errors import error
from core.views import TenantView

from . import pagination, services
from .models import Comment
from .serializers import CommentCreate, comment_out
from .views import find_ticket


class Comments(TenantView):
    def get(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        comments = Comment.objects.filter(ticket=ticket).select_related("author").order_by("id")
        if request.user.role == Role.CUSTOMER:
            comments = comments.filter(internal=False)
        after = pagination.decode(request.query_params.get("cursor"))
        if after is not None:
            comments = comments.filter(id__gt=after)
        limit = pagination.limit(request.query_params.get("limit"))
        rows = list(comments[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        return Response({"items": [comment_out(c) for c in rows],
                         "next_cursor": pagination.encode(rows[-1].id) if more and rows else None})

    def post(self, request: Request, number: int) -> Response:
        ticket = find_ticket(request.user, number)
        body = CommentCreate(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            comment = services.add_comment(request.user, ticket, body.validated_data["body"],
                                           body.validated_data["internal"])
        except services.NotAllowed as exc:
            return error("forbidden", str(exc), 403)
        return Response(comment_out(comment), status=201)
