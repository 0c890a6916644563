"""`evals doctor`: what is present and what is missing, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from .docker_engine import compose_ok, compose_version, engine_ok, engine_version
from .fixtures import FixtureError, load_all
from .images import (
    BASE_IMAGE,
    claude_code_version,
    fixture_image_tag,
    image_exists,
    stack_image_tag,
)
from .paths import PERSONAS_DIR
from .personas import PersonaError, load_personas


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | missing | warn
    detail: str
    fix: str = ""


def run_checks() -> list[Check]:
    checks: list[Check] = []
    engine = engine_version()
    checks.append(
        Check("docker engine", "ok" if engine_ok(engine) else "missing",
              engine or "no daemon answers", "start it with 'make docker' (scripts/docker-up.sh installs Docker >= 24 "
              "when missing and starts it)")
    )  # fmt: skip
    compose = compose_version()
    checks.append(
        Check("docker compose", "ok" if compose_ok(compose) else "missing",
              compose or "not installed", "run 'make setup' (installs Compose v2)")
    )  # fmt: skip
    try:
        personas = load_personas(PERSONAS_DIR)
        checks.append(Check("personas", "ok", ", ".join(personas) or "none found"))
    except PersonaError as ex:
        checks.append(Check("personas", "missing", str(ex), "fix the persona file named above"))
    try:
        fixtures = load_all()
    except FixtureError as ex:
        checks.append(Check("fixtures", "missing", str(ex), "fix the fixture folder named above"))
        return checks
    families = sorted({f.family for f in fixtures})
    checks.append(Check("fixtures", "ok", f"{len(fixtures)} in {len(families)} families ({', '.join(families)})"))
    if not engine_ok(engine):
        return checks
    checks.append(
        Check("base image", "ok" if image_exists(BASE_IMAGE) else "missing", BASE_IMAGE,
              "run 'evals images build' (pulls it, or builds it locally with debootstrap)")
    )  # fmt: skip
    from .images import service_images

    stacks = sorted({f.image for f in fixtures} | {s for f in fixtures for s in service_images(f)})
    for name in stacks:
        tag = stack_image_tag(name)
        checks.append(
            Check(f"image {name}", "ok" if image_exists(tag) else "missing", tag,
                  "run 'evals images build'")
        )  # fmt: skip
    agent_stacks = sorted({f.image for f in fixtures})
    versions = {name: claude_code_version(name) for name in agent_stacks}
    without = [name for name, version in versions.items() if version is None]
    shown = sorted({v for v in versions.values() if v})
    checks.append(
        Check("claude code", "missing" if without else "ok",
              (f"Claude Code {', '.join(shown)} in the agent images" if shown else "not in any image")
              + (f"; not in: {', '.join(without)}" if without else ""),
              "run 'evals images build' (the CLI comes from the wheel pinned in "
              "sandboxes/images/agent-base/claude-code.lock)")
    )  # fmt: skip
    missing = [f.id for f in fixtures if not image_exists(fixture_image_tag(f))]
    checks.append(
        Check("fixture images", "missing" if missing else "ok",
              f"{len(fixtures) - len(missing)}/{len(fixtures)} built"
              + (f"; missing: {', '.join(missing)}" if missing else ""),
              "run 'evals images build'")
    )  # fmt: skip
    return checks
