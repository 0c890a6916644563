"""The `claude-code` agent: the real Claude Code CLI in the sample's sandbox, with the persona
applied the way Claude Code applies a subagent to its main thread.

The CLI is inspect-swe's `claude_code()` with `version="sandbox"`: the binary already in the
image (sandboxes/images/agent-base), never a download. Every model call it makes (main thread,
subagents, small/fast side calls) goes through Inspect's `sandbox_agent_bridge` to the eval's
model, so tokens, cost and the transcript land in the Inspect log as for `react`, and the
scripted `replay/*` models answer Claude Code's real requests.

How the persona reaches Claude Code (checked on Claude Code 2.1.332 against a local Messages API
server: the request's system prompt was the persona's prompt, its tools the persona's):

* the persona is a subagent file in the user's agents folder (`~/.claude/agents/NAME.md`): the
  document as given for a Claude Code file, an equivalent subagent file for other formats;
* the managed settings (`/etc/claude-code/managed-settings.json`) say `{"agent": "NAME"}`, which
  is what `claude --agent NAME` does: the main thread runs as that subagent (its prompt instead
  of Claude Code's default prompt, its `tools:` as the only built-in tools, its `model:`).

The setting goes in the managed settings because inspect-swe passes no `--agent` flag and writes
`~/.claude/settings.json` itself. Both files are outside the repository, so they are never part
of the graded diff, and they hold the persona and nothing about the fixture or its tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from inspect_ai.agent import as_solver
from inspect_ai.event import ModelEvent
from inspect_ai.log import transcript
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError, sandbox

from ..errors import HarnessError
from ..fixtures import WORKDIR
from ..personas import Persona
from ..sandbox import disk_guarded
from ..subagent import subagent_conversion, subagent_file
from .common import StoppedEarly, infra_guard

AGENTS_DIR = "/root/.claude/agents"
"""Claude Code's user-level agents folder for the sandbox user it runs as (root)."""
MANAGED_SETTINGS = "/etc/claude-code/managed-settings.json"
CLAUDE_CODE_BINARY = "claude"

CLAUDE_CODE_BUILTINS: tuple[str, ...] = (
    "Agent", "Bash", "BashOutput", "Edit", "ExitPlanMode", "Glob", "Grep", "KillShell", "LS",
    "ListAgents", "MultiEdit", "NotebookEdit", "NotebookRead", "Read", "ReportFindings",
    "ScheduleWakeup", "Skill", "SlashCommand", "Task", "TodoWrite", "ToolSearch", "WebFetch",
    "WebSearch", "Workflow", "Write",
)  # fmt: skip
"""Built-in tool names of Claude Code 2.1.x (offered ones seen in its requests, and older
names), used only to restrict plain Claude Code (`persona=none`) to a tool set: with a persona,
the subagent file's `tools:` restricts, as in Claude Code itself."""


class ClaudeCodeMissing(HarnessError):
    """The sandbox image has no Claude Code CLI (built before the agent base existed?)."""


@dataclass(frozen=True)
class Setup:
    """What the harness puts in the sandbox for one variant, and how it says so in the log."""

    agent_name: str | None
    """The subagent the main thread runs as (None: plain Claude Code, no persona)."""
    agent_file: str | None
    """Text of `~/.claude/agents/<agent_name>.md`."""
    disallowed_tools: tuple[str, ...] = ()
    applied: str = ""
    """How the persona was applied, in one line, for the log."""
    notes: tuple[str, ...] = field(default_factory=tuple)


def agent_name(persona: Persona) -> str:
    """The name Claude Code knows the subagent by: its `name:` field for a Claude Code file
    (what `--agent` matches), the file name otherwise."""
    if persona.format == "claude-code" and persona.title.strip():
        return persona.title.strip()
    return persona.name


