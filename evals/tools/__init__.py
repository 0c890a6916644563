"""Claude Code's built-in tools, reimplemented to run in the sample's Inspect sandbox.

Names, parameters and behaviour follow the tools that the persona documents name (see
TOOLS-SPEC.md): Read, Write, Edit, MultiEdit, Bash, Glob, Grep, LS, WebSearch, WebFetch and
TodoWrite. Per-sample state (files read, Bash working directory, todos, web calls answered
"unavailable") lives in the sample store as :class:`ToolState`.
"""

from ._registry import CANONICAL_TOOLS, canonical_tool_name, tool_defs
from ._state import ToolState
from ._web import UNAVAILABLE

__all__ = ["CANONICAL_TOOLS", "ToolState", "UNAVAILABLE", "canonical_tool_name", "tool_defs"]
