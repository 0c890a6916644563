"""Webhook endpoints and their deliveries."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from .common import ApiModel, StrictInput

EVENT_TYPES = (
    "order.created",
    "order.paid",
    "order.shipped",
    "order.cancelled",
    "order.refunded",
    "refund.created",
    "invoice.issued",
)


class WebhookCreate(StrictInput):
    url: str = Field(min_length=8, max_length=500)
    event_types: list[str] = Field(min_length=1, max_length=len(EVENT_TYPES))

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("url must be an http:// or https:// URL")
        return value

    @field_validator("event_types")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types: {', '.join(unknown)}")
        return sorted(set(value))


class WebhookUpdate(StrictInput):
    active: bool | None = None
    event_types: list[str] | None = Field(default=None, min_length=1)

    @field_validator("event_types")
    @classmethod
    def _known_events(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types: {', '.join(unknown)}")
        return sorted(set(value))


class WebhookOut(ApiModel):
    id: int
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str


class DeliveryOut(ApiModel):
    id: int
    endpoint_id: int
    event_id: int
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime
