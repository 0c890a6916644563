from unittest import mock

from tests.conftest import client_with


def test_health_answers_without_credentials():
    response = client_with().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_database_and_redis():
    response = client_with().get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_ready_says_503_when_redis_is_unreachable():
    broken = mock.Mock()
    broken.ping.side_effect = ConnectionError("refused")
    with mock.patch("core.redis_client.client", return_value=broken):
        response = client_with().get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "unavailable"


def test_metrics_count_requests_by_route_template(acme):
    acme.agent.get("/v1/tickets/41")
    acme.agent.get("/v1/tickets/42")
    text = client_with().get("/metrics").content.decode()
    assert 'route="/v1/tickets/<int:number>",status="404"} 2' in text
    assert "/v1/tickets/41" not in text


def test_every_answer_carries_a_request_id_and_echoes_the_callers():
    assert len(client_with().get("/health")["X-Request-Id"]) == 32
    assert client_with().get("/health", HTTP_X_REQUEST_ID="abc-123")["X-Request-Id"] == "abc-123"
    assert client_with().get("/health", HTTP_X_REQUEST_ID="bad id!")["X-Request-Id"] != "bad id!"
