"""Invoices."""

from __future__ import annotations

from datetime import datetime

from .common import ApiModel


class InvoiceLineOut(ApiModel):
    id: int
    description: str
    quantity: int
    unit_price_cents: int
    tax_cents: int
    total_cents: int


class InvoiceOut(ApiModel):
    id: int
    order_id: int
    number: str
    status: str
    currency: str
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    issued_at: datetime
    due_at: datetime
    lines: list[InvoiceLineOut]
