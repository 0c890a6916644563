"""Orders and the money that moves with them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import context_for, staff, viewer
from ..errors import BadRequest, error_body
from ..models import Order
from ..pagination import PageParams, page_params
from ..schemas.billing import InvoiceOut
from ..schemas.common import Page
from ..schemas.orders import (CancelRequest, OrderCreate, OrderEventOut, OrderItemOut, OrderOut, PaymentCreate,
                              PaymentOut, RefundCreate, RefundOut, ShipRequest)
from ..services.auth import Principal
from ..services.billing import BillingService
from ..services.idempotency import run_idempotent
from ..services.orders import OrderService

router = APIRouter(prefix="/v1/orders", tags=["orders"])

OrderStatus = Literal["pending", "paid", "shipped", "cancelled", "refunded"]


def order_out(order: Order) -> OrderOut:
    return OrderOut(
        id=order.id, customer_id=order.customer_id, customer_name=order.customer.name, status=order.status,
        currency=order.currency, subtotal_cents=order.subtotal_cents, tax_cents=order.tax_cents,
        total_cents=order.total_cents, paid_cents=order.paid_cents, refunded_cents=order.refunded_cents,
        notes=order.notes, cancel_reason=order.cancel_reason, tracking_number=order.tracking_number,
        items=[OrderItemOut.model_validate(item) for item in order.items],
        created_at=order.created_at, updated_at=order.updated_at, expires_at=order.expires_at,
        paid_at=order.paid_at, shipped_at=order.shipped_at, cancelled_at=order.cancelled_at,
    )


def _require_key(key: str | None) -> str:
    if not key:
        raise BadRequest("this request needs an Idempotency-Key header", details={"header": "Idempotency-Key"})
    return key


@router.post("", status_code=201, response_model=OrderOut)
def create_order(data: OrderCreate, request: Request, principal: Principal = Depends(staff),
                 db: Session = Depends(get_db),
                 idempotency_key: str | None = Header(default=None)) -> JSONResponse:
    ctx = context_for(request, db, principal)
    service = OrderService(ctx)

    def action():
        order = service.create(data)
        db.flush()
        db.refresh(order)
        return 201, order_out(order)

    return run_idempotent(ctx, key=idempotency_key, method="POST", path=request.url.path,
                          body=data.model_dump(mode="json"), action=action)


@router.get("", response_model=Page[OrderOut])
def list_orders(request: Request, page: PageParams = Depends(page_params),
                status: OrderStatus | None = Query(default=None), customer_id: int | None = Query(default=None),
                principal: Principal = Depends(viewer), db: Session = Depends(get_db)):
    orders, next_cursor = OrderService(context_for(request, db, principal)).list(
        limit=page.limit, cursor=page.cursor, status=status, customer_id=customer_id)
    return {"items": [order_out(o) for o in orders], "next_cursor": next_cursor}


@router.get("/{order_id}", response_model=OrderOut)
def get_order(order_id: int, request: Request, principal: Principal = Depends(viewer),
              db: Session = Depends(get_db)) -> OrderOut:
    return order_out(OrderService(context_for(request, db, principal)).get(order_id))


@router.get("/{order_id}/events", response_model=list[OrderEventOut])
def order_events(order_id: int, request: Request, principal: Principal = Depends(viewer),
                 db: Session = Depends(get_db)):
    return OrderService(context_for(request, db, principal)).events(order_id)


@router.post("/{order_id}/pay", status_code=201, response_model=PaymentOut,
             responses={402: {"description": "the card was declined"}})
def pay_order(order_id: int, data: PaymentCreate, request: Request, principal: Principal = Depends(staff),
              db: Session = Depends(get_db), idempotency_key: str | None = Header(default=None)) -> JSONResponse:
    key = _require_key(idempotency_key)
    ctx = context_for(request, db, principal)

    def action():
        payment = OrderService(ctx).pay(order_id, data)
        body = PaymentOut.model_validate(payment)
        if payment.status != "succeeded":
            declined = error_body("payment_declined", "the payment was declined",
                                  {"payment": body.model_dump(mode="json")})
            return 402, declined
        return 201, body

    return run_idempotent(ctx, key=key, method="POST", path=request.url.path, body=data.model_dump(mode="json"),
                          action=action)


@router.get("/{order_id}/payments", response_model=list[PaymentOut])
def order_payments(order_id: int, request: Request, principal: Principal = Depends(viewer),
                   db: Session = Depends(get_db)):
    return OrderService(context_for(request, db, principal)).payments(order_id)


@router.post("/{order_id}/ship", response_model=OrderOut)
def ship_order(order_id: int, data: ShipRequest, request: Request, principal: Principal = Depends(staff),
               db: Session = Depends(get_db)) -> OrderOut:
    ctx = context_for(request, db, principal)
    service = OrderService(ctx)
    service.ship(order_id, data.tracking_number)
    ctx.commit()
    return order_out(service.get(order_id))


@router.post("/{order_id}/cancel", response_model=OrderOut)
def cancel_order(order_id: int, data: CancelRequest, request: Request, principal: Principal = Depends(staff),
                 db: Session = Depends(get_db)) -> OrderOut:
    ctx = context_for(request, db, principal)
    service = OrderService(ctx)
    service.cancel(order_id, data.reason)
    ctx.commit()
    return order_out(service.get(order_id))


@router.post("/{order_id}/refunds", status_code=201, response_model=RefundOut)
def refund_order(order_id: int, data: RefundCreate, request: Request, principal: Principal = Depends(staff),
                 db: Session = Depends(get_db), idempotency_key: str | None = Header(default=None)) -> JSONResponse:
    key = _require_key(idempotency_key)
    ctx = context_for(request, db, principal)

    def action():
        refund = OrderService(ctx).refund(order_id, data)
        return 201, RefundOut.model_validate(refund)

    return run_idempotent(ctx, key=key, method="POST", path=request.url.path, body=data.model_dump(mode="json"),
                          action=action)


@router.get("/{order_id}/refunds", response_model=list[RefundOut])
def order_refunds(order_id: int, request: Request, principal: Principal = Depends(viewer),
                  db: Session = Depends(get_db)):
    return OrderService(context_for(request, db, principal)).refunds(order_id)


@router.get("/{order_id}/invoice", response_model=InvoiceOut)
def order_invoice(order_id: int, request: Request, principal: Principal = Depends(viewer),
                  db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    OrderService(ctx).get(order_id)
    return BillingService(ctx).for_order(order_id)
