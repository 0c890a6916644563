import gradekit
import commercekit as ck


def test_concurrent_same_key_and_oversell():
    data = ck.setup(tenants=1, products=5, customers=3, orders=2)
    with ck.serve() as server:
        acme = ck.api(server, data.key("acme", "admin"))
        p = acme.get("/v1/products", params={"active": "true"}).json()["items"][0]
        c = acme.get("/v1/customers").json()["items"][0]
        o = acme.place_order(c["id"], [(p["id"], 1)]).json()
        hdr = {"Authorization": f"Bearer {data.key('acme','admin')}", "Idempotency-Key": "same-key-conc-1"}
        res = gradekit.burst([server.url], [("POST", f"/v1/orders/{o['id']}/pay", {"method": "tok_visa"})] * 8, workers=8, headers=hdr)
        print([r.status for r in res])
        assert {r.status for r in res} == {201}
        import json; assert len({json.dumps(r.body, sort_keys=True) for r in res}) == 1
        assert ck.scalar("SELECT count(*) FROM payments WHERE order_id = %s", (o["id"],)) == 1
        # oversell
        lvl = acme.stock(p["id"])
        acme.post("/v1/stock/adjustments", json={"product_id": p["id"], "warehouse_id": lvl["levels"][0]["warehouse_id"], "delta": -lvl["levels"][0]["available"]})
        acme.post("/v1/stock/adjustments", json={"product_id": p["id"], "warehouse_id": lvl["levels"][1]["warehouse_id"], "delta": -lvl["levels"][1]["available"]})
        acme.post("/v1/stock/adjustments", json={"product_id": p["id"], "warehouse_id": lvl["levels"][0]["warehouse_id"], "delta": 5})
        assert acme.stock(p["id"])["available"] == 5
        body = {"customer_id": c["id"], "items": [{"product_id": p["id"], "quantity": 1}]}
        hdr2 = {"Authorization": f"Bearer {data.key('acme','admin')}"}
        res = gradekit.burst([server.url], [("POST", "/v1/orders", body)] * 20, workers=16, headers=hdr2)
        statuses = sorted(r.status for r in res)
        print(statuses)
        assert statuses.count(201) == 5
        s = acme.stock(p["id"])
        assert s["available"] == 0 and s["reserved"] == 5
