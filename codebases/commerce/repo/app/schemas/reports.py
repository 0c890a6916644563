"""Reports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class SalesRow(BaseModel):
    key: str
    orders: int
    units: int
    gross_cents: int
    tax_cents: int
    refunded_cents: int
    net_cents: int


class SalesReport(BaseModel):
    currency: str
    date_from: date
    date_to: date
    group_by: str
    rows: list[SalesRow]
    totals: SalesRow
