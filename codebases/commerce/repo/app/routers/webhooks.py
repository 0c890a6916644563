"""Webhook endpoints of a tenant and their deliveries."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import admin, context_for
from ..pagination import PageParams, decode_cursor, encode_cursor, page_params
from ..schemas.common import Page
from ..schemas.webhooks import DeliveryOut, WebhookCreate, WebhookCreated, WebhookOut, WebhookUpdate
from ..services.auth import Principal
from ..services.webhooks import WebhookService

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post("", status_code=201, response_model=WebhookCreated)
def create_webhook(data: WebhookCreate, request: Request, principal: Principal = Depends(admin),
                   db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    endpoint = WebhookService(ctx).create(data)
    ctx.commit()
    return endpoint


@router.get("", response_model=list[WebhookOut])
def list_webhooks(request: Request, principal: Principal = Depends(admin), db: Session = Depends(get_db)):
    return WebhookService(context_for(request, db, principal)).list()


@router.get("/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: int, request: Request, principal: Principal = Depends(admin),
                db: Session = Depends(get_db)):
    return WebhookService(context_for(request, db, principal)).get(webhook_id)


@router.patch("/{webhook_id}", response_model=WebhookOut)
def update_webhook(webhook_id: int, data: WebhookUpdate, request: Request, principal: Principal = Depends(admin),
                   db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    endpoint = WebhookService(ctx).update(webhook_id, data)
    ctx.commit()
    return endpoint


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: int, request: Request, principal: Principal = Depends(admin),
                   db: Session = Depends(get_db)) -> Response:
    ctx = context_for(request, db, principal)
    WebhookService(ctx).delete(webhook_id)
    ctx.commit()
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryOut])
def list_deliveries(webhook_id: int, request: Request, page: PageParams = Depends(page_params),
                    principal: Principal = Depends(admin), db: Session = Depends(get_db)):
    before_id = decode_cursor(page.cursor, int)[0] if page.cursor else None
    rows = WebhookService(context_for(request, db, principal)).deliveries(webhook_id, page.limit + 1, before_id)
    items = rows[:page.limit]
    return {"items": items, "next_cursor": encode_cursor(items[-1].id) if len(rows) > page.limit and items else None}
