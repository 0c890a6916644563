"""Fixtures on a shared codebase (tests of the codebase mechanism)."""

from pathlib import Path

from inspect_ai import Task, task

from evals.task import DEFAULT_PERSONA, family_task


@task
def shared_code(persona: str = DEFAULT_PERSONA, tools: str | None = None, fixtures: str | None = None, **limits: int) -> Task:
    """Fixtures on the tally codebase (tests only)."""
    return family_task(Path(__file__).parent, persona, tools, fixtures, **limits)
