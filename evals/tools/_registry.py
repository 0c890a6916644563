"""Name -> ToolDef factory for the canonical Claude Code tool set."""

from collections.abc import Callable, Sequence

from inspect_ai.tool import ToolDef

from ._bash import bash_def
from ._files import edit_def, multi_edit_def, read_def, write_def
from ._search import glob_def, grep_def, ls_def
from ._todo import todo_write_def
from ._web import web_fetch_def, web_search_def

from ..personas import CANONICAL_TOOLS  # one list of names: personas are checked against it

_FACTORIES: dict[str, Callable[[str], ToolDef]] = {
    "Read": lambda workdir: read_def(),
    "Write": lambda workdir: write_def(),
    "Edit": lambda workdir: edit_def(),
    "MultiEdit": lambda workdir: multi_edit_def(),
    "Bash": bash_def,
    "Glob": glob_def,
    "Grep": grep_def,
    "LS": lambda workdir: ls_def(),
    "WebSearch": lambda workdir: web_search_def(),
    "WebFetch": lambda workdir: web_fetch_def(),
    "TodoWrite": lambda workdir: todo_write_def(),
}

_BY_LOWER = {name.lower(): name for name in CANONICAL_TOOLS}


def canonical_tool_name(name: str) -> str:
    """The canonical spelling of a tool name, case-insensitively (``read`` -> ``Read``).

    Raises:
        ValueError: the name is not one of CANONICAL_TOOLS.
    """
    canonical = _BY_LOWER.get(name.strip().lower())
    if canonical is None:
        raise ValueError(
            f"Unknown tool name {name!r}; known tools: {', '.join(CANONICAL_TOOLS)}"
        )
    return canonical


def tool_defs(names: Sequence[str], workdir: str = "/repo") -> list[ToolDef]:
    """Fresh ToolDefs for ``names`` (any case, duplicates dropped), in the given order.

    Args:
        names: tool names, e.g. from a persona's ``tools:`` line.
        workdir: absolute path where Bash starts and Glob/Grep search by default.

    Raises:
        ValueError: an unknown name, or a relative workdir.
    """
    if isinstance(names, str):
        raise TypeError("names must be a sequence of tool names, not one string")
    if not workdir.startswith("/"):
        raise ValueError(f"workdir must be absolute, got {workdir!r}")
    canonical = list(dict.fromkeys(canonical_tool_name(name) for name in names))
    return [_FACTORIES[name](workdir) for name in canonical]
