"""Invoices."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import context_for, viewer
from ..pagination import PageParams, page_params
from ..schemas.billing import InvoiceOut
from ..schemas.common import Page
from ..services.auth import Principal
from ..services.billing import BillingService

router = APIRouter(prefix="/v1/invoices", tags=["billing"])


@router.get("", response_model=Page[InvoiceOut])
def list_invoices(request: Request, page: PageParams = Depends(page_params), principal: Principal = Depends(viewer),
                  db: Session = Depends(get_db)):
    items, next_cursor = BillingService(context_for(request, db, principal)).list(limit=page.limit,
                                                                                  cursor=page.cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{invoice_id}", response_model=InvoiceOut)
def get_invoice(invoice_id: int, request: Request, principal: Principal = Depends(viewer),
                db: Session = Depends(get_db)):
    return BillingService(context_for(request, db, principal)).get(invoice_id)
