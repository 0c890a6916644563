from datetime import timedelta

from core import clock
from tests.conftest import new_ticket
from tickets.models import Ticket


def test_sla_report_counts_breached_active_tickets(acme):
    new_ticket(acme.agent, priority="high")
    new_ticket(acme.agent, priority="high")
    Ticket.objects.filter(number=1).update(due_at=clock.now() - timedelta(minutes=1))
    body = acme.agent.get("/v1/reports/sla").json()
    assert body["priorities"]["high"] == {"active": 2, "breached": 1}
    assert acme.customer.get("/v1/reports/sla").status_code == 403


def test_workload_counts_active_assigned_tickets(acme):
    new_ticket(acme.customer)
    acme.agent.patch("/v1/tickets/1", {"assignee_id": acme.id_of("agent")}, format="json")
    items = acme.agent.get("/v1/reports/workload").json()["items"]
    assert items[0] == {"id": acme.id_of("agent"), "name": "Agent", "active": 1}
