"""Webhook endpoints (the API side) and delivering events to them (the worker side)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session

from ..clock import Clock, to_datetime
from ..errors import NotFound
from ..models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from ..repositories.messaging import DeliveryRepository, OutboxRepository, WebhookRepository
from ..schemas.webhooks import WebhookCreate, WebhookUpdate
from ..security import generate_webhook_secret, sign_payload
from ..settings import Settings
from .context import ServiceContext

log = logging.getLogger("app.webhooks")

USER_AGENT = "commerce-webhooks/1"


class WebhookService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.endpoints = WebhookRepository(ctx.session, ctx.tenant_id)

    def create(self, data: WebhookCreate) -> WebhookEndpoint:
        return self.endpoints.add(WebhookEndpoint(url=data.url, event_types=data.event_types,
                                                  secret=generate_webhook_secret(), active=True))

    def get(self, endpoint_id: int) -> WebhookEndpoint:
        endpoint = self.endpoints.get(endpoint_id)
        if endpoint is None:
            raise NotFound("webhook endpoint not found", details={"webhook_id": endpoint_id})
        return endpoint

    def list(self) -> list[WebhookEndpoint]:
        return self.endpoints.list()

    def update(self, endpoint_id: int, data: WebhookUpdate) -> WebhookEndpoint:
        endpoint = self.get(endpoint_id)
        for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
            setattr(endpoint, name, value)
        self.ctx.session.flush()
        return endpoint

    def delete(self, endpoint_id: int) -> None:
        self.endpoints.delete(self.get(endpoint_id))

    def deliveries(self, endpoint_id: int, limit: int, before_id: int | None) -> list[WebhookDelivery]:
        self.get(endpoint_id)
        return self.endpoints.deliveries(endpoint_id, limit, before_id)


def event_body(event: OutboxEvent) -> bytes:
    """What an endpoint receives: the event, as JSON."""
    document: dict[str, Any] = {
        "id": f"evt_{event.id}",
        "type": event.event_type,
        "created_at": event.created_at.isoformat(),
        "tenant_id": event.tenant_id,
        "data": event.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def backoff_seconds(settings: Settings, attempts: int) -> float:
    """Delay before attempt `attempts + 1`: exponential, capped."""
    return min(settings.webhook_backoff_max_seconds, settings.webhook_backoff_base_seconds * (2 ** (attempts - 1)))


class WebhookDeliverer:
    """Delivers one pending delivery: POST the signed event, record the outcome, schedule the
    next attempt on failure."""

    def __init__(self, session: Session, settings: Settings, clock: Clock,
                 http: httpx.Client | None = None) -> None:
        self.session = session
        self.settings = settings
        self.clock = clock
        self.http = http or httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False)

    def deliver(self, delivery_id: int) -> tuple[str, float | None]:
        """(outcome, seconds until the next attempt) where outcome is one of delivered,
        retry, failed, skipped (not pending, held by another worker, or not due yet)."""
        delivery = DeliveryRepository(self.session).claim(delivery_id)
        if delivery is None:
            return "skipped", None
        now = to_datetime(self.clock())
        if delivery.next_attempt_at > now:
            return "skipped", (delivery.next_attempt_at - now).total_seconds()
        endpoint = self.session.get(WebhookEndpoint, delivery.endpoint_id)
        event = OutboxRepository(self.session).get(delivery.event_id)
        if endpoint is None or event is None or not endpoint.active:
            delivery.status = "failed"
            delivery.last_error = "endpoint removed or disabled"
            return "failed", None
        body = event_body(event)
        timestamp = int(self.clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Commerce-Event": event.event_type,
            "X-Commerce-Event-Id": f"evt_{event.id}",
            "X-Commerce-Delivery": str(delivery.id),
            "X-Commerce-Signature": sign_payload(endpoint.secret, timestamp, body),
        }
        delivery.attempts += 1
        error: str | None = None
        status_code: int | None = None
        try:
            response = self.http.post(endpoint.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        delivery.last_status_code = status_code
        if error is None:
            delivery.status = "succeeded"
            delivery.delivered_at = to_datetime(self.clock())
            delivery.last_error = None
            log.info("webhook delivered", extra={"delivery_id": delivery.id, "endpoint_id": endpoint.id,
                                                 "event_type": event.event_type, "attempts": delivery.attempts})
            return "delivered", None
        delivery.last_error = error
        if delivery.attempts >= self.settings.webhook_max_attempts:
            delivery.status = "failed"
            log.warning("webhook delivery failed for good", extra={"delivery_id": delivery.id, "error": error,
                                                                  "attempts": delivery.attempts})
            return "failed", None
        delay = backoff_seconds(self.settings, delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        log.info("webhook delivery will be retried", extra={"delivery_id": delivery.id, "error": error,
                                                            "attempts": delivery.attempts, "delay": delay})
        return "retry", delay
