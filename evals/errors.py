"""The harness's user-facing errors: one sentence naming the file or thing and what to do.

Under Inspect they derive from its `PrerequisiteError`, which `inspect eval` prints as a plain
message (no traceback). The `evals` command line prints them the same way itself, so its
commands that never run Inspect (`leaderboard`, `regress`, `personas`) need not import it:
importing `inspect_ai` takes about 1.5 s here, a third of the leaderboard's 5-s budget.
So the base is Inspect's class when Inspect is already loaded, as it always is under `inspect
eval` (its command line imports the whole package before it loads a task file), and a plain
`Exception` otherwise; `tests/test_cli.py` checks both.
"""

from __future__ import annotations

import sys


def _base() -> type[Exception]:
    loaded = sys.modules.get("inspect_ai._util.error")
    return loaded.PrerequisiteError if loaded is not None else Exception


class HarnessError(_base()):  # type: ignore[misc]
    """Base of every error a user can fix."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class LocatedError(HarnessError):
    """An error about a file or folder: the path and the problem."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class Interrupted(HarnessError):
    """Ctrl-C: the message says what was kept, what was not written and how to go on."""
