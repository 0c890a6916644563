"""Payments, refunds and invoices."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..models import Invoice, Payment, Refund
from .base import TenantScoped


class PaymentRepository(TenantScoped):
    def for_order(self, order_id: int) -> list[Payment]:
        return list(self.session.scalars(
            select(Payment).where(Payment.order_id == order_id, Payment.tenant_id == self.tenant_id)
            .order_by(Payment.id)))

    def succeeded_for_order(self, order_id: int) -> Payment | None:
        return self.session.scalar(
            select(Payment).where(Payment.order_id == order_id, Payment.tenant_id == self.tenant_id,
                                  Payment.status == "succeeded").order_by(Payment.id.desc()).limit(1))

    def add(self, payment: Payment) -> Payment:
        payment.tenant_id = self.tenant_id
        self.session.add(payment)
        self.session.flush()
        return payment


class RefundRepository(TenantScoped):
    def for_order(self, order_id: int) -> list[Refund]:
        return list(self.session.scalars(
            select(Refund).where(Refund.order_id == order_id, Refund.tenant_id == self.tenant_id).order_by(Refund.id)))

    def total_for_order(self, order_id: int) -> int:
        return int(self.session.scalar(
            select(func.coalesce(func.sum(Refund.amount_cents), 0))
            .where(Refund.order_id == order_id, Refund.tenant_id == self.tenant_id)) or 0)

    def add(self, refund: Refund) -> Refund:
        refund.tenant_id = self.tenant_id
        self.session.add(refund)
        self.session.flush()
        return refund


class InvoiceRepository(TenantScoped):
    def get(self, invoice_id: int) -> Invoice | None:
        return self.session.scalar(
            select(Invoice).options(selectinload(Invoice.lines))
            .where(Invoice.id == invoice_id, Invoice.tenant_id == self.tenant_id))

    def for_order(self, order_id: int) -> Invoice | None:
        return self.session.scalar(
            select(Invoice).options(selectinload(Invoice.lines))
            .where(Invoice.order_id == order_id, Invoice.tenant_id == self.tenant_id))

    def list(self, *, limit: int, before_id: int | None = None) -> list[Invoice]:
        stmt = select(Invoice).options(selectinload(Invoice.lines)).where(Invoice.tenant_id == self.tenant_id)
        if before_id is not None:
            stmt = stmt.where(Invoice.id < before_id)
        return list(self.session.scalars(stmt.order_by(Invoice.id.desc()).limit(limit)))

    def add(self, invoice: Invoice) -> Invoice:
        invoice.tenant_id = self.tenant_id
        self.session.add(invoice)
        self.session.flush()
        return invoice
