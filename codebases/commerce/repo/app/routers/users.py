"""Users of a tenant and their API keys."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ..clock import to_datetime
from ..db import get_db
from ..deps import admin, get_principal
from ..schemas.tenancy import ApiKeyCreate, ApiKeyCreated, ApiKeyOut, MeOut, UserCreate, UserOut
from ..services.auth import Principal
from ..services.tenants import UserService

router = APIRouter(prefix="/v1", tags=["users"])


@router.get("/me", response_model=MeOut)
def me(principal: Principal = Depends(get_principal)) -> MeOut:
    return MeOut(tenant_id=principal.tenant_id, tenant_slug=principal.tenant_slug, user_id=principal.user_id,
                 role=principal.role, api_key_id=principal.api_key_id)


@router.get("/users", response_model=list[UserOut])
def list_users(request: Request, principal: Principal = Depends(admin), db: Session = Depends(get_db)):
    return UserService(db, principal.tenant_id, request.app.state.settings).list()


@router.post("/users", status_code=201, response_model=UserOut)
def create_user(data: UserCreate, request: Request, principal: Principal = Depends(admin),
                db: Session = Depends(get_db)):
    user = UserService(db, principal.tenant_id, request.app.state.settings).create(data)
    db.commit()
    return user


@router.post("/users/{user_id}/api-keys", status_code=201, response_model=ApiKeyCreated)
def issue_key(user_id: int, data: ApiKeyCreate, request: Request, principal: Principal = Depends(admin),
              db: Session = Depends(get_db)) -> ApiKeyCreated:
    record, key = UserService(db, principal.tenant_id, request.app.state.settings).issue_key(user_id, data.name)
    db.commit()
    return ApiKeyCreated(**ApiKeyOut.model_validate(record).model_dump(), key=key)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_keys(request: Request, principal: Principal = Depends(admin), db: Session = Depends(get_db)):
    return UserService(db, principal.tenant_id, request.app.state.settings).list_keys()


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut)
def revoke_key(key_id: int, request: Request, principal: Principal = Depends(admin), db: Session = Depends(get_db)):
    when = to_datetime(request.app.state.clock())
    key = UserService(db, principal.tenant_id, request.app.state.settings).revoke_key(key_id, when)
    db.commit()
    return key
