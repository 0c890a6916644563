"""Customers."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import context_for, staff, viewer
from ..pagination import PageParams, page_params
from ..schemas.common import Page
from ..schemas.customers import CustomerCreate, CustomerOut, CustomerUpdate
from ..schemas.orders import OrderOut
from ..services.auth import Principal
from ..services.customers import CustomerService
from ..services.orders import OrderService
from .orders import order_out

router = APIRouter(prefix="/v1/customers", tags=["customers"])


@router.get("", response_model=Page[CustomerOut])
def list_customers(request: Request, page: PageParams = Depends(page_params),
                   q: str | None = Query(default=None, max_length=100), principal: Principal = Depends(viewer),
                   db: Session = Depends(get_db)):
    items, next_cursor = CustomerService(context_for(request, db, principal)).list(
        limit=page.limit, cursor=page.cursor, search=q)
    return {"items": items, "next_cursor": next_cursor}


@router.post("", status_code=201, response_model=CustomerOut)
def create_customer(data: CustomerCreate, request: Request, principal: Principal = Depends(staff),
                    db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    customer = CustomerService(ctx).create(data)
    ctx.commit()
    return customer


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: int, request: Request, principal: Principal = Depends(viewer),
                 db: Session = Depends(get_db)):
    return CustomerService(context_for(request, db, principal)).get(customer_id)


@router.patch("/{customer_id}", response_model=CustomerOut)
def update_customer(customer_id: int, data: CustomerUpdate, request: Request, principal: Principal = Depends(staff),
                    db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    customer = CustomerService(ctx).update(customer_id, data)
    ctx.commit()
    return customer


@router.get("/{customer_id}/orders", response_model=Page[OrderOut])
def customer_orders(customer_id: int, request: Request, page: PageParams = Depends(page_params),
                    principal: Principal = Depends(viewer), db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    CustomerService(ctx).get(customer_id)
    orders, next_cursor = OrderService(ctx).list(limit=page.limit, cursor=page.cursor, customer_id=customer_id)
    return {"items": [order_out(o) for o in orders], "next_cursor": next_cursor}
