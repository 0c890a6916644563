"""The `react` agent: Inspect's `react` loop with a persona's prompt and the harness's own
implementations of the persona's Claude Code tools (evals/tools), nothing more.

As for a Claude Code subagent, the system prompt is the persona document's prompt verbatim,
followed by the basic environment facts a subagent is given (working directory, platform,
date). The run ends when the model answers without calling a tool, or at a limit: there is no
`submit` tool the persona did not grant.
"""

from __future__ import annotations

import datetime as dt

from inspect_ai.agent import AgentPrompt, as_solver, react
from inspect_ai.solver import Solver

from ..fixtures import WORKDIR
from ..personas import Persona
from ..tools import tool_defs
from .common import infra_guard


def environment_facts(workdir: str = WORKDIR, today: dt.date | None = None) -> str:
    """The environment block appended to the system prompt (as Claude Code does)."""
    today = today or dt.date.today()
    return (
        "Here is useful information about the environment you are running in:\n"
        "<env>\n"
        f"Working directory: {workdir}\n"
        "Is directory a git repo: Yes\n"
        "Platform: linux\n"
        "OS Version: Debian GNU/Linux 12 (bookworm)\n"
        f"Today's date: {today.isoformat()}\n"
        "</env>"
    )


def system_prompt(persona: Persona | None, workdir: str = WORKDIR, today: dt.date | None = None) -> str:
    """Persona prompt verbatim + environment facts (`persona=None`: the facts alone)."""
    facts = environment_facts(workdir, today)
    if persona is None:
        return facts
    return f"{persona.system_prompt}\n\n{facts}"


def react_agent(persona: Persona | None, tools: tuple[str, ...], workdir: str = WORKDIR) -> Solver:
    """A react agent with exactly the given prompt and tools (attempts=1, no submit tool)."""
    agent = react(
        name=persona.name if persona else "no-persona",
        description=persona.description if persona else "control without a persona prompt",
        prompt=AgentPrompt(
            instructions=system_prompt(persona, workdir),
            handoff_prompt=None,
            assistant_prompt=None,
            submit_prompt=None,
        ),
        tools=tool_defs(tools, workdir=workdir),
        attempts=1,
        submit=False,
    )
    return infra_guard(as_solver(agent))
