from django.test import override_settings

from core import redis_client


@override_settings(RATE_LIMIT_PER_MINUTE=3)
def test_reads_over_the_limit_get_429_with_retry_after(acme):
    answers = [acme.agent.get("/v1/tickets") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["X-RateLimit-Limit"] == "3"
    assert answers[2]["X-RateLimit-Remaining"] == "0"
    assert int(answers[3]["Retry-After"]) >= 1
    assert answers[3].json()["error"]["code"] == "rate_limited"


@override_settings(RATE_LIMIT_WRITES_PER_MINUTE=2)
def test_writes_have_their_own_limit_per_token(acme):
    codes = [acme.agent.post("/v1/tickets", {"subject": "x"}, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert acme.customer.post("/v1/tickets", {"subject": "x"}, format="json").status_code == 201
    assert acme.agent.get("/v1/tickets").status_code == 200


@override_settings(RATE_LIMIT_PER_MINUTE=5)
def test_the_count_lives_in_redis_for_every_process(acme):
    acme.agent.get("/v1/tickets")
    keys = list(redis_client.client().scan_iter(match=redis_client.key("rl", "all", "*")))
    assert len(keys) == 1
    assert redis_client.client().get(keys[0]) == "1"


@override_settings(RATE_LIMIT_ENABLED=False, RATE_LIMIT_PER_MINUTE=1)
def test_limits_can_be_turned_off(acme):
    assert [acme.agent.get("/v1/tickets").status_code for _ in range(3)] == [200, 200, 200]
