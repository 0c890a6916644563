"""Customers."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..models import Customer
from ..pagination import decode_cursor, encode_cursor
from ..repositories.customers import CustomerRepository
from ..schemas.customers import CustomerCreate, CustomerUpdate
from .context import ServiceContext


class CustomerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.customers = CustomerRepository(ctx.session, ctx.tenant_id)

    def create(self, data: CustomerCreate) -> Customer:
        email = data.email.lower()
        if self.customers.get_by_email(email) is not None:
            raise Conflict("a customer with this e-mail exists", details={"email": email})
        try:
            with self.ctx.session.begin_nested():
                return self.customers.add(Customer(email=email, name=data.name, phone=data.phone,
                                                   country=data.country))
        except IntegrityError:
            raise Conflict("a customer with this e-mail exists", details={"email": email}) from None

    def get(self, customer_id: int) -> Customer:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise NotFound("customer not found", details={"customer_id": customer_id})
        return customer

    def update(self, customer_id: int, data: CustomerUpdate) -> Customer:
        customer = self.get(customer_id)
        for name, value in data.model_dump(exclude_unset=True).items():
            if value is None and name in {"name", "country"}:
                continue
            setattr(customer, name, value)
        self.ctx.session.flush()
        return customer

    def list(self, *, limit: int, cursor: str | None, search: str | None) -> tuple[list[Customer], str | None]:
        after_id = decode_cursor(cursor, int)[0] if cursor else None
        rows = self.customers.list(limit=limit + 1, after_id=after_id, search=search)
        page = rows[:limit]
        next_cursor = encode_cursor(page[-1].id) if len(rows) > limit and page else None
        return page, next_cursor
