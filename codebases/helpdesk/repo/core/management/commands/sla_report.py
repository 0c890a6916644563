"""`python manage.py sla_report [--org SLUG]`: breached and due-soon active tickets per
organisation, as JSON (for the on-call's morning check, or a cron that pages)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from accounts.models import Organization
from core import clock
from tickets import workflow


class Command(BaseCommand):
    help = "Report breached and soon-due active tickets per organisation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", help="one organisation's slug (default: all)")
        parser.add_argument("--soon-hours", type=int, default=2)

    def handle(self, *args, **options) -> None:
        now = clock.now()
        soon = now + timedelta(hours=options["soon_hours"])
        orgs = Organization.objects.order_by("slug")
        if options["org"]:
            orgs = orgs.filter(slug=options["org"])
        active = Q(tickets__status__in=workflow.ACTIVE)
        rows = orgs.annotate(
            breached=Count("tickets", filter=active & Q(tickets__due_at__lte=now)),
            due_soon=Count("tickets", filter=active & Q(tickets__due_at__gt=now, tickets__due_at__lte=soon)),
        )
        report = [{"org": o.slug, "breached": o.breached, "due_soon": o.due_soon} for o in rows]
        self.stdout.write(json.dumps({"as_of": now.isoformat(), "orgs": report}))
