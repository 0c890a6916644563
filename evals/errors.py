"""The harness's user-facing errors: one sentence naming the file or thing and what to do.

They derive from Inspect's `PrerequisiteError`, which `inspect eval` prints as a plain message
(no traceback); the `evals` command line does the same.
"""

from __future__ import annotations

from inspect_ai._util.error import PrerequisiteError


class HarnessError(PrerequisiteError):
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
