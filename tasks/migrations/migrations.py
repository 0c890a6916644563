"""Schema and data migrations (Alembic, Django) on real PostgreSQL."""

from pathlib import Path

from inspect_ai import Task, task

from evals.task import DEFAULT_PERSONA, family_task


@task
def migrations(
    persona: str = DEFAULT_PERSONA, tools: str | None = None, fixtures: str | None = None, **limits: int
) -> Task:
    """Write migrations that change the schema without losing or corrupting existing data.

    Args:
        persona: a persona name (file in personas/) or "none"; tools: a persona name, "minimal"
        or "all" (default: the persona's own); fixtures: comma-separated ids (default all);
        limits: message_limit, token_limit, time_limit (see evals.task for defaults), and
        sandbox: "docker-sdk" (default), "docker" or "k8s" (see evals.task); agent: "react"
        (default) or "claude-code" (the real Claude Code CLI in the sandbox).
    """
    return family_task(Path(__file__).parent, persona, tools, fixtures, **limits)
