from tests.conftest import new_ticket


def test_tickets_are_numbered_per_organisation(acme, globex):
    assert [new_ticket(acme.customer)["number"] for _ in range(3)] == [1, 2, 3]
    assert new_ticket(globex.customer)["number"] == 1


def test_a_new_ticket_has_an_sla_due_date_by_priority(acme):
    urgent = new_ticket(acme.agent, priority="urgent")
    low = new_ticket(acme.agent, priority="low")
    assert urgent["due_at"] < low["due_at"]
    assert urgent["status"] == "new" and urgent["version"] == 1


def test_creation_validates_the_body(acme):
    response = acme.agent.post("/v1/tickets", {"subject": "", "priority": "meh"}, format="json")
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]) == {"subject", "priority"}


def test_agents_raise_tickets_for_customers_customers_only_for_themselves(acme, globex):
    ticket = new_ticket(acme.agent, requester_id=acme.id_of("customer"))
    assert ticket["requester"]["id"] == acme.id_of("customer")
    response = acme.customer.post("/v1/tickets", {"subject": "x", "requester_id": acme.id_of("customer2")}, format="json")
    assert response.status_code == 403
    response = acme.agent.post("/v1/tickets", {"subject": "x", "requester_id": globex.id_of("customer")}, format="json")
    assert response.status_code == 403


def test_customers_see_only_their_own_tickets(acme):
    mine = new_ticket(acme.customer, "mine")
    theirs = new_ticket(acme.customer2, "theirs")
    listed = acme.customer.get("/v1/tickets").json()["items"]
    assert [t["number"] for t in listed] == [mine["number"]]
    assert acme.customer.get(f"/v1/tickets/{theirs['number']}").status_code == 404
    assert len(acme.agent.get("/v1/tickets").json()["items"]) == 2


def test_tenants_never_see_each_others_tickets(acme, globex):
    new_ticket(acme.customer, "acme only")
    assert globex.agent.get("/v1/tickets").json()["items"] == []
    assert globex.agent.get("/v1/tickets/1").status_code == 404
    assert globex.agent.patch("/v1/tickets/1", {"status": "closed"}, format="json").status_code == 404
    assert globex.agent.post("/v1/tickets/1/comments", {"body": "hi"}, format="json").status_code == 404
    assert acme.agent.get("/v1/tickets/1").json()["status"] == "new"


def test_listing_pages_by_cursor_newest_first(acme):
    for n in range(5):
        new_ticket(acme.agent, f"t{n}")
    first = acme.agent.get("/v1/tickets?limit=2").json()
    second = acme.agent.get(f"/v1/tickets?limit=2&cursor={first['next_cursor']}").json()
    third = acme.agent.get(f"/v1/tickets?limit=2&cursor={second['next_cursor']}").json()
    assert [t["number"] for t in first["items"] + second["items"] + third["items"]] == [5, 4, 3, 2, 1]
    assert third["next_cursor"] is None
    assert acme.agent.get("/v1/tickets?cursor=nonsense").status_code == 422
    assert acme.agent.get("/v1/tickets?limit=1000").status_code == 422


def test_listing_filters(acme):
    new_ticket(acme.agent, "Login broken", priority="high", tags=["login"])
    new_ticket(acme.agent, "Invoice", priority="low", tags=["Billing"])
    numbers = lambda q: [t["number"] for t in acme.agent.get("/v1/tickets?" + q).json()["items"]]  # noqa: E731
    assert numbers("priority=high") == [1]
    assert numbers("tag=BILLING") == [2]
    assert numbers("q=invoice") == [2]
    assert numbers("assignee=none") == [2, 1]


def test_listing_counts_public_comments(acme):
    ticket = new_ticket(acme.customer)
    for body, internal in (("a", False), ("b", False), ("note", True)):
        acme.agent.post(f"/v1/tickets/{ticket['number']}/comments", {"body": body, "internal": internal}, format="json")
    assert acme.agent.get("/v1/tickets").json()["items"][0]["comment_count"] == 2


def test_patch_with_a_stale_if_match_is_412(acme):
    ticket = new_ticket(acme.agent)
    etag = acme.agent.get("/v1/tickets/1")["ETag"]
    assert acme.agent.patch("/v1/tickets/1", {"priority": "high"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    response = acme.agent.patch("/v1/tickets/1", {"priority": "low"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert acme.agent.get("/v1/tickets/1").json()["priority"] == "high"
    assert ticket["version"] == 1


def test_only_admins_delete_tickets(acme):
    new_ticket(acme.agent)
    assert acme.agent.delete("/v1/tickets/1").status_code == 403
    assert acme.admin.delete("/v1/tickets/1").status_code == 204
    assert acme.agent.get("/v1/tickets/1").status_code == 404
