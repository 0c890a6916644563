"""Operator API: tenants. Authenticated with the operators' token, not an API key."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.orm import Session

from ..db import get_db
from ..errors import Unauthorized
from ..schemas.tenancy import TenantCreate, TenantCreated, TenantOut, TenantUpdate
from ..services.tenants import TenantService

router = APIRouter(prefix="/admin", tags=["admin"])


def operator(request: Request, x_admin_token: str | None = Header(default=None)) -> None:
    expected = request.app.state.settings.admin_token
    if not x_admin_token or not hmac.compare_digest(x_admin_token.encode(), expected.encode()):
        raise Unauthorized("operator token required")


@router.post("/tenants", status_code=201, response_model=TenantCreated, dependencies=[Depends(operator)])
def create_tenant(data: TenantCreate, request: Request, db: Session = Depends(get_db)) -> TenantCreated:
    service = TenantService(db, request.app.state.settings)
    tenant, key = service.create(data)
    db.commit()
    return TenantCreated(**TenantOut.model_validate(tenant).model_dump(), admin_api_key=key)


@router.get("/tenants", response_model=list[TenantOut], dependencies=[Depends(operator)])
def list_tenants(request: Request, db: Session = Depends(get_db)) -> list:
    return TenantService(db, request.app.state.settings).list()


@router.patch("/tenants/{tenant_id}", response_model=TenantOut, dependencies=[Depends(operator)])
def update_tenant(tenant_id: int, data: TenantUpdate, request: Request, db: Session = Depends(get_db)):
    tenant = TenantService(db, request.app.state.settings).update(tenant_id, data)
    db.commit()
    return tenant
