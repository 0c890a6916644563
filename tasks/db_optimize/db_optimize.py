"""Database performance work on small FastAPI + SQLAlchemy services (N+1, indexes, ...)."""

from pathlib import Path

from inspect_ai import Task, task

from evals.task import (
    DEFAULT_MESSAGE_LIMIT,
    DEFAULT_PERSONA,
    DEFAULT_TIME_LIMIT,
    DEFAULT_TOKEN_LIMIT,
    family_task,
)


@task
def db_optimize(
    persona: str = DEFAULT_PERSONA,
    tools: str | None = None,
    fixtures: str | None = None,
    message_limit: int = DEFAULT_MESSAGE_LIMIT,
    token_limit: int = DEFAULT_TOKEN_LIMIT,
    time_limit: int = DEFAULT_TIME_LIMIT,
) -> Task:
    """Fix database performance problems without changing API responses.

    Args:
        persona: persona name (a file in personas/) or "none" for the control.
        tools: tool set: a persona name, "minimal" (Bash, Read, Edit) or "all";
            default the persona's own (minimal for "none").
        fixtures: comma-separated fixture ids to run (default all).
        message_limit: maximum messages per sample.
        token_limit: maximum tokens per sample.
        time_limit: maximum wall-clock seconds per sample.
    """
    return family_task(
        Path(__file__).parent,
        persona=persona,
        tools=tools,
        fixtures=fixtures,
        message_limit=message_limit,
        token_limit=token_limit,
        time_limit=time_limit,
    )
