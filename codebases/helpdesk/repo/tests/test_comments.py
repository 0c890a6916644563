from tests.conftest import new_ticket


def test_customers_never_see_internal_notes(acme):
    new_ticket(acme.customer)
    acme.agent.post("/v1/tickets/1/comments", {"body": "public"}, format="json")
    acme.agent.post("/v1/tickets/1/comments", {"body": "secret note", "internal": True}, format="json")
    assert [c["body"] for c in acme.customer.get("/v1/tickets/1/comments").json()["items"]] == ["public"]
    assert len(acme.agent.get("/v1/tickets/1/comments").json()["items"]) == 2
    assert acme.customer.post("/v1/tickets/1/comments", {"body": "x", "internal": True}, format="json").status_code == 403


def test_a_customer_reply_reopens_a_resolved_ticket(acme):
    new_ticket(acme.customer)
    acme.agent.patch("/v1/tickets/1", {"status": "resolved"}, format="json")
    acme.customer.post("/v1/tickets/1/comments", {"body": "still broken"}, format="json")
    assert acme.agent.get("/v1/tickets/1").json()["status"] == "open"


def test_an_agent_reply_opens_a_new_ticket_and_closed_tickets_take_no_comments(acme):
    new_ticket(acme.customer)
    acme.agent.post("/v1/tickets/1/comments", {"body": "looking"}, format="json")
    assert acme.agent.get("/v1/tickets/1").json()["status"] == "open"
    acme.agent.patch("/v1/tickets/1", {"status": "closed"}, format="json")
    assert acme.customer.post("/v1/tickets/1/comments", {"body": "hello?"}, format="json").status_code == 409


def test_comments_page_by_cursor(acme):
    new_ticket(acme.customer)
    for n in range(3):
        acme.agent.post("/v1/tickets/1/comments", {"body": f"c{n}"}, format="json")
    first = acme.agent.get("/v1/tickets/1/comments?limit=2").json()
    rest = acme.agent.get(f"/v1/tickets/1/comments?limit=2&cursor={first['next_cursor']}").json()
    assert [c["body"] for c in first["items"] + rest["items"]] == ["c0", "c1", "c2"]


def test_attachments_record_metadata(acme):
    new_ticket(acme.customer)
    body = {"filename": "log.txt", "content_type": "text/plain", "size_bytes": 12, "sha256": "a" * 64}
    assert acme.customer.post("/v1/tickets/1/attachments", body, format="json").status_code == 201
    assert acme.customer.post("/v1/tickets/1/attachments", {**body, "sha256": "zz"}, format="json").status_code == 422
    assert acme.agent.get("/v1/tickets/1").json()["attachment_count"] == 1
