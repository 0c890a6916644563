"""`python manage.py seed`: deterministic demo data, printed as JSON (organisations with the
ids and fresh API tokens of an admin, an agent and two customers each)."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import tokens
from accounts.models import Member, Organization, Role
from core import clock
from tickets import sla
from tickets.models import Comment, Priority, Status, Tag, Ticket, TicketTag

ORG_SLUGS = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]
TAGS = ["billing", "login", "bug", "feature", "refund", "mobile", "api", "urgent-care"]
SUBJECTS = ["Cannot log in", "Invoice is wrong", "App crashes on start", "Refund request", "Export fails",
            "Password reset mail missing", "Feature idea", "API returns 500", "Slow dashboard", "Wrong timezone"]


class Command(BaseCommand):
    help = "Create deterministic demo organisations, members, tickets and comments."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--orgs", type=int, default=2)
        parser.add_argument("--customers", type=int, default=6)
        parser.add_argument("--tickets", type=int, default=30, help="tickets per organisation")
        parser.add_argument("--comments", type=int, default=3, help="comments per ticket at most")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])
        out = []
        with transaction.atomic():
            for index in range(options["orgs"]):
                out.append(self.make_org(rng, index, options))
        self.stdout.write(json.dumps({"orgs": out}))

    def make_org(self, rng: random.Random, index: int, options: dict) -> dict:
        slug = ORG_SLUGS[index] if index < len(ORG_SLUGS) else f"org{index}"
        org = Organization.objects.create(slug=slug, name=slug.title() + " Inc.")
        admin = Member.objects.create(org=org, email=f"admin@{slug}.test", name=f"{slug.title()} Admin", role=Role.ADMIN)
        agents = [Member.objects.create(org=org, email=f"agent{i}@{slug}.test", name=f"Agent {i} of {slug}",
                                        role=Role.AGENT) for i in range(2)]
        customers = [Member.objects.create(org=org, email=f"customer{i}@{slug}.test", name=f"Customer {i}",
                                           company=f"Client {i % 3}", role=Role.CUSTOMER)
                     for i in range(max(2, options["customers"]))]
        tags = [Tag.objects.create(org=org, name=name) for name in TAGS]
        now = clock.now()
        tickets = []
        for number in range(1, options["tickets"] + 1):
            status = rng.choice(list(Status.values))
            ticket = Ticket(org=org, number=number, subject=rng.choice(SUBJECTS), description="Details follow.",
                            status=status, priority=rng.choice(list(Priority.values)),
                            requester=customers[(number - 1) % len(customers)],
                            assignee=rng.choice([None, *agents]))
            ticket.created_at = now - timedelta(minutes=10 * (options["tickets"] - number) + 5)
            sla.refresh(ticket)
            tickets.append(ticket)
        Ticket.objects.bulk_create(tickets, batch_size=1000)
        org.ticket_seq = options["tickets"]
        org.save(update_fields=["ticket_seq"])
        links, comments = [], []
        for ticket in tickets:
            for tag in rng.sample(tags, rng.randint(0, 3)):
                links.append(TicketTag(ticket=ticket, tag=tag))
            for n in range(rng.randint(0, options["comments"])):
                internal = n % 3 == 2
                author = rng.choice(agents) if internal or n % 2 else ticket.requester
                comments.append(Comment(ticket=ticket, author=author, body=f"Comment {n} on #{ticket.number}",
                                        internal=internal))
        TicketTag.objects.bulk_create(links, batch_size=2000)
        Comment.objects.bulk_create(comments, batch_size=2000)
        people = {"admin": admin, "agent": agents[0], "agent2": agents[1], "customer": customers[0],
                  "customer2": customers[1]}
        return {
            "slug": slug,
            "id": org.id,
            "members": {role: m.id for role, m in people.items()},
            "tokens": {role: tokens.issue(m, "seed")[1] for role, m in people.items()},
            "tickets": len(tickets),
        }
