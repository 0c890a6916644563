import pytest

from tests.conftest import new_ticket
from tickets import workflow


@pytest.mark.parametrize("current,target,ok", [
    ("new", "open", True), ("open", "pending", True), ("pending", "open", True), ("open", "resolved", True),
    ("resolved", "open", True), ("resolved", "closed", True), ("closed", "open", False), ("new", "new", True),
])
def test_transitions(current, target, ok):
    if ok:
        workflow.check(current, target, by_customer=False)
    else:
        with pytest.raises(workflow.TransitionError):
            workflow.check(current, target, by_customer=False)


def test_customers_may_only_resolve_or_reopen():
    workflow.check("open", "resolved", by_customer=True)
    workflow.check("resolved", "open", by_customer=True)
    with pytest.raises(workflow.TransitionError):
        workflow.check("open", "pending", by_customer=True)


def test_the_api_refuses_a_forbidden_move_with_409(acme):
    new_ticket(acme.customer)
    assert acme.agent.patch("/v1/tickets/1", {"status": "closed"}, format="json").status_code == 200
    response = acme.agent.patch("/v1/tickets/1", {"status": "open"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_resolving_clears_the_due_date_and_reopening_restores_it(acme):
    ticket = new_ticket(acme.customer)
    resolved = acme.customer.patch("/v1/tickets/1", {"status": "resolved"}, format="json").json()
    assert resolved["due_at"] is None and resolved["resolved_at"]
    reopened = acme.customer.patch("/v1/tickets/1", {"status": "open"}, format="json").json()
    assert reopened["due_at"] == ticket["due_at"] and reopened["resolved_at"] is None


def test_assigning_opens_a_new_ticket(acme):
    new_ticket(acme.customer)
    body = acme.agent.patch("/v1/tickets/1", {"assignee_id": acme.id_of("agent")}, format="json").json()
    assert body["status"] == "open" and body["assignee"]["id"] == acme.id_of("agent")
    response = acme.agent.patch("/v1/tickets/1", {"assignee_id": acme.id_of("customer")}, format="json")
    assert response.status_code == 403


def test_customers_cannot_reassign_or_reprioritise(acme):
    new_ticket(acme.customer)
    assert acme.customer.patch("/v1/tickets/1", {"priority": "urgent"}, format="json").status_code == 403


def test_activity_trail_records_changes(acme):
    new_ticket(acme.customer)
    acme.agent.patch("/v1/tickets/1", {"priority": "high"}, format="json")
    items = acme.agent.get("/v1/tickets/1/activity").json()["items"]
    assert [i["kind"] for i in items] == ["created", "updated"]
    assert items[1]["data"] == {"priority": ["normal", "high"]}
    assert acme.customer.get("/v1/tickets/1/activity").status_code == 403
