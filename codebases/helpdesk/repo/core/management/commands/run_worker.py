"""`python manage.py run_worker [--once]`: the background worker (core.worker)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from core.worker import Worker


class Command(BaseCommand):
    help = "Send webhook deliveries and escalate breached tickets."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="work until nothing is due, then exit")

    def handle(self, *args, **options) -> None:
        worker = Worker(settings.WORKER_POLL_SECONDS, settings.WORKER_BATCH)
        if options["once"]:
            self.stdout.write(json.dumps({"done": worker.run_once()}))
            return
        worker.install_signals()
        worker.run()
