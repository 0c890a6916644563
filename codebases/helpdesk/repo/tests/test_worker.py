from datetime import timedelta

from core import clock
from core.worker import Worker
from hooks.models import Delivery
from tests.conftest import new_ticket
from tickets.escalation import escalate_due
from tickets.models import Ticket


def test_breached_tickets_are_escalated_once(acme):
    new_ticket(acme.customer, priority="normal")
    new_ticket(acme.customer, priority="normal")
    Ticket.objects.filter(number=1).update(due_at=clock.now() - timedelta(minutes=5))
    assert escalate_due() == 1
    assert escalate_due() == 0
    body = acme.agent.get("/v1/tickets/1").json()
    assert body["priority"] == "high" and body["escalated"] is True
    assert acme.agent.get("/v1/tickets?escalated=true").json()["items"][0]["number"] == 1


def test_escalation_emits_an_event(acme):
    acme.admin.post("/v1/webhooks", {"url": "http://127.0.0.1:9/h", "events": ["ticket.sla_breached"]}, format="json")
    new_ticket(acme.customer)
    Ticket.objects.update(due_at=clock.now() - timedelta(minutes=5))
    escalate_due()
    assert list(Delivery.objects.values_list("event", flat=True)) == ["ticket.sla_breached"]


def test_resolved_tickets_are_never_escalated(acme):
    new_ticket(acme.customer)
    acme.customer.patch("/v1/tickets/1", {"status": "resolved"}, format="json")
    Ticket.objects.update(due_at=clock.now() - timedelta(minutes=5))
    assert escalate_due() == 0


def test_run_once_works_until_nothing_is_due(acme):
    new_ticket(acme.customer)
    Ticket.objects.update(due_at=clock.now() - timedelta(minutes=5))
    assert Worker(0.1, 10).run_once() == 1


def test_stop_ends_the_loop():
    worker = Worker(0.05, 10)
    worker.stop()
    worker.run()
    assert worker.stopping.is_set()
