"""The order state machine.

    pending --pay--> paid --ship--> shipped
       |              |                |
       +--cancel--+   +--cancel--+     +--refund (full)--> refunded
                  v              v
              cancelled      cancelled (refunded, restocked)
    paid --refund (full)--> refunded
"""

from __future__ import annotations

from ..errors import InvalidState

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"shipped", "cancelled", "refunded"}),
    "shipped": frozenset({"refunded"}),
    "cancelled": frozenset(),
    "refunded": frozenset(),
}

REFUNDABLE = frozenset({"paid", "shipped"})
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def ensure_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise InvalidState(f"an order that is {current} cannot become {target}",
                           details={"status": current, "target": target})
