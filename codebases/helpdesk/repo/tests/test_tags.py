from tests.conftest import new_ticket


def test_tag_names_are_case_insensitive(acme):
    new_ticket(acme.agent, tags=["Billing"])
    new_ticket(acme.agent, tags=["BILLING", "vip"])
    items = acme.agent.get("/v1/tags").json()["items"]
    assert items == [{"name": "billing", "tickets": 2}, {"name": "vip", "tickets": 1}]


def test_agents_add_and_remove_tags(acme):
    new_ticket(acme.customer, tags=["a"])
    body = acme.agent.post("/v1/tickets/1/tags", {"add": ["B"], "remove": ["A"]}, format="json").json()
    assert body["tags"] == ["b"]
    assert acme.customer.post("/v1/tickets/1/tags", {"add": ["x"]}, format="json").status_code == 403


def test_tag_counts_are_cached_and_forgotten_on_change(acme):
    new_ticket(acme.agent, tags=["a"])
    assert acme.agent.get("/v1/tags")["X-Cache"] == "miss"
    assert acme.agent.get("/v1/tags")["X-Cache"] == "hit"
    new_ticket(acme.agent, tags=["a"])
    response = acme.agent.get("/v1/tags")
    assert response["X-Cache"] == "miss" and response.json()["items"] == [{"name": "a", "tickets": 2}]
