"""The upgrade observed from outside: `migrate up` on a database at version 8 holding copies of
webhook endpoints, the endpoints' rows afterwards, and what the API does on the result."""

from __future__ import annotations

from datetime import datetime

import shipkit as sk
from conftest import DELIVERIES, ENDPOINTS, IDS, KEY, TENANTS, X
from gradekit import pg


def _endpoints() -> dict[str, tuple]:
    """endpoint name -> (url, secret, events, active, created_at), None when the row is gone"""
    with pg.connect() as con:
        rows = con.execute("SELECT id, url, secret, events, active, created_at FROM webhook_endpoints"
                           " WHERE id = ANY(%s)", (list(IDS.values()),)).fetchall()
    by_id = {row[0]: tuple(row[1:]) for row in rows}
    return {name: by_id.get(endpoint_id) for name, endpoint_id in IDS.items()}


def _as_inserted(name: str) -> tuple:
    _, url, events, active, created = ENDPOINTS[name]
    return (url, f"whsec_{name}", events, active, datetime.fromisoformat(created))


# --- fail_to_pass --------------------------------------------------------------------------------


def test_the_upgrade_succeeds_on_production_data(database):
    assert database.returncode == 0, f"migrate up exited {database.returncode}:\n{database.stdout}{database.stderr}"
    status = sk.migrate("status").stdout
    assert "pending" not in status, status


def test_each_url_keeps_its_first_endpoint_active(database):
    active = {name: row[3] for name, row in _endpoints().items() if row is not None}
    assert (active.get("x1"), active.get("x2"), active.get("x3")) == (True, False, False), \
        f"active endpoints of {X}: {active}"


def test_a_shipment_reaches_each_url_once_after_the_upgrade(server):
    with sk.client(server, KEY) as api:
        shipment = sk.shipment(api, sk.parcel(api)["id"])
    with pg.connect() as con:
        got = sorted(row[0] for row in con.execute(
            "SELECT endpoint_id FROM webhook_deliveries WHERE tenant_id = %s AND event_type = 'shipment.created'"
            " AND payload->'data'->>'id' = %s", (TENANTS["legacy"], str(shipment["id"]))).fetchall())
    names = {endpoint_id: name for name, endpoint_id in IDS.items()}
    assert [names.get(e, e) for e in got] == ["x1", "y1", "z2"]


def test_registering_an_active_url_again_is_refused(server):
    with sk.client(server, KEY) as api:
        again = api.post("/v1/webhooks", json={"url": X, "events": ["*"]})
    assert again.status_code == 409, again.text
    with pg.connect() as con:
        active = con.execute("SELECT count(*) FROM webhook_endpoints WHERE tenant_id = %s AND url = %s AND active",
                             (TENANTS["legacy"], X)).fetchone()[0]
    assert active == 1


# --- pass_to_pass --------------------------------------------------------------------------------


def test_nothing_else_changes(database):
    rows = _endpoints()
    assert all(row is not None for row in rows.values()), f"endpoints deleted: {[n for n, r in rows.items() if r is None]}"
    for name in ENDPOINTS:
        expected = _as_inserted(name)
        if name in ("x2", "x3"):  # the copies: only whether they are active may change
            assert rows[name][:3] + rows[name][4:] == expected[:3] + expected[4:], (name, rows[name])
        else:
            assert rows[name] == expected, (name, rows[name])
    with pg.connect() as con:
        kept = dict(con.execute("SELECT id, status FROM webhook_deliveries WHERE id = ANY(%s)",
                                (list(DELIVERIES.values()),)).fetchall())
    assert kept == {delivery: "delivered" for delivery in DELIVERIES.values()}


def test_new_tenants_register_and_delete_endpoints(server):
    tenant = sk.new_tenant(server)
    with sk.client(server, tenant.admin) as api:
        made = api.post("/v1/webhooks", json={"url": X, "events": ["shipment.created"]})
        assert made.status_code == 201, made.text
        assert api.delete(f"/v1/webhooks/{made.json()['id']}").status_code == 204
        again = api.post("/v1/webhooks", json={"url": X, "events": ["*"]})
        assert again.status_code == 201, again.text
        listed = api.get("/v1/webhooks").json()["data"]
    assert [(e["url"], e["active"]) for e in listed] == [(X, False), (X, True)]
