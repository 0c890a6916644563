"""Products, warehouses and stock."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ApiModel, StrictInput


class ProductCreate(StrictInput):
    sku: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    price_cents: int = Field(ge=0, le=100_000_000)
    tax_exempt: bool = False
    active: bool = True


class ProductUpdate(StrictInput):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    price_cents: int | None = Field(default=None, ge=0, le=100_000_000)
    tax_exempt: bool | None = None
    active: bool | None = None


class ProductOut(ApiModel):
    id: int
    sku: str
    name: str
    description: str
    price_cents: int
    tax_exempt: bool
    active: bool
    created_at: datetime
    updated_at: datetime


class WarehouseCreate(StrictInput):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    priority: int = Field(default=100, ge=0, le=10_000)


class WarehouseOut(ApiModel):
    id: int
    code: str
    name: str
    priority: int


class StockLevelOut(ApiModel):
    id: int
    warehouse_id: int
    warehouse_code: str
    on_hand: int
    reserved: int
    available: int
    version: int


class StockOut(ApiModel):
    product_id: int
    on_hand: int
    reserved: int
    available: int
    levels: list[StockLevelOut]


class StockAdjustment(StrictInput):
    product_id: int
    warehouse_id: int
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    # the version the caller last saw (optimistic concurrency); None to adjust whatever it is
    expected_version: int | None = Field(default=None, ge=1)
    reason: str = Field(default="adjustment", min_length=1, max_length=32)
    reference: str | None = Field(default=None, max_length=100)
