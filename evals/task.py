"""Build an Inspect `Task` for a task family folder: fixtures × one persona variant.

The variant is chosen with task parameters: `persona=<name>|none` and
`tools=<persona name>|minimal|all` (default: the persona's own tools; `minimal` for `none`).
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
from .agent import persona_agent, system_prompt
from .fixtures import WORKDIR, Fixture, load_family
from .images import ensure_images
from .paths import PERSONAS_DIR
from .personas import CANONICAL_TOOLS, MINIMAL_TOOLS, Persona, load_persona, load_personas
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

    @property
    def name(self) -> str:
        """Stable readable name, e.g. `backend`, `backend+tools:minimal`, `none+tools:minimal`."""
        base = self.persona.name if self.persona else "none"
        own = self.persona is not None and self.tools_from == self.persona.name
        return base if own else f"{base}+tools:{self.tools_from}"


def resolve_variant(
    persona: str, tools: str | None, personas: dict[str, Persona] | None = None
) -> Variant:
    personas = load_personas(PERSONAS_DIR) if personas is None else personas
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
    tools_from = tools or (chosen.name if chosen else "minimal")
    if tools_from.endswith(".md") or "/" in tools_from:
        tools_persona = load_persona(Path(tools_from))
        personas = {**personas, tools_persona.name: tools_persona}
        tools_from = tools_persona.name
    if tools_from == "minimal":
        names = MINIMAL_TOOLS
    elif tools_from == "all":
        names = CANONICAL_TOOLS
    elif tools_from in personas:
        names = personas[tools_from].tools
    else:
        raise VariantError(
            f"unknown tool set '{tools_from}' (-T tools=...): choose a persona name "
            f"({', '.join(personas)}), 'minimal' or 'all'"
        )
    return Variant(chosen, tuple(names), tools_from)


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
    **unknown: object,
) -> Task:
    """The Task for a family: every fixture (or the chosen ones) for one persona variant."""
    family_dir = Path(family_dir)
    if unknown:
        raise VariantError(
            f"unknown task parameter(s) {', '.join(f'-T {k}' for k in sorted(unknown))}: known are "
            "persona, tools, fixtures, message_limit, token_limit, time_limit, sandbox"
        )
    if sandbox not in SANDBOXES:
        raise VariantError(
            f"unknown sandbox '{sandbox}' (-T sandbox=...): choose docker-sdk (default: the fixture's "
            "containers through the Docker Engine API), docker (Inspect's compose sandbox, the same "
            "containers) or k8s (Inspect's Kubernetes sandbox)"
        )
    variant = resolve_variant(persona, tools)
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
        dataset=MemoryDataset([fixture_sample(f, sandbox) for f in loaded], name=family_dir.name),
        solver=persona_agent(variant.persona, variant.tools, WORKDIR),
        scorer=hidden_tests({f.id: f for f in loaded}),
        message_limit=message_limit,
        token_limit=token_limit,
        time_limit=time_limit,
        config=GENERATE_CONFIG,
        metadata={
            "variant": variant.name,
            "persona": variant.persona.name if variant.persona else "none",
            "persona_file": variant.persona.path if variant.persona else None,
            "persona_sha256": variant.persona.source_sha256 if variant.persona else None,
            "tools_from": variant.tools_from,
            "tools": list(variant.tools),
            "system_prompt_chars": len(system_prompt(variant.persona)),
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
