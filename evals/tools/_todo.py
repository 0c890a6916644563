"""TodoWrite: the agent's task list, kept in the sample store with no effect on the repo."""

from collections import Counter
from typing import Any

from inspect_ai.tool import ToolDef, ToolError, ToolParam

from ._common import make_tool_def, params
from ._state import tool_state

STATUSES = ("pending", "in_progress", "completed")
#: Claude Code's own TodoWrite (mid-2025) also sends a priority; accepted, kept, optional.
PRIORITIES = ("high", "medium", "low")

TODOWRITE_PARAMS = params(
    ["todos"],
    todos=ToolParam(
        type="array",
        description="The complete, updated todo list (replaces the previous one).",
        items=ToolParam(
            type="object",
            properties={
                "content": ToolParam(type="string", description="What is to be done."),
                "status": ToolParam(type="string", enum=list(STATUSES),
                                    description="pending, in_progress or completed."),
                "id": ToolParam(type="string", description="A stable identifier for the item."),
                "priority": ToolParam(type="string", enum=list(PRIORITIES),
                                      description="Optional: high, medium or low."),
            },
            required=["content", "status", "id"],
            additionalProperties=False,
        ),
    ),
)


def validate_todos(todos: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Checks the schema cannot express: non-empty text and ids, unique ids."""
    for i, todo in enumerate(todos, 1):
        if not str(todo["content"]).strip():
            raise ToolError(f"todos[{i}]: content must not be empty.")
        if not str(todo["id"]).strip():
            raise ToolError(f"todos[{i}]: id must not be empty.")
    duplicates = [k for k, n in Counter(t["id"] for t in todos).items() if n > 1]
    if duplicates:
        raise ToolError(f"Todo ids must be unique; repeated: {', '.join(map(str, duplicates))}.")
    keys = ("content", "status", "id", "priority")
    return [{k: t[k] for k in keys if k in t} for t in todos]


def summary(todos: list[dict[str, str]]) -> str:
    counts = Counter(t["status"] for t in todos)
    parts = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in STATUSES if counts[s])
    return f"Todo list updated: {len(todos)} item{'s' if len(todos) != 1 else ''}" + (
        f" ({parts})." if parts else "."
    )


async def todo_write(todos: list[dict[str, Any]]) -> str:
    clean = validate_todos(todos)
    tool_state().todos = clean
    return summary(clean) + " Keep it up to date as you work."


def todo_write_def() -> ToolDef:
    return make_tool_def(
        "TodoWrite",
        "Record your plan as a todo list (each item: content, status, id) and "
        "update it as you go; send the whole list each time. Keep at most one item "
        "in_progress. It does not touch the repository.",
        TODOWRITE_PARAMS,
        todo_write,
    )
