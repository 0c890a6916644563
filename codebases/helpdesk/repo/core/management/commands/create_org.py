"""`python manage.py create_org SLUG NAME ADMIN_EMAIL`: the operators' CLI twin of
POST /admin/organizations, for the first organisation of a fresh install. Prints the admin's
token once (JSON)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from accounts import tokens
from accounts.models import Member, Organization, Role


class Command(BaseCommand):
    help = "Create an organisation with its first admin and print the admin's API token."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("admin_email")
        parser.add_argument("--admin-name", default="Administrator")
        parser.add_argument("--plan", default="standard", choices=["free", "standard", "enterprise"])

    def handle(self, *args, **options) -> None:
        try:
            with transaction.atomic():
                org = Organization.objects.create(slug=options["slug"], name=options["name"], plan=options["plan"])
                admin = Member.objects.create(org=org, email=options["admin_email"].lower(),
                                              name=options["admin_name"], role=Role.ADMIN)
                _, plain = tokens.issue(admin, "bootstrap")
        except IntegrityError:
            raise CommandError(f"an organisation '{options['slug']}' exists already")
        self.stdout.write(json.dumps({"org_id": org.id, "admin_id": admin.id, "token": plain}))
