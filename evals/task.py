"""Build an Inspect `Task` for a task family folder: fixtures × one persona variant.

The variant is chosen with task parameters: `agent=react|claude-code` (default `react`),
`persona=<name>|none` and `tools=<persona name>|minimal|all` (default: the persona's own tools;
for `none`, `minimal` under react and Claude Code's own tools under claude-code).
Where the sandboxes run is `sandbox=docker-sdk` (default: the local engine through its API, see
evals.docker_sdk), `sandbox=docker` (Inspect's compose sandbox: the same containers from the same
description) or `sandbox=k8s` (Inspect's Kubernetes sandbox, see evals.k8s).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig

from .errors import HarnessError
from .agents import AGENTS, DEFAULT_AGENT, build_agent
from .agents.react import system_prompt
from .fixtures import WORKDIR, Fixture, load_family
from .images import ensure_images
from .paths import PERSONAS_DIR
from .personas import CANONICAL_TOOLS, MINIMAL_TOOLS, Persona, PersonaError, load_persona, scan_personas
from .providers import DEFAULT_SANDBOX, LOCAL_SANDBOXES, SANDBOXES
from .replay import register_fixtures
from .sandbox import sandbox_spec
from .scorer import grading_budget, hidden_tests

DEFAULT_PERSONA = "backend"
DEFAULT_MESSAGE_LIMIT = 150
DEFAULT_TOKEN_LIMIT = 3_000_000
DEFAULT_TIME_LIMIT = 2400  # seconds of wall time per sample (Inspect gives scoring half of it)

GENERATE_CONFIG = GenerateConfig(cache_prompt=True)
"""Prompt caching on, explicitly rather than by Inspect's default (`cache_prompt=None`/"auto").
On the `anthropic/` provider `True` marks `cache_control` breakpoints on the system prompt (the
persona's prompt + environment facts) and on the last tool definition (so the whole tool list is
cached), plus its automatic message caching. Other providers ignore it or cache implicitly.
Eval-level settings still win: `inspect eval ... --cache-prompt false` turns it off."""


class VariantError(HarnessError):
    """An unknown persona or tool-set name given as a task parameter."""


@dataclass(frozen=True)
class Variant:
    persona: Persona | None
    tools: tuple[str, ...]
    tools_from: str
    agent: str = DEFAULT_AGENT
    tools_unavailable: tuple[str, ...] = ()
    """Tools the tool-set persona grants that the agent does not provide (see Persona.unavailable)."""

    @property
    def name(self) -> str:
        """Stable readable name, e.g. `backend`, `backend+tools:minimal`, `none+tools:minimal`;
        under an agent other than react it carries the agent: `claude-code:backend`."""
        return variant_name(self.agent, self.persona.name if self.persona else "none", self.tools_from)


def variant_name(agent: str, persona: str, tools: str) -> str:
    """A variant's name in logs and reports: `backend`, `backend+tools:minimal`,
    `none+tools:minimal`, prefixed with the agent unless it is react; plain Claude Code (no
    persona, its own tools) is `claude-code:none`."""
    if persona == "none":  # react's control has always been named with its tools
        plain = agent != DEFAULT_AGENT and tools == none_tools(agent)
        name = "none" if plain else f"none+tools:{tools}"
    else:
        name = persona if tools == persona else f"{persona}+tools:{tools}"
    return name if agent == DEFAULT_AGENT else f"{agent}:{name}"


def none_tools(agent: str) -> str:
    """The tool set of `persona=none`: the minimal control under react, plain Claude Code's
    own tools under claude-code."""
    return "all" if agent == "claude-code" else "minimal"


def _personas_dir() -> tuple[dict[str, Persona], dict[str, PersonaError]]:
    """The loadable personas, and the error of each bad file by the name it would have: a bad
    file stops only a run that asks for it (as persona or tool set), not every other run."""
    loaded, errors = scan_personas(PERSONAS_DIR)
    return loaded, {Path(e.path).stem: e for e in errors}


def resolve_variant(
    persona: str,
    tools: str | None,
    personas: dict[str, Persona] | None = None,
    agent: str = DEFAULT_AGENT,
) -> Variant:
    personas, broken = _personas_dir() if personas is None else (personas, {})
    for wanted in (persona, tools):
        if wanted in broken:
            raise broken[wanted]
    choices = ", ".join([*personas, "none"])
    if persona == "none":
        chosen = None
    elif persona in personas:
        chosen = personas[persona]
    elif persona.endswith(".md") or "/" in persona:
        # a persona file outside personas/ (e.g. a candidate in a pull request)
        chosen = load_persona(Path(persona))
        personas = {**personas, chosen.name: chosen}
    else:
        raise VariantError(f"unknown persona '{persona}' (-T persona=...): choose one of {choices}")
    if agent not in AGENTS:
        raise VariantError(f"unknown agent '{agent}' (-T agent=...): choose one of {', '.join(AGENTS)}")
    tools_from = tools or (chosen.name if chosen else none_tools(agent))
    if tools_from.endswith(".md") or "/" in tools_from:
        tools_persona = load_persona(Path(tools_from))
        personas = {**personas, tools_persona.name: tools_persona}
        tools_from = tools_persona.name
    unavailable: tuple[str, ...] = ()
    if tools_from == "minimal":
        names = MINIMAL_TOOLS
    elif tools_from == "all":
        names = CANONICAL_TOOLS
    elif tools_from in personas:
        names, unavailable = personas[tools_from].tools, personas[tools_from].unavailable
    else:
        raise VariantError(
            f"unknown tool set '{tools_from}' (-T tools=...): choose a persona name "
            f"({', '.join(personas)}), 'minimal' or 'all'"
        )
    return Variant(chosen, tuple(names), tools_from, agent, unavailable)


def _one_name(key: str, value: object, choices: tuple[str, ...] = ()) -> str:
    """A -T value that must be one name (Inspect reads `-T k=a,b` as a list, `-T k=` as None,
    `-T k=1` as a number: a number is taken as the name it spells)."""
    if isinstance(value, (list, tuple)) or value is None or not str(value).strip():
        shown = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else (value or "")
        hint = f": choose one of {', '.join(choices)}" if choices else ""
        raise VariantError(f"-T {key}={shown}: give one name{hint}")
    return str(value).strip()


def _limit(key: str, value: object) -> int:
    """A -T limit: a whole number above zero."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise VariantError(f"-T {key}={'' if value is None else value}: give a whole number above 0")
    return value


