"""The tag migration merges case duplicates without losing any ticket's tag."""

from django.core.management import call_command
from django.db import connection

from accounts.models import Member, Organization, Role


def sql(query: str, params=()):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def test_tag_case_duplicates_are_merged_keeping_every_ticket():
    call_command("migrate", "tickets", "0001", verbosity=0)
    try:
        org = Organization.objects.create(slug="legacy", name="Legacy")
        carol = Member.objects.create(org=org, email="c@legacy.test", name="C", role=Role.CUSTOMER)
        tag_ids = [sql("INSERT INTO tags (org_id, name, created_at) VALUES (%s, %s, now()) RETURNING id",
                       (org.id, name))[0][0] for name in ("Billing", "billing", "BILLING", "Other")]
        tickets = [sql("INSERT INTO tickets (org_id, number, subject, description, status, priority, requester_id, "
                       "version, created_at, updated_at) VALUES (%s, %s, 's', '', 'new', 'normal', %s, 1, now(), now()) "
                       "RETURNING id", (org.id, n, carol.id))[0][0] for n in (1, 2, 3)]
        for ticket, tag in [(tickets[0], tag_ids[0]), (tickets[0], tag_ids[1]), (tickets[1], tag_ids[2]),
                            (tickets[2], tag_ids[3])]:
            sql("INSERT INTO ticket_tags (ticket_id, tag_id) VALUES (%s, %s)", (ticket, tag))
    finally:
        call_command("migrate", verbosity=0)
    assert sql("SELECT name FROM tags ORDER BY name") == [("billing",), ("other",)]
    links = sql("SELECT t.number, g.name FROM ticket_tags l JOIN tickets t ON t.id = l.ticket_id "
                "JOIN tags g ON g.id = l.tag_id ORDER BY 1, 2")
    assert links == [(1, "billing"), (2, "billing"), (3, "other")]
