"""Customers."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from ..models import Customer
from .base import TenantScoped


class CustomerRepository(TenantScoped):
    def get(self, customer_id: int) -> Customer | None:
        return self.session.scalar(
            select(Customer).where(Customer.id == customer_id, Customer.tenant_id == self.tenant_id))

    def get_by_email(self, email: str) -> Customer | None:
        return self.session.scalar(
            select(Customer).where(Customer.tenant_id == self.tenant_id, func.lower(Customer.email) == email.lower()))

    def list(self, *, limit: int, after_id: int | None = None, search: str | None = None) -> list[Customer]:
        stmt = select(Customer).where(Customer.tenant_id == self.tenant_id)
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(or_(Customer.email.ilike(pattern, escape="\\"),
                                  Customer.name.ilike(pattern, escape="\\")))
        if after_id is not None:
            stmt = stmt.where(Customer.id > after_id)
        return list(self.session.scalars(stmt.order_by(Customer.id).limit(limit)))

    def add(self, customer: Customer) -> Customer:
        customer.tenant_id = self.tenant_id
        self.session.add(customer)
        self.session.flush()
        return customer
