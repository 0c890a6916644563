"""Small fixtures for the hostile-sandbox tests (tests/test_hostile.py): tight limits, a service."""

from pathlib import Path

from inspect_ai import Task, task

from evals.task import DEFAULT_PERSONA, family_task


@task
def hostile(persona: str = DEFAULT_PERSONA, tools: str | None = None, fixtures: str | None = None, **limits: int) -> Task:
    """The hostile family (tests only)."""
    return family_task(Path(__file__).parent, persona, tools, fixtures, **limits)
