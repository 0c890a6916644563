"""Time as the application sees it.

Everything that depends on "now" (reservation expiry, rate-limit windows, webhook back-off)
reads a clock: a zero-argument callable returning Unix time in seconds. Production uses the
system clock; tests pass their own to `create_app(clock=...)` and `Worker(clock=...)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]


def system_clock() -> float:
    return time.time()


def to_datetime(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def now(clock: Clock) -> datetime:
    return to_datetime(clock())


class ManualClock:
    """A clock that moves only when told to (tests, scripts)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.current = float(start)

    def __call__(self) -> float:
        return self.current

    def advance(self, seconds: float) -> float:
        self.current += seconds
        return self.current

    def set(self, ts: float) -> None:
        self.current = float(ts)
