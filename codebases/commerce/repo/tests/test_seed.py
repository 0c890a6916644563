"""Deterministic demo data and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from app.security import deterministic_api_key
from app.seed import SeedOptions, seed

REPO = Path(__file__).resolve().parent.parent


def test_seed_is_deterministic_and_usable(db, settings, client: TestClient):
    tenants = seed(db, settings, SeedOptions(tenants=2, products=8, customers=5, orders=12, seed=7))
    db.commit()
    assert [t.slug for t in tenants] == ["acme", "globex"]
    assert tenants[0].keys["staff"] == deterministic_api_key("7:acme:staff", settings.api_key_pepper)[0]
    headers = {"Authorization": f"Bearer {tenants[0].keys['viewer']}"}
    orders = client.get("/v1/orders", params={"limit": 50}, headers=headers).json()["items"]
    assert len(orders) == 12
    for order in orders:
        assert order["total_cents"] == order["subtotal_cents"] + order["tax_cents"]
        assert order["subtotal_cents"] == sum(i["line_total_cents"] for i in order["items"])
    invoiced = [o for o in orders if o["paid_at"]]
    invoices = client.get("/v1/invoices", params={"limit": 50}, headers=headers).json()["items"]
    assert len(invoices) == len(invoiced)
    other = client.get("/v1/orders", headers={"Authorization": f"Bearer {tenants[1].keys['admin']}"}).json()
    assert {o["id"] for o in other["items"]}.isdisjoint({o["id"] for o in orders})


def test_cli_seed_prints_keys_and_refuses_to_seed_twice():
    command = [sys.executable, "-m", "app.cli", "seed", "--tenants", "1", "--products", "3", "--customers", "2",
               "--orders", "4"]
    first = subprocess.run(command, cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    assert out["tenants"][0]["slug"] == "acme"
    assert set(out["tenants"][0]["keys"]) == {"admin", "staff", "viewer"}
    second = subprocess.run(command, cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert "exists" in second.stderr
