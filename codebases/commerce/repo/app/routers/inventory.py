"""Warehouses and stock."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import admin, context_for, staff, viewer
from ..models import StockLevel
from ..schemas.catalog import StockAdjustment, StockLevelOut, StockOut, WarehouseCreate, WarehouseOut
from ..services.auth import Principal
from ..services.inventory import InventoryService

router = APIRouter(prefix="/v1", tags=["inventory"])


def level_out(level: StockLevel) -> StockLevelOut:
    return StockLevelOut(id=level.id, warehouse_id=level.warehouse_id, warehouse_code=level.warehouse.code,
                         on_hand=level.on_hand, reserved=level.reserved, available=level.available,
                         version=level.version)


@router.get("/warehouses", response_model=list[WarehouseOut])
def list_warehouses(request: Request, principal: Principal = Depends(viewer), db: Session = Depends(get_db)):
    return InventoryService(context_for(request, db, principal)).list_warehouses()


@router.post("/warehouses", status_code=201, response_model=WarehouseOut)
def create_warehouse(data: WarehouseCreate, request: Request, principal: Principal = Depends(admin),
                     db: Session = Depends(get_db)):
    ctx = context_for(request, db, principal)
    warehouse = InventoryService(ctx).create_warehouse(data)
    ctx.commit()
    return warehouse


@router.get("/products/{product_id}/stock", response_model=StockOut)
def product_stock(product_id: int, request: Request, principal: Principal = Depends(viewer),
                  db: Session = Depends(get_db)) -> StockOut:
    levels = InventoryService(context_for(request, db, principal)).levels(product_id)
    return StockOut(product_id=product_id, on_hand=sum(level.on_hand for level in levels),
                    reserved=sum(level.reserved for level in levels),
                    available=sum(level.available for level in levels),
                    levels=[level_out(level) for level in levels])


@router.post("/stock/adjustments", response_model=StockLevelOut)
def adjust_stock(data: StockAdjustment, request: Request, principal: Principal = Depends(staff),
                 db: Session = Depends(get_db)) -> StockLevelOut:
    ctx = context_for(request, db, principal)
    level = InventoryService(ctx).adjust(data)
    ctx.commit()
    db.refresh(level)
    return level_out(level)
