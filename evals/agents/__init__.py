"""The agents under test, peers behind one choice (`-T agent=react|claude-code`).

* `react`: Inspect's react loop with the harness's own implementations of the persona's
  Claude Code tools (agents/react.py);
* `claude-code`: the real Claude Code CLI in the sandbox, the persona applied as a subagent to
  its main thread (agents/claude_code.py).

What they share (the infrastructure guard, the tool-use record) is in agents/common.py.
"""

from __future__ import annotations

from inspect_ai.solver import Solver

from ..fixtures import WORKDIR
from ..personas import Persona

AGENTS: tuple[str, ...] = ("react", "claude-code")
DEFAULT_AGENT = "react"


def build_agent(
    agent: str,
    persona: Persona | None,
    tools: tuple[str, ...],
    tools_from: str,
    workdir: str = WORKDIR,
) -> Solver:
    """The solver for one variant under the chosen agent."""
    if agent == "react":
        from .react import react_agent

        return react_agent(persona, tools, workdir)
    if agent == "claude-code":
        from .claude_code import claude_code_agent

        return claude_code_agent(persona, tools, tools_from, workdir)
    raise ValueError(f"unknown agent '{agent}': choose one of {', '.join(AGENTS)}")