def claude_code_setup(persona: Persona | None, tools: tuple[str, ...], tools_from: str) -> Setup:
    """Decide how a variant reaches Claude Code (pure: files' text and flags, no sandbox).

    With its own tools a persona is `subagent_file`'s equivalent of the document (a Claude Code
    file as written). Another tool set rewrites the `tools:` field (`all`: no field, every tool)."""
    if persona is None:
        if tools_from == "all":
            return Setup(None, None, applied="plain Claude Code: no persona, its own tools")
        denied = tuple(t for t in CLAUDE_CODE_BUILTINS if t not in tools)
        return Setup(
            None, None, denied,
            applied=f"plain Claude Code, built-in tools limited to {', '.join(tools)} "
            f"(--disallowed-tools for the others)",
        )  # fmt: skip
    name = agent_name(persona)
    where = persona.path or persona.name
    if tools_from == persona.name:
        text, how = subagent_file(persona, name), subagent_conversion(persona, name)
    else:
        every = tools_from == "all"
        # the document's prompt, description and model with this tool set: written as a converted file
        rewritten = replace(persona, format="markdown-sections", granted=() if every else tools,
                            tools_declared=not every)  # fmt: skip
        text = subagent_file(rewritten, name)
        how = ("without its tools: field (every tool)" if every
               else f"with tools: {', '.join(tools)} (tool set '{tools_from}')")  # fmt: skip
        how = f"the document's prompt and description {how}"
    return Setup(
        name, text, applied=f"subagent '{name}' from {where}: {how}; applied to the main thread "
        "(managed setting agent)", notes=persona.notes,
    )  # fmt: skip


async def install(setup: Setup) -> str:
    """Put the subagent file and the managed setting in the sandbox; return Claude Code's version."""
    env = sandbox()
    version = await env.exec([CLAUDE_CODE_BINARY, "--version"], timeout=120)
    if not version.success:
        raise ClaudeCodeMissing(
            "Claude Code is not in this sandbox image (no 'claude' on its PATH): rebuild the "
            "images with 'evals images build' (the CLI comes from sandboxes/images/agent-base)"
        )
    if setup.agent_name is not None and setup.agent_file is not None:
        await env.write_file(f"{AGENTS_DIR}/{_file_name(setup.agent_name)}.md", setup.agent_file)
        await env.write_file(MANAGED_SETTINGS, json.dumps({"agent": setup.agent_name}) + "\n")
    return version.stdout.split()[0] if version.stdout.strip() else "unknown"


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name) or "persona"


def claude_code_agent(
    persona: Persona | None, tools: tuple[str, ...], tools_from: str, workdir: str = WORKDIR
) -> Solver:
    """Claude Code with the persona applied to its main thread (see the module docstring)."""
    from inspect_swe import claude_code

    setup = claude_code_setup(persona, tools, tools_from)
    agent = claude_code(
        name=setup.agent_name or "claude-code",
        version="sandbox",
        cwd=workdir,
        disallowed_tools=list(setup.disallowed_tools) or None,
        retry_uncaught_errors=0,
    )
    return infra_guard(_with_setup(setup, as_solver(agent)))


@solver
def _with_setup(setup: Setup, inner: Solver) -> Solver:
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        version = await install(setup)
        state.metadata["agent"] = {
            "name": "claude-code",
            "claude_code_version": version,
            "persona_applied": setup.applied,
            "subagent": setup.agent_name,
            "disallowed_tools": list(setup.disallowed_tools),
            "persona_notes": list(setup.notes),
        }
        transcript().info(f"Claude Code {version}: {setup.applied}")
        try:
            # the disk cap holds for the whole run: Claude Code's commands are its own, not the harness's
            return await disk_guarded(sandbox(), lambda: inner(state, generate))
        except LimitExceededError:
            raise
        except Exception as ex:
            model_failed, acted = _run_record()
            if classify_failure(model_failed, acted) == "infra_error":
                raise  # infra_guard: infra_error
            raise StoppedEarly(
                f"Claude Code ended abnormally after the agent's {acted} tool call(s) "
                f"({type(ex).__name__}: {str(ex)[:300]})"
            ) from ex

    return solve


def _run_record() -> tuple[bool, int]:
    """(did a call to the eval's model fail, how many tool calls had the model made), from the
    transcript the host keeps, which nothing in the sandbox can write to."""
    failed, calls = False, 0
    for event in transcript().events:
        if isinstance(event, ModelEvent):
            failed = failed or event.error is not None
            if event.output is not None and event.output.message is not None:
                calls += len(event.output.message.tool_calls or [])
    return failed, calls


def classify_failure(model_failed: bool, tool_calls: int) -> str:
    """What a Claude Code failure counts as: `infra_error` when the eval's model failed or the
    agent had not acted yet (nothing it did could cause it); otherwise `stopped` (graded as the
    agent left it), since from its first command on the agent can kill or break Claude Code,
    which runs in its own sandbox, and must not be able to turn a bad run into infra_error."""
    return "infra_error" if model_failed or tool_calls == 0 else "stopped"

