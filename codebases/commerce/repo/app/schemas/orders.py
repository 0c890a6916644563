"""Orders, payments, refunds."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ApiModel, StrictInput


class OrderItemIn(StrictInput):
    product_id: int
    quantity: int = Field(ge=1, le=1000)


class OrderCreate(StrictInput):
    customer_id: int
    items: list[OrderItemIn] = Field(min_length=1, max_length=100)
    notes: str | None = Field(default=None, max_length=2000)


class OrderItemOut(ApiModel):
    id: int
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price_cents: int
    tax_rate_bp: int
    tax_cents: int
    line_total_cents: int


class OrderOut(ApiModel):
    id: int
    customer_id: int
    customer_name: str
    status: str
    currency: str
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    paid_cents: int
    refunded_cents: int
    notes: str | None
    cancel_reason: str | None
    tracking_number: str | None
    items: list[OrderItemOut]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None
    paid_at: datetime | None
    shipped_at: datetime | None
    cancelled_at: datetime | None


class OrderEventOut(ApiModel):
    id: int
    from_status: str | None
    to_status: str
    note: str | None
    actor: str
    created_at: datetime


class PaymentCreate(StrictInput):
    # a card token from the payment form; tokens starting with "tok_decline" are declined
    method: str = Field(min_length=3, max_length=32, pattern=r"^[a-z0-9_]+$")
    # defaults to the order's total; partial payments are not supported
    amount_cents: int | None = Field(default=None, gt=0)


class PaymentOut(ApiModel):
    id: int
    order_id: int
    amount_cents: int
    currency: str
    method: str
    status: str
    failure_reason: str | None
    provider_ref: str
    created_at: datetime


class RefundCreate(StrictInput):
    amount_cents: int = Field(gt=0)
    reason: str | None = Field(default=None, max_length=200)


class RefundOut(ApiModel):
    id: int
    order_id: int
    payment_id: int
    amount_cents: int
    reason: str | None
    created_at: datetime


class ShipRequest(StrictInput):
    tracking_number: str = Field(min_length=1, max_length=64)


class CancelRequest(StrictInput):
    reason: str = Field(default="customer_request", min_length=1, max_length=64)
