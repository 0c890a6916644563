"""Prices and taxes, in integer cents.

Tax is computed per line (unit price x quantity x rate) and rounded half up to the cent; the
order's tax is the sum of its lines' taxes, so every line on an invoice adds up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Product


def tax_for(amount_cents: int, rate_bp: int) -> int:
    """`amount_cents` x `rate_bp` / 10 000, rounded half up (amounts are never negative)."""
    if amount_cents < 0 or rate_bp < 0:
        raise ValueError("amounts and rates are not negative")
    return (amount_cents * rate_bp + 5_000) // 10_000


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: int
    unit_price_cents: int
    tax_rate_bp: int
    line_total_cents: int
    tax_cents: int


@dataclass(frozen=True)
class PricedOrder:
    lines: list[PricedLine]
    subtotal_cents: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.tax_cents


def price_order(items: Sequence[tuple[Product, int]], tax_rate_bp: int) -> PricedOrder:
    lines: list[PricedLine] = []
    for product, quantity in items:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        rate = 0 if product.tax_exempt else tax_rate_bp
        line_total = product.price_cents * quantity
        lines.append(PricedLine(product=product, quantity=quantity, unit_price_cents=product.price_cents,
                                tax_rate_bp=rate, line_total_cents=line_total, tax_cents=tax_for(line_total, rate)))
    return PricedOrder(lines=lines, subtotal_cents=sum(line.line_total_cents for line in lines),
                       tax_cents=sum(line.tax_cents for line in lines))


def prorate(amount_cents: int, weights: Sequence[int]) -> list[int]:
    """Split `amount_cents` over `weights` in proportion, the rounding remainder going to the
    largest shares first: the parts always add up to the amount."""
    total = sum(weights)
    if total <= 0:
        return [0 for _ in weights]
    shares = [amount_cents * w // total for w in weights]
    remainder = amount_cents - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(amount_cents * weights[i] % total), i))
    for i in order[:remainder]:
        shares[i] += 1
    return shares
