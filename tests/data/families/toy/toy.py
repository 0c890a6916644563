"""A tiny family for the harness's own tests."""

from pathlib import Path

from inspect_ai import Task, task

from evals.task import DEFAULT_PERSONA, family_task


@task
def toy(persona: str = DEFAULT_PERSONA, tools: str | None = None, fixtures: str | None = None, **limits: int) -> Task:
    """The toy family (tests only)."""
    return family_task(Path(__file__).parent, persona, tools, fixtures, **limits)
