"""`python manage.py cleanup`: delete what is kept only for a while: idempotency keys past
IDEMPOTENCY_TTL_HOURS, delivered webhook deliveries and read notifications older than --days."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from core import clock
from core.models import IdempotencyKey
from hooks.models import Delivery, DeliveryStatus
from notifications.models import Notification


class Command(BaseCommand):
    help = "Delete expired idempotency keys, old deliveries and old read notifications."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, **options) -> None:
        now = clock.now()
        old = now - timedelta(days=options["days"])
        keys, _ = IdempotencyKey.objects.filter(created_at__lt=now - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)).delete()
        deliveries, _ = Delivery.objects.filter(status=DeliveryStatus.DELIVERED, delivered_at__lt=old).delete()
        notes, _ = Notification.objects.filter(read_at__lt=old).delete()
        self.stdout.write(json.dumps({"idempotency_keys": keys, "deliveries": deliveries, "notifications": notes}))
