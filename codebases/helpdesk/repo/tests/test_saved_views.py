from tests.conftest import new_ticket


def test_saved_views_filter_tickets(acme):
    new_ticket(acme.agent, "a", priority="urgent")
    new_ticket(acme.agent, "b", priority="low")
    view = acme.agent.post("/v1/views", {"name": "Hot", "filters": {"priority": "urgent"}}, format="json").json()
    body = acme.agent.get(f"/v1/views/{view['id']}/tickets").json()
    assert body["view"] == "Hot" and [t["subject"] for t in body["items"]] == ["a"]


def test_unknown_filters_are_refused(acme):
    response = acme.agent.post("/v1/views", {"name": "x", "filters": {"colour": "red"}}, format="json")
    assert response.status_code == 422


def test_private_views_stay_private_shared_ones_are_team_wide(acme, globex):
    private = acme.agent.post("/v1/views", {"name": "Mine", "filters": {}}, format="json").json()
    shared = acme.agent.post("/v1/views", {"name": "Team", "filters": {}, "shared": True}, format="json").json()
    assert acme.admin.get(f"/v1/views/{private['id']}").status_code == 404
    assert acme.admin.get(f"/v1/views/{shared['id']}").status_code == 200
    assert globex.agent.get(f"/v1/views/{shared['id']}").status_code == 404
    assert acme.customer.post("/v1/views", {"name": "x", "filters": {}, "shared": True}, format="json").status_code == 403


def test_a_customer_view_shows_only_their_tickets(acme):
    new_ticket(acme.customer, "mine")
    new_ticket(acme.customer2, "theirs")
    view = acme.customer.post("/v1/views", {"name": "All", "filters": {}}, format="json").json()
    assert [t["subject"] for t in acme.customer.get(f"/v1/views/{view['id']}/tickets").json()["items"]] == ["mine"]
