"""Knowledge base, notifications, macros, ratings, merging, bulk changes, export, SLA policies."""

from tests.conftest import new_ticket


def test_kb_drafts_are_for_agents_published_articles_for_everyone(acme, globex):
    article = acme.agent.post("/v1/kb/articles", {"title": "Reset your password", "body": "Click reset."},
                              format="json").json()
    assert article["slug"] == "reset-your-password" and article["state"] == "draft"
    assert acme.customer.get(f"/v1/kb/articles/{article['slug']}").status_code == 404
    acme.agent.post(f"/v1/kb/articles/{article['slug']}/publish")
    assert acme.customer.get("/v1/kb/articles?q=password").json()["items"][0]["slug"] == article["slug"]
    assert acme.customer.post("/v1/kb/articles", {"title": "x", "body": "y"}, format="json").status_code == 403
    assert globex.agent.get(f"/v1/kb/articles/{article['slug']}").status_code == 404
    second = acme.agent.post("/v1/kb/articles", {"title": "Reset your password", "body": "2"}, format="json").json()
    assert second["slug"] == "reset-your-password-2"


def test_kb_feedback_counts(acme):
    slug = acme.agent.post("/v1/kb/articles", {"title": "A", "body": "b"}, format="json").json()["slug"]
    acme.agent.post(f"/v1/kb/articles/{slug}/publish")
    acme.customer.post(f"/v1/kb/articles/{slug}/feedback", {"helpful": True}, format="json")
    body = acme.customer.post(f"/v1/kb/articles/{slug}/feedback", {"helpful": False}, format="json").json()
    assert body == {"helpful": 1, "not_helpful": 1}


def test_notifications_for_assignment_and_replies(acme):
    new_ticket(acme.customer)
    acme.agent.patch("/v1/tickets/1", {"assignee_id": acme.id_of("agent")}, format="json")
    assert acme.agent.get("/v1/notifications").json()["items"] == []  # the actor is not notified
    acme.admin.patch("/v1/tickets/1", {"assignee_id": acme.id_of("admin")}, format="json")
    acme.customer.post("/v1/tickets/1/comments", {"body": "any news?"}, format="json")
    kinds = [n["kind"] for n in acme.admin.get("/v1/notifications").json()["items"]]
    assert "replied" in kinds
    assert acme.admin.get("/v1/notifications/unread-count").json()["unread"] == len(kinds)
    acme.admin.post("/v1/notifications/read", {"all": True}, format="json")
    assert acme.admin.get("/v1/notifications/unread-count").json()["unread"] == 0


def test_muted_kinds_are_not_sent(acme):
    acme.customer.post("/v1/notifications/preferences", {"kind": "status_changed", "enabled": False}, format="json")
    new_ticket(acme.customer)
    acme.agent.patch("/v1/tickets/1", {"status": "pending"}, format="json")
    assert acme.customer.get("/v1/notifications").json()["items"] == []


def test_macros_reply_and_change_the_ticket(acme):
    macro = acme.agent.post("/v1/macros", {"name": "Need logs", "reply": "Hi {requester}, logs for #{number}?",
                                           "actions": {"status": "pending", "add_tags": ["needs-info"]}},
                            format="json").json()
    new_ticket(acme.customer)
    body = acme.agent.post(f"/v1/tickets/1/macros/{macro['id']}").json()
    assert body["status"] == "pending" and body["tags"] == ["needs-info"]
    comments = acme.customer.get("/v1/tickets/1/comments").json()["items"]
    assert comments[-1]["body"] == "Hi Carol, logs for #1?"
    bad = acme.agent.post("/v1/macros", {"name": "x", "actions": {"delete": True}}, format="json")
    assert bad.status_code == 422


