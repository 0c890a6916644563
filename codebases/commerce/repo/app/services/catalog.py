"""The product catalogue: writes go to PostgreSQL, reads are served from the cache when they can."""

from __future__ import annotations

import logging
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..models import Product
from ..pagination import decode_cursor, encode_cursor
from ..repositories.catalog import ProductRepository
from ..schemas.catalog import ProductCreate, ProductOut, ProductUpdate
from .cache import CatalogCache
from .context import ServiceContext

log = logging.getLogger("app.catalog")


class CatalogService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.products = ProductRepository(ctx.session, ctx.tenant_id)
        self.cache = CatalogCache(ctx.redis, ctx.settings.cache_ttl_seconds, ctx.settings.cache_enabled)

    # --- reads (cached) ---------------------------------------------------------------------

    def get_product(self, product_id: int) -> tuple[dict[str, Any], bool]:
        """The product as the API shows it, and whether it came from the cache."""
        generation = self.cache.generation(self.ctx.tenant_id)
        cached = self.cache.get_product(self.ctx.tenant_id, generation, product_id)
        if cached is not None:
            return cached, True
        product = self.products.get(product_id)
        if product is None:
            raise NotFound("product not found", details={"product_id": product_id})
        body = jsonable_encoder(ProductOut.model_validate(product))
        self.cache.set_product(self.ctx.tenant_id, generation, product_id, body)
        return body, False

    def list_products(self, *, limit: int, cursor: str | None, active: bool | None,
                      search: str | None) -> tuple[dict[str, Any], bool]:
        params = {"limit": limit, "cursor": cursor, "active": active, "search": search}
        generation = self.cache.generation(self.ctx.tenant_id)
        cached = self.cache.get_list(self.ctx.tenant_id, generation, params)
        if cached is not None:
            return cached, True
        after_id = decode_cursor(cursor, int)[0] if cursor else None
        rows = self.products.list(limit=limit + 1, after_id=after_id, active=active, search=search)
        page, more = rows[:limit], len(rows) > limit
        body = {
            "items": jsonable_encoder([ProductOut.model_validate(p) for p in page]),
            "next_cursor": encode_cursor(page[-1].id) if more and page else None,
        }
        self.cache.set_list(self.ctx.tenant_id, generation, params, body)
        return body, False

    # --- writes -----------------------------------------------------------------------------

    def _invalidate_after_commit(self) -> None:
        tenant_id = self.ctx.tenant_id
        self.ctx.after_commit(lambda: self.cache.invalidate(tenant_id))

    def create_product(self, data: ProductCreate) -> Product:
        if self.products.get_by_sku(data.sku) is not None:
            raise Conflict(f"SKU {data.sku!r} exists", details={"sku": data.sku})
        try:
            with self.ctx.session.begin_nested():
                product = self.products.add(Product(**data.model_dump()))
        except IntegrityError:
            raise Conflict(f"SKU {data.sku!r} exists", details={"sku": data.sku}) from None
        self._invalidate_after_commit()
        return product

    def update_product(self, product_id: int, data: ProductUpdate) -> Product:
        product = self.products.get_for_update(product_id)
        if product is None:
            raise NotFound("product not found", details={"product_id": product_id})
        changes = data.model_dump(exclude_unset=True)
        for name, value in changes.items():
            if value is None and name in {"name", "price_cents", "tax_exempt", "active", "description"}:
                continue
            setattr(product, name, value)
        self.ctx.session.flush()
        self.ctx.session.refresh(product)
        self._invalidate_after_commit()
        log.info("product updated", extra={"product_id": product_id, "fields": sorted(changes)})
        return product

    def deactivate_product(self, product_id: int) -> Product:
        product = self.products.get_for_update(product_id)
        if product is None:
            raise NotFound("product not found", details={"product_id": product_id})
        product.active = False
        self.ctx.session.flush()
        self.ctx.session.refresh(product)
        self._invalidate_after_commit()
        return product
