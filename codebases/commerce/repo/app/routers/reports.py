"""Reports."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from ..db import get_db
from ..deps import context_for, staff
from ..schemas.reports import SalesReport
from ..services.auth import Principal
from ..services.reports import ReportService

router = APIRouter(prefix="/v1/reports", tags=["reports"])


@router.get("/sales", response_model=SalesReport)
def sales_report(request: Request, date_from: date = Query(), date_to: date = Query(),
                 group_by: str = Query(default="day", max_length=32),
                 status: str | None = Query(default=None, max_length=32),
                 principal: Principal = Depends(staff), db: Session = Depends(get_db)):
    return ReportService(context_for(request, db, principal)).sales(date_from=date_from, date_to=date_to,
                                                                    group_by=group_by, status=status)


@router.get("/top-products")
def top_products(request: Request, date_from: date = Query(), date_to: date = Query(),
                 limit: int = Query(default=10, ge=1, le=100), principal: Principal = Depends(staff),
                 db: Session = Depends(get_db)) -> dict:
    rows = ReportService(context_for(request, db, principal)).top_products(date_from=date_from, date_to=date_to,
                                                                           limit=limit)
    return {"items": rows}
