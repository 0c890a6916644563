"""Customers."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ApiModel, StrictInput
from .tenancy import EMAIL


class CustomerCreate(StrictInput):
    email: str = Field(pattern=EMAIL, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    country: str = Field(default="US", pattern=r"^[A-Z]{2}$")


class CustomerUpdate(StrictInput):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class CustomerOut(ApiModel):
    id: int
    email: str
    name: str
    phone: str | None
    country: str
    created_at: datetime
