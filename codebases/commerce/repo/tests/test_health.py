"""Operations endpoints: liveness, readiness, metrics, request ids."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.main import create_app


def test_health_is_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_checks_database_and_redis(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def test_ready_is_503_when_redis_is_unreachable(settings, engine):
    broken = create_app(settings.with_overrides(redis_url="redis://127.0.0.1:1/0",
                                                redis_socket_timeout_seconds=0.5))
    with TestClient(broken) as c:
        response = c.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")


def test_request_id_is_echoed_or_generated(client):
    echoed = client.get("/health", headers={"X-Request-ID": "req-abc.123"})
    assert echoed.headers["X-Request-ID"] == "req-abc.123"
    generated = client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])


def test_error_bodies_carry_the_request_id(client):
    response = client.get("/v1/orders", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 401
    assert response.json()["error"]["request_id"] == "trace-42"


def test_metrics_count_requests_by_route_template(api):
    product = api.product()
    for _ in range(3):
        assert api.get(f"/v1/products/{product['id']}").status_code == 200
    text = api.client.get("/metrics").text
    assert "# TYPE http_requests_total counter" in text
    line = next(l for l in text.splitlines()
                if l.startswith('http_requests_total{method="GET",route="/v1/products/{product_id}",status="200"}'))
    assert float(line.rsplit(" ", 1)[1]) >= 3
    assert f'/v1/products/{product["id"]}"' not in text  # raw paths never become labels
    assert 'http_request_duration_seconds_bucket{method="GET",route="/v1/products/{product_id}",le="+Inf"}' in text
