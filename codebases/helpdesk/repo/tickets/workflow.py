"""The status workflow: which moves are allowed, and who may make them.

new -> open | pending | resolved | closed; open <-> pending; open | pending -> resolved;
resolved -> open (reopened) | closed; closed is final. A customer may only resolve their own
ticket or reopen a resolved one (a public reply does the latter too)."""

from __future__ import annotations

from .models import Status

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.PENDING, Status.RESOLVED, Status.CLOSED},
    Status.PENDING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}
CUSTOMER_MOVES: set[tuple[str, str]] = {
    (Status.NEW, Status.RESOLVED), (Status.OPEN, Status.RESOLVED), (Status.PENDING, Status.RESOLVED),
    (Status.RESOLVED, Status.OPEN),
}
ACTIVE = (Status.NEW, Status.OPEN, Status.PENDING)


class TransitionError(ValueError):
    """A move the workflow does not allow (the message says which)."""


def check(current: str, target: str, *, by_customer: bool) -> None:
    if current == target:
        return
    if target not in TRANSITIONS.get(current, set()):
        raise TransitionError(f"A ticket cannot go from '{current}' to '{target}'.")
    if by_customer and (current, target) not in CUSTOMER_MOVES:
        raise TransitionError(f"Customers cannot move a ticket from '{current}' to '{target}'.")


def is_active(status: str) -> bool:
    return status in ACTIVE
