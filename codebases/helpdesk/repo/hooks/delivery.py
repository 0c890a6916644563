"""Sending deliveries (the worker's job). A delivery is claimed with FOR UPDATE SKIP LOCKED so
that several workers never send the same one; a 2xx marks it delivered; anything else (an
error status, a refused connection, a timeout) schedules a retry with exponential backoff until
WEBHOOK_MAX_ATTEMPTS, then it is failed."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction

from core import clock

from . import signing
from .models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * (2 ** max(0, attempts - 1)))


def post(delivery: Delivery) -> httpx.Response:
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Helpdesk-Event": delivery.event,
        "X-Helpdesk-Delivery": str(delivery.id),
        "X-Helpdesk-Event-Id": str(delivery.event_id),
        "X-Helpdesk-Signature": signing.sign(delivery.webhook.secret, body),
    }
    with httpx.Client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False) as client:
        return client.post(delivery.webhook.url, content=body, headers=headers)


def record_failure(delivery: Delivery, reason: str, status: int | None = None) -> None:
    delivery.attempts += 1
    delivery.last_error = reason[:2000]
    delivery.response_status = status
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        log.error("webhook delivery failed for good", extra={"delivery_id": delivery.id, "error": reason})
    else:
        delivery.next_attempt_at = clock.now() + backoff(delivery.attempts)
        log.warning("webhook delivery will be retried",
                    extra={"delivery_id": delivery.id, "attempts": delivery.attempts, "error": reason})
    delivery.save(update_fields=["attempts", "last_error", "response_status", "status", "next_attempt_at"])


def record_success(delivery: Delivery, status: int) -> None:
    delivery.attempts += 1
    delivery.status = DeliveryStatus.DELIVERED
    delivery.response_status = status
    delivery.delivered_at = clock.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "status", "response_status", "delivered_at", "last_error"])
    log.info("webhook delivered", extra={"delivery_id": delivery.id, "event": delivery.event})


def send_one(delivery: Delivery) -> bool:
    """Attempt one delivery (already claimed); True when the receiver accepted it."""
    try:
        response = post(delivery)
    except httpx.TimeoutException:
        record_failure(delivery, f"timed out after {settings.WEBHOOK_TIMEOUT_SECONDS:g} s")
        return False
    except httpx.HTTPError as exc:
        record_failure(delivery, f"{type(exc).__name__}: {exc}")
        return False
    if 200 <= response.status_code < 300:
        record_success(delivery, response.status_code)
        return True
    record_failure(delivery, f"receiver answered {response.status_code}", response.status_code)
    return False


def send_due(limit: int | None = None) -> int:
    """Send up to `limit` due deliveries, each claimed in a transaction of its own; how many
    were attempted."""
    attempted = 0
    for _ in range(limit or settings.WORKER_BATCH):
        with transaction.atomic():
            delivery = (Delivery.objects.select_for_update(skip_locked=True).select_related("webhook")
                        .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=clock.now())
                        .order_by("next_attempt_at", "id").first())
            if delivery is None:
                break
            send_one(delivery)
            attempted += 1
    return attempted
