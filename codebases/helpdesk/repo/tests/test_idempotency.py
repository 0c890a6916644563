from tickets.models import Ticket


def post(client, key, subject="Same"):
    return client.post("/v1/tickets", {"subject": subject}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_gets_the_first_answer(acme):
    first = post(acme.agent, "k-1")
    again = post(acme.agent, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_the_same_key_with_another_body_is_422(acme):
    post(acme.agent, "k-2")
    response = post(acme.agent, "k-2", subject="Different")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_member(acme):
    post(acme.agent, "k-3")
    post(acme.customer, "k-3")
    assert Ticket.objects.count() == 2


def test_without_a_key_every_post_creates(acme):
    acme.agent.post("/v1/tickets", {"subject": "a"}, format="json")
    acme.agent.post("/v1/tickets", {"subject": "a"}, format="json")
    assert Ticket.objects.count() == 2
