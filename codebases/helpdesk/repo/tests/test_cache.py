from tests.conftest import new_ticket


def test_ticket_detail_is_cached_and_forgotten_after_a_change(acme):
    new_ticket(acme.customer)
    assert acme.agent.get("/v1/tickets/1")["X-Cache"] == "miss"
    assert acme.agent.get("/v1/tickets/1")["X-Cache"] == "hit"
    acme.agent.patch("/v1/tickets/1", {"subject": "Renamed"}, format="json")
    response = acme.agent.get("/v1/tickets/1")
    assert response["X-Cache"] == "miss" and response.json()["subject"] == "Renamed"


def test_a_cached_ticket_is_still_only_for_those_who_may_see_it(acme):
    new_ticket(acme.customer)
    assert acme.agent.get("/v1/tickets/1").status_code == 200
    assert acme.customer2.get("/v1/tickets/1").status_code == 404


def test_customer_profile_counts_tickets_and_is_cached(acme):
    customer = acme.id_of("customer")
    new_ticket(acme.customer)
    first = acme.agent.get(f"/v1/customers/{customer}")
    assert first["X-Cache"] == "miss" and first.json()["tickets"]["total"] == 1
    assert acme.agent.get(f"/v1/customers/{customer}")["X-Cache"] == "hit"
    new_ticket(acme.customer)
    assert acme.agent.get(f"/v1/customers/{customer}").json()["tickets"]["total"] == 2


def test_customer_profile_shows_an_edited_customer(acme):
    customer = acme.id_of("customer")
    acme.agent.get(f"/v1/customers/{customer}")
    acme.admin.patch(f"/v1/members/{customer}", {"company": "New Co"}, format="json")
    assert acme.agent.get(f"/v1/customers/{customer}").json()["company"] == "New Co"


def test_customer_profiles_are_for_agents_of_the_same_org(acme, globex):
    assert acme.customer.get(f"/v1/customers/{acme.id_of('customer2')}").status_code == 403
    assert globex.agent.get(f"/v1/customers/{acme.id_of('customer')}").status_code == 404
    assert acme.agent.get(f"/v1/customers/{acme.id_of('agent')}").status_code == 404
