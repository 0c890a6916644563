"""Tenants, users and API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from ..models import ApiKey, Tenant, User
from .base import TenantScoped


class TenantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, tenant_id: int) -> Tenant | None:
        return self.session.get(Tenant, tenant_id)

    def get_by_slug(self, slug: str) -> Tenant | None:
        return self.session.scalar(select(Tenant).where(Tenant.slug == slug))

    def list(self) -> list[Tenant]:
        return list(self.session.scalars(select(Tenant).order_by(Tenant.id)))

    def add(self, tenant: Tenant) -> Tenant:
        self.session.add(tenant)
        self.session.flush()
        return tenant

    def next_invoice_number(self, tenant_id: int) -> int:
        """The tenant's next invoice sequence number: one atomic increment, so concurrent
        invoices never get the same number."""
        return self.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(invoice_seq=Tenant.invoice_seq + 1)
            .returning(Tenant.invoice_seq)
        ).scalar_one()


class UserRepository(TenantScoped):
    def get(self, user_id: int) -> User | None:
        return self.session.scalar(select(User).where(User.id == user_id, User.tenant_id == self.tenant_id))

    def get_by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.tenant_id == self.tenant_id, User.email == email))

    def list(self) -> list[User]:
        return list(self.session.scalars(select(User).where(User.tenant_id == self.tenant_id).order_by(User.id)))

    def add(self, user: User) -> User:
        user.tenant_id = self.tenant_id
        self.session.add(user)
        self.session.flush()
        return user


class ApiKeyRepository:
    """Keys are looked up by prefix before the tenant is known (that is how the tenant is
    found); everything else is tenant-scoped."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find_by_prefix(self, prefix: str) -> ApiKey | None:
        return self.session.scalar(
            select(ApiKey).options(joinedload(ApiKey.tenant), joinedload(ApiKey.user)).where(ApiKey.prefix == prefix)
        )

    def get(self, tenant_id: int, key_id: int) -> ApiKey | None:
        return self.session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant_id))

    def list(self, tenant_id: int) -> list[ApiKey]:
        return list(self.session.scalars(select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.id)))

    def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key

    def touch(self, key_id: int, when: datetime) -> None:
        self.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))
