"""Invoices: one per paid order, numbered per tenant without gaps or duplicates."""

from __future__ import annotations

import logging
from datetime import timedelta

from ..errors import InvalidState, NotFound
from ..models import Invoice, InvoiceLine
from ..pagination import decode_cursor, encode_cursor
from ..repositories.billing import InvoiceRepository
from ..repositories.orders import OrderRepository
from ..repositories.tenants import TenantRepository
from . import outbox
from .context import ServiceContext

log = logging.getLogger("app.billing")

PAYMENT_TERMS = timedelta(days=30)


def format_invoice_number(seq: int) -> str:
    return f"INV-{seq:06d}"


class BillingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.invoices = InvoiceRepository(ctx.session, ctx.tenant_id)

    def get(self, invoice_id: int) -> Invoice:
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise NotFound("invoice not found", details={"invoice_id": invoice_id})
        return invoice

    def for_order(self, order_id: int) -> Invoice:
        invoice = self.invoices.for_order(order_id)
        if invoice is None:
            raise NotFound("the order has no invoice yet", details={"order_id": order_id})
        return invoice

    def list(self, *, limit: int, cursor: str | None) -> tuple[list[Invoice], str | None]:
        before_id = decode_cursor(cursor, int)[0] if cursor else None
        rows = self.invoices.list(limit=limit + 1, before_id=before_id)
        page = rows[:limit]
        return page, (encode_cursor(page[-1].id) if len(rows) > limit and page else None)

    def generate_for_order(self, order_id: int) -> tuple[Invoice, bool]:
        """The order's invoice, issued now if it has none (and whether it was). Safe to call
        twice, or from two workers at once: the order row is locked first."""
        orders = OrderRepository(self.ctx.session, self.ctx.tenant_id)
        order = orders.get_for_update(order_id)
        if order is None:
            raise NotFound("order not found", details={"order_id": order_id})
        existing = self.invoices.for_order(order_id)
        if existing is not None:
            return existing, False
        if order.paid_at is None:
            raise InvalidState("only paid orders are invoiced", details={"status": order.status})
        seq = TenantRepository(self.ctx.session).next_invoice_number(self.ctx.tenant_id)
        now = self.ctx.now()
        invoice = Invoice(
            order_id=order.id, number=format_invoice_number(seq),
            status="void" if order.status == "cancelled" else "paid", currency=order.currency,
            subtotal_cents=order.subtotal_cents, tax_cents=order.tax_cents, total_cents=order.total_cents,
            issued_at=now, due_at=now + PAYMENT_TERMS,
        )
        for item in orders.get(order_id).items:  # type: ignore[union-attr]
            invoice.lines.append(InvoiceLine(
                description=f"{item.name} ({item.sku})", quantity=item.quantity,
                unit_price_cents=item.unit_price_cents, tax_cents=item.tax_cents,
                total_cents=item.line_total_cents + item.tax_cents))
        self.invoices.add(invoice)
        outbox.emit(self.ctx, "invoice.issued", "invoice", invoice.id,
                    {"invoice_id": invoice.id, "order_id": order.id, "number": invoice.number,
                     "total_cents": invoice.total_cents, "currency": invoice.currency})
        log.info("invoice issued", extra={"invoice_id": invoice.id, "order_id": order.id, "number": invoice.number})
        return invoice, True
