"""Tenants, users and API keys: onboarding and key management."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..models import ApiKey, Tenant, User, Warehouse
from ..repositories.tenants import ApiKeyRepository, TenantRepository, UserRepository
from ..schemas.tenancy import TenantCreate, TenantUpdate, UserCreate
from ..security import generate_api_key
from ..settings import Settings

PLAN_RATE_LIMITS = {"standard": 600, "pro": 3000}


class TenantService:
    """Operator-level: not scoped to a tenant."""

    def __init__(self, session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.tenants = TenantRepository(session)

    def create(self, data: TenantCreate) -> tuple[Tenant, str]:
        """A tenant with its first admin user, its default warehouse and an API key for that
        admin (returned in clear, this once)."""
        if self.tenants.get_by_slug(data.slug) is not None:
            raise Conflict(f"tenant {data.slug!r} exists", details={"slug": data.slug})
        limit = data.rate_limit_per_minute or PLAN_RATE_LIMITS[data.plan]
        tenant = Tenant(slug=data.slug, name=data.name, currency=data.currency, tax_rate_bp=data.tax_rate_bp,
                        plan=data.plan, rate_limit_per_minute=limit, status="active", invoice_seq=0)
        try:
            self.tenants.add(tenant)
        except IntegrityError:
            self.session.rollback()
            raise Conflict(f"tenant {data.slug!r} exists", details={"slug": data.slug}) from None
        admin = UserRepository(self.session, tenant.id).add(
            User(email=data.admin_email or f"admin@{data.slug}.example", name=f"{data.name} admin", role="admin"))
        self.session.add(Warehouse(tenant_id=tenant.id, code="MAIN", name="Main warehouse", priority=10))
        key, prefix, key_hash = generate_api_key(self.settings.api_key_pepper)
        ApiKeyRepository(self.session).add(ApiKey(tenant_id=tenant.id, user_id=admin.id, name="bootstrap",
                                                  prefix=prefix, key_hash=key_hash))
        return tenant, key

    def update(self, tenant_id: int, data: TenantUpdate) -> Tenant:
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant not found")
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        if "plan" in changes and "rate_limit_per_minute" not in changes:
            changes["rate_limit_per_minute"] = PLAN_RATE_LIMITS[changes["plan"]]
        for name, value in changes.items():
            setattr(tenant, name, value)
        self.session.flush()
        return tenant

    def list(self) -> list[Tenant]:
        return self.tenants.list()


class UserService:
    def __init__(self, session, tenant_id: int, settings: Settings) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.settings = settings
        self.users = UserRepository(session, tenant_id)
        self.keys = ApiKeyRepository(session)

    def create(self, data: UserCreate) -> User:
        if self.users.get_by_email(data.email) is not None:
            raise Conflict("a user with this e-mail exists", details={"email": data.email})
        return self.users.add(User(email=data.email, name=data.name, role=data.role))

    def list(self) -> list[User]:
        return self.users.list()

    def issue_key(self, user_id: int, name: str) -> tuple[ApiKey, str]:
        user = self.users.get(user_id)
        if user is None:
            raise NotFound("user not found")
        key, prefix, key_hash = generate_api_key(self.settings.api_key_pepper)
        record = self.keys.add(ApiKey(tenant_id=self.tenant_id, user_id=user.id, name=name, prefix=prefix,
                                      key_hash=key_hash))
        return record, key

    def list_keys(self) -> list[ApiKey]:
        return self.keys.list(self.tenant_id)

    def revoke_key(self, key_id: int, when) -> ApiKey:
        key = self.keys.get(self.tenant_id, key_id)
        if key is None:
            raise NotFound("API key not found")
        if key.revoked_at is None:
            key.revoked_at = when
            self.session.flush()
        return key
