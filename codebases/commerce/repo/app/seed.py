"""Deterministic demo data: the same arguments always give the same rows, ids and API keys
(on an empty database), so scripts and tests can rely on them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import (ApiKey, Customer, Invoice, InvoiceLine, Order, OrderEvent, OrderItem, Payment, Product, Refund,
                     Reservation, StockLevel, Tenant, User, Warehouse)
from .security import deterministic_api_key
from .services.billing import format_invoice_number
from .services.pricing import price_order
from .settings import Settings

TENANT_NAMES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne"]
ADJECTIVES = ["Red", "Blue", "Large", "Small", "Eco", "Pro", "Classic", "Smart", "Travel", "Deluxe", "Mini", "Ultra"]
NOUNS = ["Mug", "Lamp", "Backpack", "Notebook", "Chair", "Desk", "Bottle", "Headphones", "Kettle", "Jacket", "Scarf",
         "Umbrella", "Speaker", "Charger", "Blanket", "Pen"]
FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia", "Tim"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra",
        "Perlman", "Berners-Lee"]
ROLES = ("admin", "staff", "viewer")
HISTORY_START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
STATUS_WEIGHTS = [("paid", 30), ("shipped", 40), ("cancelled", 15), ("refunded", 15)]


@dataclass
class SeedOptions:
    tenants: int = 2
    products: int = 40
    customers: int = 60
    orders: int = 200
    seed: int = 42
    tax_rates: tuple[int, ...] = (825, 2000, 0, 500)
    rate_limit_per_minute: int = 600


@dataclass
class SeededTenant:
    id: int
    slug: str
    name: str
    tax_rate_bp: int
    keys: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    warehouse_ids: list[int] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)
    customer_ids: list[int] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "slug": self.slug, "name": self.name, "tax_rate_bp": self.tax_rate_bp, "keys": self.keys,
            "user_ids": self.user_ids, "warehouse_ids": self.warehouse_ids,
            "product_ids": [self.product_ids[0], self.product_ids[-1]] if self.product_ids else [],
            "customer_ids": [self.customer_ids[0], self.customer_ids[-1]] if self.customer_ids else [],
            "order_ids": [self.order_ids[0], self.order_ids[-1]] if self.order_ids else [],
            "counts": {"products": len(self.product_ids), "customers": len(self.customer_ids),
                       "orders": len(self.order_ids)},
        }


class AlreadySeeded(RuntimeError):
    pass


def seed(session: Session, settings: Settings, options: SeedOptions) -> list[SeededTenant]:
    rng = random.Random(options.seed)
    out: list[SeededTenant] = []
    for index in range(options.tenants):
        base = TENANT_NAMES[index % len(TENANT_NAMES)]
        slug = base.lower() if index < len(TENANT_NAMES) else f"{base.lower()}-{index // len(TENANT_NAMES) + 1}"
        if session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
            raise AlreadySeeded(f"tenant {slug!r} exists: seed an empty database")
        out.append(_seed_tenant(session, settings, options, rng, slug, base if index < len(TENANT_NAMES) else slug,
                                options.tax_rates[index % len(options.tax_rates)]))
    return out


def _seed_tenant(session: Session, settings: Settings, options: SeedOptions, rng: random.Random, slug: str,
                 name: str, tax_rate_bp: int) -> SeededTenant:
    tenant = Tenant(slug=slug, name=f"{name} Inc.", status="active", currency="USD", tax_rate_bp=tax_rate_bp,
                    plan="standard", rate_limit_per_minute=options.rate_limit_per_minute, invoice_seq=0)
    session.add(tenant)
    session.flush()
    seeded = SeededTenant(id=tenant.id, slug=slug, name=tenant.name, tax_rate_bp=tax_rate_bp)

    for role in ROLES:
        user = User(tenant_id=tenant.id, email=f"{role}@{slug}.example", name=f"{name} {role}", role=role)
        session.add(user)
        session.flush()
        key, prefix, key_hash = deterministic_api_key(f"{options.seed}:{slug}:{role}", settings.api_key_pepper)
        session.add(ApiKey(tenant_id=tenant.id, user_id=user.id, name=f"{role} key", prefix=prefix,
                           key_hash=key_hash))
        seeded.keys[role] = key
        seeded.user_ids[role] = user.id

    warehouses = [Warehouse(tenant_id=tenant.id, code="MAIN", name="Main warehouse", priority=10),
                  Warehouse(tenant_id=tenant.id, code="EAST", name="East coast", priority=20)]
    session.add_all(warehouses)
    session.flush()
    seeded.warehouse_ids = [w.id for w in warehouses]

    products = []
    for j in range(1, options.products + 1):
        products.append(Product(
            tenant_id=tenant.id, sku=f"{slug[:3].upper()}-{j:04d}",
            name=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {j}",
            description=f"Demo product {j} of {name}.", price_cents=rng.randint(199, 49_999),
            tax_exempt=(j % 7 == 0), active=(j % 19 != 0)))
    session.add_all(products)
    session.flush()
    seeded.product_ids = [p.id for p in products]

    main_levels: dict[int, StockLevel] = {}
    levels = []
    for product in products:
        main = StockLevel(tenant_id=tenant.id, product_id=product.id, warehouse_id=warehouses[0].id,
                          on_hand=rng.randint(5, 120), reserved=0, version=1)
        east = StockLevel(tenant_id=tenant.id, product_id=product.id, warehouse_id=warehouses[1].id,
                          on_hand=rng.randint(0, 60), reserved=0, version=1)
        main_levels[product.id] = main
        levels += [main, east]
    session.add_all(levels)

    customers = []
    for k in range(1, options.customers + 1):
        customers.append(Customer(tenant_id=tenant.id, email=f"customer{k:04d}@{slug}.example",
                                  name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                  phone=f"+1-555-{rng.randint(0, 9999):04d}", country=rng.choice(["US", "US", "CA"])))
    session.add_all(customers)
    session.flush()
    seeded.customer_ids = [c.id for c in customers]

    sellable = [p for p in products if p.active]
    statuses = [s for s, weight in STATUS_WEIGHTS for _ in range(weight)]
    invoice_seq = 0
    for n in range(options.orders):
        created = HISTORY_START + timedelta(minutes=37 * n, seconds=rng.choice([0, 0, 11, 29]))
        customer = rng.choice(customers)
        chosen = rng.sample(sellable, k=min(len(sellable), rng.randint(1, 4)))
        priced = price_order([(p, rng.randint(1, 3)) for p in chosen], tax_rate_bp)
        status = rng.choice(statuses)
        order = Order(tenant_id=tenant.id, customer_id=customer.id, status=status, currency="USD",
                      subtotal_cents=priced.subtotal_cents, tax_cents=priced.tax_cents,
                      total_cents=priced.total_cents, paid_cents=0, refunded_cents=0, created_at=created,
                      updated_at=created)
        for line in priced.lines:
            order.items.append(OrderItem(product_id=line.product.id, sku=line.product.sku, name=line.product.name,
                                         quantity=line.quantity, unit_price_cents=line.unit_price_cents,
                                         tax_rate_bp=line.tax_rate_bp, tax_cents=line.tax_cents,
                                         line_total_cents=line.line_total_cents))
        session.add(order)
        session.flush()
        seeded.order_ids.append(order.id)
        events = [OrderEvent(order_id=order.id, tenant_id=tenant.id, from_status=None, to_status="pending",
                             note="order placed", actor="seed", created_at=created)]
        if status == "cancelled":
            order.cancelled_at = created + timedelta(minutes=20)
            order.cancel_reason = "customer_request"
            order.updated_at = order.cancelled_at
            events.append(OrderEvent(order_id=order.id, tenant_id=tenant.id, from_status="pending",
                                     to_status="cancelled", note="customer_request", actor="seed",
                                     created_at=order.cancelled_at))
            session.add_all(events)
            continue
        paid_at = created + timedelta(minutes=5)
        order.paid_at = paid_at
        order.paid_cents = order.total_cents
        order.updated_at = paid_at
        payment = Payment(tenant_id=tenant.id, order_id=order.id, amount_cents=order.total_cents, currency="USD",
                          method="tok_visa", status="succeeded", provider_ref=f"pay_seed_{tenant.id}_{order.id}",
                          created_at=paid_at)
        session.add(payment)
        events.append(OrderEvent(order_id=order.id, tenant_id=tenant.id, from_status="pending", to_status="paid",
                                 note="payment", actor="seed", created_at=paid_at))
        for line in priced.lines:
            session.add(Reservation(tenant_id=tenant.id, order_id=order.id,
                                    stock_level_id=main_levels[line.product.id].id, product_id=line.product.id,
                                    quantity=line.quantity, status="committed", created_at=created))
        invoice_seq += 1
        invoice = Invoice(tenant_id=tenant.id, order_id=order.id, number=format_invoice_number(invoice_seq),
                          status="paid", currency="USD", subtotal_cents=order.subtotal_cents,
                          tax_cents=order.tax_cents, total_cents=order.total_cents, issued_at=paid_at,
                          due_at=paid_at + timedelta(days=30))
        for item in order.items:
            invoice.lines.append(InvoiceLine(description=f"{item.name} ({item.sku})", quantity=item.quantity,
                                             unit_price_cents=item.unit_price_cents, tax_cents=item.tax_cents,
                                             total_cents=item.line_total_cents + item.tax_cents))
        session.add(invoice)
        if status in ("shipped", "refunded"):
            shipped_at = created + timedelta(days=1)
            order.shipped_at = shipped_at
            order.tracking_number = f"1Z{tenant.id:02d}{order.id:08d}"
            order.updated_at = shipped_at
            if status == "shipped":
                events.append(OrderEvent(order_id=order.id, tenant_id=tenant.id, from_status="paid",
                                         to_status="shipped", note="shipped", actor="seed", created_at=shipped_at))
        if status == "refunded":
            session.flush()
            refunded_at = created + timedelta(days=3)
            order.refunded_cents = order.total_cents
            order.updated_at = refunded_at
            session.add(Refund(tenant_id=tenant.id, order_id=order.id, payment_id=payment.id,
                               amount_cents=order.total_cents, reason="damaged", created_at=refunded_at))
            events.append(OrderEvent(order_id=order.id, tenant_id=tenant.id, from_status="paid",
                                     to_status="refunded", note="refunded in full", actor="seed",
                                     created_at=refunded_at))
        session.add_all(events)
    tenant.invoice_seq = invoice_seq
    session.flush()
    return seeded