def test_ratings_only_by_the_requester_of_resolved_tickets(acme):
    new_ticket(acme.customer)
    assert acme.customer.put("/v1/tickets/1/rating", {"score": 5}, format="json").status_code == 409
    acme.agent.patch("/v1/tickets/1", {"status": "resolved"}, format="json")
    assert acme.agent.put("/v1/tickets/1/rating", {"score": 5}, format="json").status_code == 403
    assert acme.customer.put("/v1/tickets/1/rating", {"score": 9}, format="json").status_code == 422
    assert acme.customer.put("/v1/tickets/1/rating", {"score": 4}, format="json").status_code == 201
    assert acme.customer.put("/v1/tickets/1/rating", {"score": 2}, format="json").status_code == 200
    assert acme.agent.get("/v1/reports/satisfaction").json() == {"count": 1, "average": 2.0,
                                                                "scores": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}}


def test_merging_moves_comments_and_closes_the_duplicate(acme):
    new_ticket(acme.customer, "first")
    new_ticket(acme.customer, "dupe")
    acme.customer.post("/v1/tickets/2/comments", {"body": "more info"}, format="json")
    target = acme.agent.post("/v1/tickets/2/merge", {"into": 1}, format="json").json()
    assert target["number"] == 1 and target["comment_count"] == 1
    assert acme.agent.get("/v1/tickets/2").json()["status"] == "closed"
    assert acme.agent.post("/v1/tickets/1/merge", {"into": 1}, format="json").status_code == 422


def test_bulk_updates_report_each_ticket(acme):
    for _ in range(2):
        new_ticket(acme.customer)
    acme.agent.patch("/v1/tickets/2", {"status": "closed"}, format="json")
    body = acme.agent.post("/v1/tickets/bulk", {"numbers": [1, 2, 9], "changes": {"status": "pending"}},
                           format="json").json()
    assert [r["ok"] for r in body["results"]] == [True, False, False] and body["updated"] == 1


