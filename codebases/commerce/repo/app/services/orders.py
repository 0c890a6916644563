"""Orders: placing them, paying, shipping, cancelling, refunding.

Every state change locks the order row first (`SELECT ... FOR UPDATE`), checks the state
machine, changes what it must (stock, payments, refunds) and writes an outbox event, all in
the caller's transaction.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta

from .. import metrics
from ..errors import InvalidState, NotFound, Unprocessable
from ..models import Order, OrderEvent, OrderItem, Payment, Refund
from ..pagination import decode_cursor, encode_cursor
from ..repositories.billing import InvoiceRepository, PaymentRepository, RefundRepository
from ..repositories.catalog import ProductRepository
from ..repositories.customers import CustomerRepository
from ..repositories.orders import OrderRepository
from ..schemas.orders import OrderCreate, PaymentCreate, RefundCreate
from . import outbox
from .context import ServiceContext
from .inventory import InventoryService
from .order_state import REFUNDABLE, ensure_transition
from .pricing import price_order

log = logging.getLogger("app.orders")

DECLINE_PREFIX = "tok_decline"


class OrderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.session = ctx.session
        self.orders = OrderRepository(ctx.session, ctx.tenant_id)
        self.inventory = InventoryService(ctx)

    # --- reads ------------------------------------------------------------------------------

    def get(self, order_id: int) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise NotFound("order not found", details={"order_id": order_id})
        return order

    def list(self, *, limit: int, cursor: str | None, status: str | None = None,
             customer_id: int | None = None) -> tuple[list[Order], str | None]:
        before = decode_cursor(cursor, datetime, int) if cursor else None
        rows = self.orders.list(limit=limit + 1, before=before, status=status, customer_id=customer_id)
        page = rows[:limit]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(rows) > limit and page else None
        return page, next_cursor

    def events(self, order_id: int) -> list[OrderEvent]:
        self.get(order_id)
        return self.orders.events(order_id)

    # --- placing an order -------------------------------------------------------------------

    def create(self, data: OrderCreate) -> Order:
        customer = CustomerRepository(self.session, self.ctx.tenant_id).get(data.customer_id)
        if customer is None:
            raise NotFound("customer not found", details={"customer_id": data.customer_id})
        quantities: OrderedDict[int, int] = OrderedDict()
        for item in data.items:
            quantities[item.product_id] = quantities.get(item.product_id, 0) + item.quantity
        products = ProductRepository(self.session, self.ctx.tenant_id).get_many(quantities)
        missing = [pid for pid in quantities if pid not in products]
        if missing:
            raise Unprocessable("unknown products", details={"product_ids": missing})
        inactive = [pid for pid in quantities if not products[pid].active]
        if inactive:
            raise Unprocessable("products are not for sale", details={"product_ids": inactive})

        tenant = self.ctx.tenant
        priced = price_order([(products[pid], qty) for pid, qty in quantities.items()], tenant.tax_rate_bp)
        now = self.ctx.now()
        order = self.orders.add(Order(
            customer_id=customer.id, status="pending", currency=tenant.currency,
            subtotal_cents=priced.subtotal_cents, tax_cents=priced.tax_cents, total_cents=priced.total_cents,
            paid_cents=0, refunded_cents=0, notes=data.notes,
            expires_at=now + timedelta(seconds=self.ctx.settings.reservation_ttl_seconds),
        ))
        for line in priced.lines:
            order.items.append(OrderItem(
                product_id=line.product.id, sku=line.product.sku, name=line.product.name, quantity=line.quantity,
                unit_price_cents=line.unit_price_cents, tax_rate_bp=line.tax_rate_bp, tax_cents=line.tax_cents,
                line_total_cents=line.line_total_cents))
        self.session.flush()
        # lock stock rows in one global order (by product id): two orders for the same
        # products never wait on each other in a cycle
        for product_id in sorted(quantities):
            self.inventory.reserve(order, product_id, quantities[product_id])
        self._record(order, None, "pending", "order placed")
        outbox.emit(self.ctx, "order.created", "order", order.id, outbox.order_payload(order))
        self.ctx.after_commit(metrics.ORDERS_CREATED.inc)
        log.info("order placed", extra={"order_id": order.id, "total_cents": order.total_cents,
                                        "lines": len(priced.lines)})
        return order

    # --- state changes ----------------------------------------------------------------------

    def _locked(self, order_id: int) -> Order:
        order = self.orders.get_for_update(order_id)
        if order is None:
            raise NotFound("order not found", details={"order_id": order_id})
        return order

    def _record(self, order: Order, from_status: str | None, to_status: str, note: str | None = None) -> None:
        self.session.add(OrderEvent(order_id=order.id, tenant_id=self.ctx.tenant_id, from_status=from_status,
                                    to_status=to_status, note=note, actor=self.ctx.actor))
        if from_status is not None:
            self.ctx.after_commit(lambda: metrics.ORDER_TRANSITIONS.inc(status=to_status))

    def _transition(self, order: Order, target: str, note: str | None = None) -> None:
        ensure_transition(order.status, target)
        previous = order.status
        order.status = target
        self._record(order, previous, target, note)

    def pay(self, order_id: int, data: PaymentCreate) -> Payment:
        """Charge the order's total. A declined card gives a failed payment (and the order stays
        pending); the caller decides what to answer."""
        order = self._locked(order_id)
        if order.status != "pending":
            raise InvalidState(f"order is {order.status}", details={"status": order.status})
        now = self.ctx.now()
        if order.expires_at is not None and order.expires_at <= now:
            raise InvalidState("order has expired", details={"status": order.status,
                                                             "expires_at": order.expires_at.isoformat()})
        amount = data.amount_cents if data.amount_cents is not None else order.total_cents
        if amount != order.total_cents:
            raise Unprocessable("amount must equal the order total",
                                details={"amount_cents": amount, "total_cents": order.total_cents})
        declined = data.method.startswith(DECLINE_PREFIX)
        payment = PaymentRepository(self.session, self.ctx.tenant_id).add(Payment(
            order_id=order.id, amount_cents=amount, currency=order.currency, method=data.method,
            status="failed" if declined else "succeeded",
            failure_reason="card_declined" if declined else None,
            provider_ref=_provider_ref(order.id),
        ))
        if declined:
            self.ctx.after_commit(lambda: metrics.PAYMENTS.inc(outcome="declined"))
            log.info("payment declined", extra={"order_id": order.id, "payment_id": payment.id})
            return payment
        self._transition(order, "paid", f"payment {payment.id}")
        order.paid_cents = amount
        order.paid_at = now
        order.expires_at = None
        self.inventory.commit_reservations(order)
        outbox.emit(self.ctx, "order.paid", "order", order.id,
                    {**outbox.order_payload(order), "payment_id": payment.id})
        self.ctx.after_commit(lambda: metrics.PAYMENTS.inc(outcome="succeeded"))
        log.info("order paid", extra={"order_id": order.id, "payment_id": payment.id, "amount_cents": amount})
        return payment

    def ship(self, order_id: int, tracking_number: str) -> Order:
        order = self._locked(order_id)
        self._transition(order, "shipped", f"tracking {tracking_number}")
        order.tracking_number = tracking_number
        order.shipped_at = self.ctx.now()
        outbox.emit(self.ctx, "order.shipped", "order", order.id,
                    {**outbox.order_payload(order), "tracking_number": tracking_number})
        return order

    def cancel(self, order_id: int, reason: str, *, expired: bool = False) -> Order:
        """Cancel a pending order (its stock is released) or a paid one that has not shipped
        (refunded in full, its stock put back)."""
        order = self._locked(order_id)
        previous = order.status
        self._transition(order, "cancelled", reason)
        order.cancel_reason = reason
        order.cancelled_at = self.ctx.now()
        order.expires_at = None
        if previous == "pending":
            self.inventory.release_reservations(order, "expired" if expired else "released")
        else:
            outstanding = order.paid_cents - order.refunded_cents
            if outstanding > 0:
                self._refund(order, outstanding, f"order cancelled: {reason}")
            self.inventory.restock(order)
            invoice = InvoiceRepository(self.session, self.ctx.tenant_id).for_order(order.id)
            if invoice is not None:
                invoice.status = "void"
        outbox.emit(self.ctx, "order.cancelled", "order", order.id,
                    {**outbox.order_payload(order), "reason": reason})
        return order

    def refund(self, order_id: int, data: RefundCreate) -> Refund:
        order = self._locked(order_id)
        if order.status not in REFUNDABLE:
            raise InvalidState(f"an order that is {order.status} cannot be refunded", details={"status": order.status})
        refundable = order.paid_cents - order.refunded_cents
        if data.amount_cents > refundable:
            raise Unprocessable("refund exceeds what was paid and not yet refunded",
                                details={"amount_cents": data.amount_cents, "refundable_cents": refundable})
        refund = self._refund(order, data.amount_cents, data.reason)
        if order.refunded_cents == order.paid_cents:
            self._transition(order, "refunded", "refunded in full")
            outbox.emit(self.ctx, "order.refunded", "order", order.id, outbox.order_payload(order))
        return refund

    def _refund(self, order: Order, amount: int, reason: str | None) -> Refund:
        payment = PaymentRepository(self.session, self.ctx.tenant_id).succeeded_for_order(order.id)
        if payment is None:
            raise InvalidState("the order has no successful payment to refund")
        refund = RefundRepository(self.session, self.ctx.tenant_id).add(
            Refund(order_id=order.id, payment_id=payment.id, amount_cents=amount, reason=reason))
        order.refunded_cents += amount
        self.session.flush()
        outbox.emit(self.ctx, "refund.created", "order", order.id,
                    {"order_id": order.id, "refund_id": refund.id, "amount_cents": amount,
                     "refunded_cents": order.refunded_cents, "currency": order.currency})
        self.ctx.after_commit(lambda: metrics.REFUNDED_CENTS.inc(amount))
        return refund

    def payments(self, order_id: int) -> list[Payment]:
        self.get(order_id)
        return PaymentRepository(self.session, self.ctx.tenant_id).for_order(order_id)

    def refunds(self, order_id: int) -> list[Refund]:
        self.get(order_id)
        return RefundRepository(self.session, self.ctx.tenant_id).for_order(order_id)


def _provider_ref(order_id: int) -> str:
    return "pay_" + hashlib.sha256(f"{order_id}:{uuid.uuid4()}".encode()).hexdigest()[:24]
