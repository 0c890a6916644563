"""Tenants, users, API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from .common import ApiModel, StrictInput

Role = Literal["viewer", "staff", "admin"]
SLUG = r"^[a-z0-9][a-z0-9-]{1,62}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class TenantCreate(StrictInput):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    tax_rate_bp: int = Field(default=0, ge=0, le=10_000)
    plan: Literal["standard", "pro"] = "standard"
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    admin_email: str = Field(default="", max_length=254)


class TenantUpdate(StrictInput):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    status: Literal["active", "suspended"] | None = None
    tax_rate_bp: int | None = Field(default=None, ge=0, le=10_000)
    plan: Literal["standard", "pro"] | None = None
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)


class TenantOut(ApiModel):
    id: int
    slug: str
    name: str
    status: str
    currency: str
    tax_rate_bp: int
    plan: str
    rate_limit_per_minute: int
    created_at: datetime


class TenantCreated(TenantOut):
    admin_api_key: str


class UserCreate(StrictInput):
    email: str = Field(pattern=EMAIL, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Role = "staff"


class UserOut(ApiModel):
    id: int
    email: str
    name: str
    role: str
    created_at: datetime


class ApiKeyCreate(StrictInput):
    name: str = Field(default="default", min_length=1, max_length=100)


class ApiKeyOut(ApiModel):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyOut):
    key: str


class MeOut(ApiModel):
    tenant_id: int
    tenant_slug: str
    user_id: int
    role: str
    api_key_id: int
