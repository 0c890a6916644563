"""CSV export of the organisation's tickets for admins, streamed in id order so that a large
export neither holds every row in memory nor times out before the first byte."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from rest_framework.request import Request

from accounts.permissions import IsAdmin
from core.views import TenantView

from . import queries
from .models import Ticket

COLUMNS = ["number", "subject", "status", "priority", "requester_email", "assignee_email", "created_at", "due_at",
           "resolved_at"]
CHUNK = 500


class _Echo:
    def write(self, value: str) -> str:
        return value


def rows(org_id: int, filters: dict) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    tickets = queries.apply_filters(Ticket.objects.filter(org_id=org_id), filters)
    last = 0
    while True:
        chunk = list(tickets.filter(id__gt=last).select_related("requester", "assignee").order_by("id")[:CHUNK])
        if not chunk:
            return
        for t in chunk:
            yield writer.writerow([t.number, t.subject, t.status, t.priority, t.requester.email,
                                   t.assignee.email if t.assignee else "", t.created_at.isoformat(),
                                   t.due_at.isoformat() if t.due_at else "",
                                   t.resolved_at.isoformat() if t.resolved_at else ""])
        last = chunk[-1].id


class ExportTickets(TenantView):
    permission_classes = [IsAdmin]

    def get(self, request: Request) -> StreamingHttpResponse:
        filters = {k: request.query_params[k] for k in queries.FILTERS if request.query_params.get(k)}
        response = StreamingHttpResponse(rows(self.org_id, filters), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
        return response
