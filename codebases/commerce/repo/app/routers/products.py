"""The product catalogue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import admin, context_for, staff, viewer
from ..pagination import PageParams, page_params
from ..schemas.catalog import ProductCreate, ProductOut, ProductUpdate
from ..schemas.common import Page
from ..services.auth import Principal
from ..services.catalog import CatalogService

router = APIRouter(prefix="/v1/products", tags=["catalogue"])
CACHE_HEADER = "X-Cache"


@router.get("", response_model=Page[ProductOut])
def list_products(request: Request, page: PageParams = Depends(page_params),
                  active: bool | None = Query(default=None), q: str | None = Query(default=None, max_length=100),
                  principal: Principal = Depends(viewer), db: Session = Depends(get_db)) -> JSONResponse:
    service = CatalogService(context_for(request, db, principal))
    body, hit = service.list_products(limit=page.limit, cursor=page.cursor, active=active, search=q)
    return JSONResponse(body, headers={CACHE_HEADER: "HIT" if hit else "MISS"})


@router.get("/{product_id}", response_model=ProductOut)
def get_product(product_id: int, request: Request, principal: Principal = Depends(viewer),
                db: Session = Depends(get_db)) -> JSONResponse:
    body, hit = CatalogService(context_for(request, db, principal)).get_product(product_id)
    return JSONResponse(body, headers={CACHE_HEADER: "HIT" if hit else "MISS"})


@router.post("", status_code=201, response_model=ProductOut)
def create_product(data: ProductCreate, request: Request, principal: Principal = Depends(staff),
                   db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    product = CatalogService(ctx).create_product(data)
    ctx.commit()
    return product


@router.patch("/{product_id}", response_model=ProductOut)
def update_product(product_id: int, data: ProductUpdate, request: Request, principal: Principal = Depends(staff),
                   db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    product = CatalogService(ctx).update_product(product_id, data)
    ctx.commit()
    return product


@router.delete("/{product_id}", response_model=ProductOut)
def deactivate_product(product_id: int, request: Request, principal: Principal = Depends(admin),
                       db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    product = CatalogService(ctx).deactivate_product(product_id)
    ctx.commit()
    return product
