"""Authentication (API keys), roles, and the operator API."""

from __future__ import annotations

from sqlalchemy import select

from app.models import ApiKey

from .conftest import ADMIN_TOKEN


def test_requests_without_a_key_are_401(client):
    response = client.get("/v1/products")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_and_malformed_keys_are_401(api):
    for key in ("ck_00000000_" + "x" * 32, "not-a-key", api.key + "x"):
        response = api.client.get("/v1/products", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401, key


def test_x_api_key_header_works_too(api):
    response = api.client.get("/v1/me", headers={"X-API-Key": api.key})
    assert response.status_code == 200
    assert response.json()["tenant_slug"] == "acme"
    assert response.json()["role"] == "admin"


def test_revoked_key_is_refused(api):
    staff = api.as_role("staff")
    assert staff.get("/v1/me").status_code == 200
    key_id = staff.get("/v1/me").json()["api_key_id"]
    revoked = api.delete(f"/v1/api-keys/{key_id}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert staff.get("/v1/me").status_code == 401


def test_roles_are_enforced(api):
    viewer = api.as_role("viewer")
    staff = api.as_role("staff")
    assert viewer.get("/v1/products").status_code == 200
    forbidden = viewer.post("/v1/products", json={"sku": "V-1", "name": "x", "price_cents": 100})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "forbidden"
    assert staff.post("/v1/products", json={"sku": "S-1", "name": "x", "price_cents": 100}).status_code == 201
    assert staff.get("/v1/users").status_code == 403  # user management is for admins
    assert staff.post("/v1/webhooks", json={"url": "http://example.com/h", "event_types": ["order.paid"]}
                      ).status_code == 403


def test_tenant_header_must_match_the_key(api, make_tenant):
    other = make_tenant("globex")
    assert api.get("/v1/me", headers={"X-Tenant-ID": "acme"}).status_code == 200
    assert api.get("/v1/me", headers={"X-Tenant-ID": str(api.tenant_id)}).status_code == 200
    response = api.get("/v1/me", headers={"X-Tenant-ID": str(other.tenant_id)})
    assert response.status_code == 403


def test_keys_are_stored_hashed(api, db):
    rows = db.scalars(select(ApiKey)).all()
    assert rows
    for row in rows:
        assert api.key not in (row.key_hash, row.prefix)
        assert len(row.key_hash) == 64
    assert api.key.split("_")[1] in {row.prefix for row in rows}


def test_operator_api_needs_the_operator_token(client):
    body = {"slug": "initech", "name": "Initech"}
    assert client.post("/admin/tenants", json=body).status_code == 401
    assert client.post("/admin/tenants", json=body, headers={"X-Admin-Token": "wrong"}).status_code == 401
    created = client.post("/admin/tenants", json=body, headers={"X-Admin-Token": ADMIN_TOKEN})
    assert created.status_code == 201
    assert created.json()["admin_api_key"].startswith("ck_")
    duplicate = client.post("/admin/tenants", json=body, headers={"X-Admin-Token": ADMIN_TOKEN})
    assert duplicate.status_code == 409


def test_suspended_tenant_is_refused(api):
    suspended = api.client.patch(f"/admin/tenants/{api.tenant_id}", json={"status": "suspended"},
                                 headers={"X-Admin-Token": ADMIN_TOKEN})
    assert suspended.status_code == 200
    assert api.get("/v1/me").status_code == 403
