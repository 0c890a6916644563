import signal
import commercekit as ck
from gradekit import pg


def test_end_to_end():
    data = ck.setup(tenants=2, products=20, customers=20, orders=60)
    assert data.tenant("acme")["counts"]["orders"] == 60
    with ck.serve() as server:
        acme = ck.api(server, data.key("acme", "staff"))
        globex = ck.api(server, data.key("globex", "admin"))
        r = acme.get("/v1/orders", params={"limit": 50})
        assert r.status_code == 200 and len(r.json()["items"]) == 50
        with pg.measure() as work:
            r = acme.get("/v1/orders", params={"limit": 50})
        print(work.summary())
        assert work.calls <= 6
        product = acme.get("/v1/products", params={"active": "true"}).json()["items"][0]
        customer = acme.get("/v1/customers").json()["items"][0]
        order = acme.place_order(customer["id"], [(product["id"], 1)]).json()
        assert globex.get(f"/v1/orders/{order['id']}").status_code == 404
        assert acme.pay(order["id"]).status_code == 201
        ck.run_worker_burst()
        inv = ck.one("SELECT number FROM invoices WHERE order_id = %s", (order["id"],))
        assert inv["number"].startswith("INV-")
        t = ck.create_tenant(server, "newco")
        assert ck.api(server, t["admin_api_key"]).get("/v1/me").status_code == 200
        w = ck.start_worker()
        w.signal(signal.SIGTERM)
        assert w.wait(20) == 0
        assert ck.wait_for_log(w, "worker stopped")
        logs = ck.json_lines(server.output())
        print(logs[-3:])
