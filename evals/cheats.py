"""Red-team scripted policies (`replay/cheat-<strategy>`): try to pass without fixing anything.

Placeholder registry; strategies are added by the red-team work (see tests/test_redteam.py).
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import HarnessError
from .fixtures import Fixture
from .replay import Step

Strategy = Callable[[Fixture | None, set[str]], list[Step]]

CHEATS: dict[str, Strategy] = {}


def cheat_steps(name: str, fixture: Fixture | None, tools: set[str]) -> list[Step]:
    if name not in CHEATS:
        raise HarnessError(f"unknown cheat strategy '{name}' (known: {', '.join(sorted(CHEATS)) or 'none'})")
    return CHEATS[name](fixture, tools)
