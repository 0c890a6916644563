"""What every agent under test shares: the infrastructure guard around its run, the limits'
handling, and the record of its tool use kept in the sample's metadata."""

from __future__ import annotations

from inspect_ai.log import transcript
from inspect_ai.model import ChatMessageAssistant
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError

from ..tools._state import tool_state


INFRA_ERROR_KEY = "infra_error"
SANDBOX_STOPPED_KEY = "sandbox_stopped"
"""Why the agent's sandbox stopped early through the agent's doing (over its disk cap, out of
memory): graded as it stands, not an infrastructure failure."""
OUT_OF_MEMORY = "the agent's processes used up the sandbox's memory and its container stopped"


class StoppedEarly(Exception):
    """The agent's run ended early through the agent's own doing (e.g. it killed the agent
    program running in its sandbox): graded as it stands, not an infrastructure failure."""


def _sandbox_stop(ex: BaseException | None, depth: int = 0) -> BaseException | None:
    """The DiskLimitExceeded or StoppedEarly behind `ex` (Inspect may wrap a tool's exception)."""
    from ..sandbox import DiskLimitExceeded

    if ex is None or depth > 8:
        return None
    if isinstance(ex, (DiskLimitExceeded, StoppedEarly)):
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

    from ..sandbox import stopped_out_of_memory

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
