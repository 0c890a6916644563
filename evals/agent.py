"""The agent under test: Inspect's `react` with a persona's prompt and tools, nothing more.

As for a Claude Code subagent, the system prompt is the persona document's prompt verbatim,
followed by the basic environment facts a subagent is given (working directory, platform,
date). The run ends when the model answers without calling a tool, or at a limit: there is no
`submit` tool the persona did not grant.
"""

from __future__ import annotations

import datetime as dt

from inspect_ai.agent import AgentPrompt, as_solver, react
from inspect_ai.log import transcript
from inspect_ai.model import ChatMessageAssistant
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError

from .fixtures import WORKDIR
from .personas import Persona
from .tools import tool_defs
from .tools._state import tool_state


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


INFRA_ERROR_KEY = "infra_error"
SANDBOX_STOPPED_KEY = "sandbox_stopped"
"""Why the agent's sandbox stopped early through the agent's doing (over its disk cap, out of
memory): graded as it stands, not an infrastructure failure."""
OUT_OF_MEMORY = "the agent's processes used up the sandbox's memory and its container stopped"


def _sandbox_stop(ex: BaseException | None, depth: int = 0) -> BaseException | None:
    """The DiskLimitExceeded behind `ex` (Inspect may wrap a tool's exception), if any."""
    from .sandbox import DiskLimitExceeded

    if ex is None or depth > 8:
        return None
    if isinstance(ex, DiskLimitExceeded):
        return ex
    for inner in (getattr(ex, "error", None), ex.__cause__, ex.__context__,
                  *getattr(ex, "exceptions", ())):  # fmt: skip
        found = _sandbox_stop(inner, depth + 1) if isinstance(inner, BaseException) else None
        if found is not None:
            return found
    return None


@solver
def infra_guard(inner: Solver) -> Solver:
    """Record a harness failure during the agent's run (container died, model API down...).

    The sample is then scored `infra_error` (counted as not resolved, reported apart) instead
    of being lost; limits still end the run the way Inspect intends.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        try:
            state = await inner(state, generate)
        except LimitExceededError:
            record_tool_use(state)
            raise
        except Exception as ex:
            stopped: object = _sandbox_stop(ex)
            if stopped is None and await _out_of_memory():
                stopped = OUT_OF_MEMORY
            if stopped is not None:
                state.metadata[SANDBOX_STOPPED_KEY] = str(stopped)
                transcript().info(f"the agent was stopped: {stopped}")
            else:
                message = f"{type(ex).__name__}: {ex}"
                state.metadata[INFRA_ERROR_KEY] = message
                transcript().info(f"infrastructure failure during the agent's run: {message}")
        record_tool_use(state)
        return state

    return solve


async def _out_of_memory() -> bool:
    from inspect_ai.util import sandbox

    from .sandbox import stopped_out_of_memory

    try:
        return await stopped_out_of_memory(sandbox())
    except Exception:
        return False


def record_tool_use(state: TaskState) -> None:
    """Tool calls by name and web calls answered "unavailable", kept in the sample's metadata
    so reports can read them from sample summaries without loading whole transcripts."""
    counts: dict[str, int] = {}
    for message in state.messages:
        if isinstance(message, ChatMessageAssistant):
            for call in message.tool_calls or []:
                counts[call.function] = counts.get(call.function, 0) + 1
    state.metadata["tool_calls"] = counts
    state.metadata["web_unavailable"] = sum(tool_state().web_unavailable.values())


def persona_agent(persona: Persona | None, tools: tuple[str, ...], workdir: str = WORKDIR) -> Solver:
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