def variant_tags(variant: Variant) -> list[str]:
    """`persona:…`, `tools:…`, `agent:…`: the variant as tags in the log (and the viewer's list)."""
    return tags_for(variant.persona.name if variant.persona else "none", variant.tools_from, variant.agent)


def tags_for(persona: str, tools: str, agent: str) -> list[str]:
    return [f"persona:{persona}", f"tools:{tools}", f"agent:{agent}"]


def fixture_sample(fixture: Fixture, sandbox: str = DEFAULT_SANDBOX) -> Sample:
    if sandbox == "k8s":
        from .k8s import k8s_sandbox_spec  # imports inspect-k8s-sandbox only when used

        spec = k8s_sandbox_spec(fixture)
    else:
        spec = sandbox_spec(fixture, sandbox)
    return Sample(
        id=fixture.id,
        input=fixture.issue,
        metadata={
            "fixture": fixture.id,
            "family": fixture.family,
            "difficulty": fixture.difficulty,
            "services": list(fixture.services),
        },
        sandbox=spec,
    )


def family_task(
    family_dir: Path | str,
    persona: str = DEFAULT_PERSONA,
    tools: str | None = None,
    fixtures: str | list[str] | None = None,
    message_limit: int = DEFAULT_MESSAGE_LIMIT,
    token_limit: int = DEFAULT_TOKEN_LIMIT,
    time_limit: int = DEFAULT_TIME_LIMIT,
    build_images: bool = True,
    sandbox: str = DEFAULT_SANDBOX,
    agent: str = DEFAULT_AGENT,
    **unknown: object,
) -> Task:
    """The Task for a family: every fixture (or the chosen ones) for one persona variant."""
    family_dir = Path(family_dir)
    if unknown:
        raise VariantError(
            f"unknown task parameter(s) {', '.join(f'-T {k}' for k in sorted(unknown))}: known are "
            "agent, persona, tools, fixtures, message_limit, token_limit, time_limit, sandbox"
        )
    persona, agent, sandbox = _one_name("persona", persona), _one_name("agent", agent, AGENTS), _one_name("sandbox", sandbox, SANDBOXES)
    tools = None if tools is None else _one_name("tools", tools)
    message_limit, token_limit = _limit("message_limit", message_limit), _limit("token_limit", token_limit)
    time_limit = _limit("time_limit", time_limit)
    if fixtures is not None and not isinstance(fixtures, (str, list, tuple)):
        raise VariantError(f"-T fixtures={fixtures!r}: give comma-separated fixture ids")
    if sandbox not in SANDBOXES:
        raise VariantError(
            f"unknown sandbox '{sandbox}' (-T sandbox=...): choose docker-sdk (default: the fixture's "
            "containers through the Docker Engine API), docker (Inspect's compose sandbox, the same "
            "containers) or k8s (Inspect's Kubernetes sandbox)"
        )
    variant = resolve_variant(persona, tools, agent=agent)
    loaded = load_family(family_dir)
    if fixtures:
        wanted = fixtures.split(",") if isinstance(fixtures, str) else list(fixtures)
        unknown = sorted(set(wanted) - {f.id for f in loaded})
        if unknown:
            raise VariantError(
                f"unknown fixture(s) {', '.join(unknown)} (-T fixtures=...): "
                f"{family_dir.name} has {', '.join(f.id for f in loaded)}"
            )
        loaded = [f for f in loaded if f.id in wanted]
    for fixture in loaded:  # Inspect allows scoring half the time limit: a slow grade must fit
        if grading_budget(fixture) > int(time_limit) // 2:
            raise VariantError(
                f"-T time_limit={time_limit} is too small for fixture {fixture.family}/{fixture.id}: "
                f"grading it may take {grading_budget(fixture)} s (its hidden-test budget is "
                f"{fixture.test_timeout} s) and Inspect allows scoring half the time limit; "
                f"use -T time_limit={2 * grading_budget(fixture)} or more"
            )
    if build_images and sandbox in LOCAL_SANDBOXES:  # a cluster pulls pushed images (evals images push)
        ensure_images(loaded, log=lambda m: print(m, file=sys.stderr, flush=True))
    register_fixtures(loaded)
    return Task(
        name=family_dir.name,
        # what `inspect view` lists beside the task name, so each log says which variant it is
        display_name=f"{family_dir.name} ({variant.name})",
        tags=variant_tags(variant),
        dataset=MemoryDataset([fixture_sample(f, sandbox) for f in loaded], name=family_dir.name),
        solver=build_agent(agent, variant.persona, variant.tools, variant.tools_from, WORKDIR),
        scorer=hidden_tests({f.id: f for f in loaded}),
        message_limit=message_limit,
        token_limit=token_limit,
        time_limit=time_limit,
        config=GENERATE_CONFIG,
        metadata={
            "variant": variant.name,
            "agent": agent,
            "persona": variant.persona.name if variant.persona else "none",
            "persona_file": variant.persona.path if variant.persona else None,
            "persona_sha256": variant.persona.source_sha256 if variant.persona else None,
            "tools_from": variant.tools_from,
            "tools": list(variant.tools),
            "tools_unavailable": list(variant.tools_unavailable),
            "persona_notes": list(variant.persona.notes) if variant.persona else [],
            "system_prompt_chars": len(
                system_prompt(variant.persona) if agent == "react" else
                (variant.persona.system_prompt if variant.persona else "")
            ),
            "limits": {
                "message_limit": message_limit,
                "token_limit": token_limit,
                "time_limit": time_limit,
            },
            "family": family_dir.name,
            "sandbox": sandbox,
            "fixtures": [f.id for f in loaded],
        },
    )
