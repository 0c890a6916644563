"""Per-organisation ticket numbers (1, 2, 3... in each org), taken under the org row's lock so
that concurrent creations never share a number."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from accounts.models import Organization


def next_number(org_id: int) -> int:
    """The next number of `org_id`; must run inside the creating transaction."""
    assert transaction.get_connection().in_atomic_block, "next_number needs a transaction"
    Organization.objects.filter(id=org_id).update(ticket_seq=F("ticket_seq") + 1)
    return Organization.objects.values_list("ticket_seq", flat=True).get(id=org_id)
