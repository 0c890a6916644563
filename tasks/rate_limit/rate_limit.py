"""Rate limiting with Redis in small FastAPI and Flask services: headers, windows, shared limits, client identity."""

from pathlib import Path

from inspect_ai import Task, task

from evals.task import DEFAULT_PERSONA, family_task


@task
def rate_limit(
    persona: str = DEFAULT_PERSONA, tools: str | None = None, fixtures: str | None = None, **limits: int
) -> Task:
    """Fix rate limiting problems (headers, window semantics, limits shared by instances, client identity).

    Args:
        persona: a persona name (file in personas/) or "none"; tools: a persona name, "minimal"
        or "all" (default: the persona's own); fixtures: comma-separated ids (default all);
        limits: message_limit, token_limit, time_limit (see evals.task for defaults), and
        sandbox: "docker-sdk" (default), "docker" or "k8s" (see evals.task); agent: "react"
        (default) or "claude-code" (the real Claude Code CLI in the sandbox).
    """
    return family_task(Path(__file__).parent, persona, tools, fixtures, **limits)