def test_export_streams_csv_for_admins(acme):
    new_ticket(acme.customer, "Exported")
    assert acme.agent.get("/v1/tickets/export.csv").status_code == 403
    response = acme.admin.get("/v1/tickets/export.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("number,subject") and lines[1].startswith("1,Exported,new")


def test_sla_policies_change_new_due_dates(acme):
    before = new_ticket(acme.agent, priority="low")
    assert acme.admin.put("/v1/sla-policies", {"low": 1}, format="json").json()["low"] == 1
    after = new_ticket(acme.agent, priority="low")
    assert after["due_at"] < before["due_at"]
    assert acme.agent.get("/v1/sla-policies").status_code == 403


def test_organisation_rename_is_for_admins(acme):
    assert acme.agent.patch("/v1/organization", {"name": "X"}, format="json").status_code == 403
    assert acme.admin.patch("/v1/organization", {"name": "Acme Ltd"}, format="json").json()["name"] == "Acme Ltd"


def test_invitations_make_members_once(acme):
    from tests.conftest import client_with

    invite = acme.admin.post("/v1/invitations", {"email": "Eve@acme.test", "role": "agent"}, format="json").json()
    anyone = client_with()
    accepted = anyone.post("/v1/invitations/accept", {"code": invite["code"], "name": "Eve"}, format="json")
    assert accepted.status_code == 201
    assert client_with(accepted.json()["token"]).get("/v1/me").json()["member"]["email"] == "eve@acme.test"
    again = anyone.post("/v1/invitations/accept", {"code": invite["code"], "name": "Eve"}, format="json")
    assert again.status_code == 422
    assert acme.agent.post("/v1/invitations", {"email": "x@acme.test", "role": "admin"}, format="json").status_code == 403


def test_admin_actions_are_audited(acme):
    acme.admin.post(f"/v1/members/{acme.id_of('agent')}/tokens", {"name": "ci"}, format="json")
    acme.admin.put("/v1/sla-policies", {"urgent": 2}, format="json")
    actions = [e["action"] for e in acme.admin.get("/v1/audit").json()["items"]]
    assert actions == ["sla.changed", "token.issued"]
    assert acme.agent.get("/v1/audit").status_code == 403


def test_followers_hear_about_replies(acme):
    new_ticket(acme.customer)
    acme.agent.post("/v1/tickets/1/followers", {"member_id": acme.id_of("admin")}, format="json")
    assert acme.agent.post("/v1/tickets/1/followers", {"member_id": acme.id_of("customer")},
                           format="json").status_code == 422
    acme.customer.post("/v1/tickets/1/comments", {"body": "hello"}, format="json")
    assert [n["kind"] for n in acme.admin.get("/v1/notifications").json()["items"]] == ["replied"]


def test_time_entries_add_up_per_company(acme):
    new_ticket(acme.customer)
    acme.agent.post("/v1/tickets/1/time", {"minutes": 30}, format="json")
    acme.agent.post("/v1/tickets/1/time", {"minutes": 15, "billable": False}, format="json")
    assert acme.agent.get("/v1/tickets/1/time").json()["total_minutes"] == 45
    assert acme.agent.get("/v1/reports/time").json()["items"] == [{"company": "Carol Co", "minutes": 30}]
    assert acme.agent.post("/v1/tickets/1/time", {"minutes": 5, "spent_on": "2999-01-01"},
                           format="json").status_code == 422


def test_trends_count_created_tickets_per_day(acme):
    new_ticket(acme.customer)
    days = acme.agent.get("/v1/reports/trends?days=3").json()["days"]
    assert len(days) == 3 and days[-1]["created"] == 1
    assert acme.agent.get("/v1/reports/trends?days=0").status_code == 422


def test_companies_count_customers_and_active_tickets(acme):
    new_ticket(acme.customer)
    assert acme.agent.get("/v1/companies").json()["items"] == [
        {"company": "Carol Co", "customers": 1, "active_tickets": 1}]


def test_webhook_secrets_rotate_and_pings_queue(acme):
    hook = acme.admin.post("/v1/webhooks", {"url": "http://127.0.0.1:9/h", "events": ["ticket.created"]},
                           format="json").json()
    rotated = acme.admin.post(f"/v1/webhooks/{hook['id']}/rotate-secret").json()
    assert rotated["secret"] != hook["secret"]
    assert acme.admin.post(f"/v1/webhooks/{hook['id']}/ping").json()["event"] == "ping"


def test_openapi_names_every_route():
    from tests.conftest import client_with

    spec = client_with().get("/openapi.json").json()
    assert "/v1/tickets/{number}" in spec["paths"]
    assert set(spec["paths"]["/v1/tickets/{number}"]) == {"get", "patch", "delete"}
    assert "security" not in spec["paths"]["/health"]["get"]


def test_custom_fields_are_typed_and_scoped(acme):
    assert acme.agent.post("/v1/fields", {"key": "plan", "label": "Plan", "type": "choice"},
                           format="json").status_code == 403
    assert acme.admin.post("/v1/fields", {"key": "plan", "label": "Plan", "type": "choice"},
                           format="json").status_code == 422
    acme.admin.post("/v1/fields", {"key": "plan", "label": "Plan", "type": "choice", "choices": ["free", "pro"]},
                    format="json")
    acme.admin.post("/v1/fields", {"key": "risk", "label": "Risk", "type": "number", "customer_visible": False},
                    format="json")
    new_ticket(acme.customer)
    assert acme.customer.put("/v1/tickets/1/fields", {"plan": "pro"}, format="json").json() == {"plan": "pro"}
    assert acme.customer.put("/v1/tickets/1/fields", {"risk": 3}, format="json").status_code == 422
    assert acme.agent.put("/v1/tickets/1/fields", {"plan": "gold"}, format="json").status_code == 422
    assert acme.agent.put("/v1/tickets/1/fields", {"risk": 3}, format="json").json() == {"plan": "pro", "risk": 3}
    assert acme.customer.get("/v1/tickets/1/fields").json() == {"plan": "pro"}


def test_cli_creates_an_organisation_and_reports_sla(acme):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_org", "wayne", "Wayne", "Bruce@wayne.test", stdout=out)
    assert json.loads(out.getvalue())["token"].startswith("hd_")
    new_ticket(acme.customer)
    out = io.StringIO()
    call_command("sla_report", "--org", "acme", stdout=out)
    assert json.loads(out.getvalue())["orgs"] == [{"org": "acme", "breached": 0, "due_soon": 0}]
