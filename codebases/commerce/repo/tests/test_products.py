"""The product catalogue and its cache."""

from __future__ import annotations


def test_create_and_get_product(api):
    created = api.post("/v1/products", json={"sku": "MUG-1", "name": "Mug", "price_cents": 1299,
                                             "description": "A mug"})
    assert created.status_code == 201
    body = created.json()
    assert body["sku"] == "MUG-1" and body["price_cents"] == 1299 and body["active"] is True
    fetched = api.get(f"/v1/products/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "Mug"


def test_duplicate_sku_is_409(api):
    assert api.post("/v1/products", json={"sku": "DUP", "name": "A", "price_cents": 1}).status_code == 201
    response = api.post("/v1/products", json={"sku": "DUP", "name": "B", "price_cents": 2})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_invalid_product_is_422_with_details(api):
    response = api.post("/v1/products", json={"sku": "BAD", "name": "x", "price_cents": -5})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(d["loc"][-1] == "price_cents" for d in error["details"])
    unknown_field = api.post("/v1/products", json={"sku": "X", "name": "x", "price_cents": 1, "colour": "red"})
    assert unknown_field.status_code == 422


def test_product_reads_are_cached_and_invalidated_on_update(api):
    product = api.product(price_cents=1000, stock=0)
    first = api.get(f"/v1/products/{product['id']}")
    second = api.get(f"/v1/products/{product['id']}")
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert second.json() == first.json()
    listed = api.get("/v1/products")
    assert api.get("/v1/products").headers["X-Cache"] == "HIT"

    updated = api.patch(f"/v1/products/{product['id']}", json={"price_cents": 1500})
    assert updated.status_code == 200 and updated.json()["price_cents"] == 1500
    after = api.get(f"/v1/products/{product['id']}")
    assert after.headers["X-Cache"] == "MISS"
    assert after.json()["price_cents"] == 1500
    relisted = api.get("/v1/products")
    assert relisted.headers["X-Cache"] == "MISS"
    assert [p["price_cents"] for p in relisted.json()["items"]] == [1500]
    assert listed.json()["items"][0]["price_cents"] == 1000


def test_product_list_pages_with_a_cursor(api):
    ids = [api.product(sku=f"P-{i:02d}", stock=0)["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/products", params=params).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    assert api.get("/v1/products", params={"limit": 500}).status_code == 422
    assert api.get("/v1/products", params={"cursor": "garbage!"}).status_code == 422


def test_product_search_and_deactivation(api):
    api.product(sku="LAMP-1", name="Desk lamp", stock=0)
    chair = api.product(sku="CHAIR-1", name="Office chair", stock=0)
    found = api.get("/v1/products", params={"q": "lamp"}).json()["items"]
    assert [p["sku"] for p in found] == ["LAMP-1"]
    assert api.get("/v1/products", params={"q": "%"}).json()["items"] == []  # wildcards are literal
    assert api.delete(f"/v1/products/{chair['id']}").json()["active"] is False
    active = api.get("/v1/products", params={"active": "true"}).json()["items"]
    assert [p["sku"] for p in active] == ["LAMP-1"]
