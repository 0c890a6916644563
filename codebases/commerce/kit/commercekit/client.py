"""HTTP to the API as a tenant (API key), and the operators' API."""

from __future__ import annotations

import uuid
from typing import Any

import gradekit
import httpx

from .service import ADMIN_TOKEN


class Api:
    """A client of a running server that sends a tenant's API key with every request (a new
    connection per request: no keep-alive surprises on a busy machine)."""

    def __init__(self, base_url: str, key: str | None, *, tenant: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.key = key
        defaults = dict(headers or {})
        if key is not None:
            defaults["Authorization"] = f"Bearer {key}"
        if tenant is not None:
            defaults["X-Tenant-ID"] = str(tenant)
        self.http = gradekit.http(base_url=base_url, headers=defaults)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Api":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, *, idempotency_key: str | None = None,
                headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(headers or {})
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return self.http.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def as_key(self, key: str) -> "Api":
        return Api(self.base_url, key)

    # a few calls most tests make
    def place_order(self, customer_id: int, items: list[tuple[int, int]], **kwargs: Any) -> httpx.Response:
        return self.post("/v1/orders", json={"customer_id": customer_id,
                                             "items": [{"product_id": p, "quantity": q} for p, q in items]},
                         **kwargs)

    def pay(self, order_id: int, *, method: str = "tok_visa", idempotency_key: str | None = None,
            **body: Any) -> httpx.Response:
        return self.post(f"/v1/orders/{order_id}/pay", json={"method": method, **body},
                         idempotency_key=idempotency_key or f"pay-{order_id}-{uuid.uuid4().hex[:12]}")

    def stock(self, product_id: int) -> dict[str, Any]:
        response = self.get(f"/v1/products/{product_id}/stock")
        assert response.status_code == 200, response.text
        return response.json()


def api(server: gradekit.Server | str, key: str | None, **kwargs: Any) -> Api:
    """An Api on `server` (a gradekit Server or a base URL) with `key`."""
    base = server if isinstance(server, str) else server.url
    return Api(base, key, **kwargs)


def create_tenant(server: gradekit.Server | str, slug: str, *, name: str | None = None,
                  **fields: Any) -> dict[str, Any]:
    """POST /admin/tenants: the new tenant, its `admin_api_key` included."""
    base = server if isinstance(server, str) else server.url
    with gradekit.http(base_url=base) as http:
        response = http.post("/admin/tenants", headers={"X-Admin-Token": ADMIN_TOKEN},
                             json={"slug": slug, "name": name or slug.title(), **fields})
    assert response.status_code == 201, response.text
    return response.json()
