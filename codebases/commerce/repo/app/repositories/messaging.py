"""The outbox, webhooks, e-mails and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ..models import EmailMessage, IdempotencyKey, OutboxEvent, WebhookDelivery, WebhookEndpoint
from .base import TenantScoped


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, event: OutboxEvent) -> OutboxEvent:
        self.session.add(event)
        self.session.flush()
        return event

    def claim_unpublished(self, limit: int) -> list[OutboxEvent]:
        """The oldest unpublished events, locked for this transaction; events another relay
        holds are skipped, so relays can run side by side."""
        return list(self.session.scalars(
            select(OutboxEvent).where(OutboxEvent.published_at.is_(None)).order_by(OutboxEvent.id)
            .limit(limit).with_for_update(skip_locked=True)))

    def mark_published(self, event_ids: list[int], when: datetime) -> None:
        if event_ids:
            self.session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(event_ids))
                                 .values(published_at=when).execution_options(synchronize_session=False))

    def get(self, event_id: int) -> OutboxEvent | None:
        return self.session.get(OutboxEvent, event_id)


class WebhookRepository(TenantScoped):
    def get(self, endpoint_id: int) -> WebhookEndpoint | None:
        return self.session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id,
                                                                 WebhookEndpoint.tenant_id == self.tenant_id))

    def list(self) -> list[WebhookEndpoint]:
        return list(self.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == self.tenant_id)
                                         .order_by(WebhookEndpoint.id)))

    def subscribed(self, event_type: str) -> list[WebhookEndpoint]:
        return list(self.session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == self.tenant_id,
                                          WebhookEndpoint.active.is_(True),
                                          WebhookEndpoint.event_types.any(event_type))
            .order_by(WebhookEndpoint.id)))

    def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        endpoint.tenant_id = self.tenant_id
        self.session.add(endpoint)
        self.session.flush()
        return endpoint

    def delete(self, endpoint: WebhookEndpoint) -> None:
        self.session.delete(endpoint)
        self.session.flush()

    def deliveries(self, endpoint_id: int, limit: int, before_id: int | None = None) -> list[WebhookDelivery]:
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id,
                                             WebhookDelivery.tenant_id == self.tenant_id)
        if before_id is not None:
            stmt = stmt.where(WebhookDelivery.id < before_id)
        return list(self.session.scalars(stmt.order_by(WebhookDelivery.id.desc()).limit(limit)))

    def create_delivery(self, endpoint_id: int, event_id: int, when: datetime) -> int | None:
        """A pending delivery of the event to the endpoint; None when one already exists (the
        relay saw this event before)."""
        return self.session.execute(
            insert(WebhookDelivery)
            .values(tenant_id=self.tenant_id, endpoint_id=endpoint_id, event_id=event_id, status="pending",
                    attempts=0, next_attempt_at=when)
            .on_conflict_do_nothing(index_elements=["endpoint_id", "event_id"])
            .returning(WebhookDelivery.id)
        ).scalar()


class DeliveryRepository:
    """Deliveries as the worker sees them (any tenant)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, delivery_id: int) -> WebhookDelivery | None:
        """The delivery, locked, if it is still pending and no other worker holds it."""
        return self.session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
            .with_for_update(skip_locked=True))

    def due(self, now: datetime, limit: int) -> list[int]:
        return list(self.session.scalars(
            select(WebhookDelivery.id).where(WebhookDelivery.status == "pending",
                                             WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at).limit(limit)))


class EmailRepository(TenantScoped):
    def add_once(self, *, to_address: str, template: str, subject: str, body: str, dedupe_key: str,
                 when: datetime) -> int | None:
        """Store (send) the message unless one with the same dedupe key exists."""
        return self.session.execute(
            insert(EmailMessage)
            .values(tenant_id=self.tenant_id, to_address=to_address, template=template, subject=subject, body=body,
                    dedupe_key=dedupe_key, status="sent", sent_at=when)
            .on_conflict_do_nothing(index_elements=["tenant_id", "dedupe_key"])
            .returning(EmailMessage.id)
        ).scalar()


class IdempotencyRepository(TenantScoped):
    def claim(self, *, key: str, method: str, path: str, request_hash: str) -> int | None:
        """Insert the key; its id when this request owns it, None when it exists. A concurrent
        request with the same key waits here until the first one's transaction ends."""
        return self.session.execute(
            insert(IdempotencyKey)
            .values(tenant_id=self.tenant_id, key=key, method=method, path=path, request_hash=request_hash)
            .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
            .returning(IdempotencyKey.id)
        ).scalar()

    def get(self, key: str) -> IdempotencyKey | None:
        return self.session.scalar(select(IdempotencyKey).where(IdempotencyKey.tenant_id == self.tenant_id,
                                                                IdempotencyKey.key == key))

    def store_response(self, record_id: int, status_code: int, body: Any) -> None:
        self.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == record_id)
                             .values(status_code=status_code, response_body=body))


def delete_idempotency_keys_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return result.rowcount or 0
