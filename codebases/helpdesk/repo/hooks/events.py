"""Emit an event: one pending delivery per active webhook of the organisation subscribed to it,
in the caller's transaction (nothing is sent if the change rolls back)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
import json

from core import clock

from .models import Delivery, Webhook


def emit(org_id: int, event: str, data: dict[str, Any]) -> int:
    """Queue `event` for the org's webhooks; the number of deliveries queued."""
    hooks = [h for h in Webhook.objects.filter(org_id=org_id, is_active=True) if event in h.events]
    if not hooks:
        return 0
    event_id = uuid.uuid4()
    payload = json.loads(json.dumps({"id": str(event_id), "type": event, "data": data}, cls=DjangoJSONEncoder))
    now = clock.now()
    Delivery.objects.bulk_create(
        Delivery(webhook=h, event=event, event_id=event_id, payload=payload, next_attempt_at=now) for h in hooks
    )
    return len(hooks)
