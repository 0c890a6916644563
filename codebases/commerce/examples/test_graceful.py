import signal, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import commercekit as ck


def test_sigterm_mid_delivery_finishes_the_job():
    hits = []
    class H(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            hits.append(time.monotonic())
            time.sleep(3)
            self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
        def log_message(self, *a): pass
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    data = ck.setup(tenants=1, products=5, customers=3, orders=2)
    with ck.serve() as server:
        acme = ck.api(server, data.key("acme", "admin"))
        assert acme.post("/v1/webhooks", json={"url": f"http://127.0.0.1:{srv.server_port}/h", "event_types": ["order.paid"]}).status_code == 201
        w = ck.start_worker()
        p = acme.get("/v1/products", params={"active": "true"}).json()["items"][0]
        c = acme.get("/v1/customers").json()["items"][0]
        o = acme.place_order(c["id"], [(p["id"], 1)]).json()
        assert acme.pay(o["id"]).status_code == 201
        deadline = time.monotonic() + 20
        while not hits and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hits
        w.signal(signal.SIGTERM)
        t0 = time.monotonic()
        assert w.wait(20) == 0
        print("exit after", time.monotonic() - t0)
        row = ck.one("SELECT status, attempts FROM webhook_deliveries")
        assert row == {"status": "succeeded", "attempts": 1}
        print([r["message"] for r in ck.json_lines(w.output())])
    srv.shutdown()
