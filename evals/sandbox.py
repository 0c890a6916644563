"""A fixture's sandbox as one declarative description: an Inspect `ComposeConfig`.

Services of a sample:

* `default` — the agent's container (fixture image, repository at /repo);
* `grader`  — a fresh container of the same image, idle until the agent is done, where the
  hidden tests run (they are copied in only at scoring time);
* one per fixture service (e.g. `db`, PostgreSQL), reachable from both.

Containers get no route out: `network_mode: none` without services, an `internal` network with
them. Every container has cpu, memory and pid limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from inspect_ai.util import ComposeConfig, SandboxEnvironmentSpec

from .fixtures import WORKDIR, Fixture, FixtureError
from .images import fixture_image_tag, stack_image_tag
from .paths import SERVICES_DIR

AGENT = "default"
GRADER = "grader"
NETWORK = "sandbox"

DEFAULT_RESOURCES: dict[str, Any] = {"cpus": 1.0, "memory": "2g", "pids": 512}


@dataclass(frozen=True)
class Service:
    """A sandbox service declared in `sandboxes/services/<name>.yaml`."""

    name: str
    image: str
    hostname: str
    healthcheck: dict[str, Any] = field(default_factory=dict)
    agent_env: dict[str, str] = field(default_factory=dict)
    grader_env: dict[str, str] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)


def load_service(name: str) -> Service:
    path = SERVICES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise FixtureError(path, f"unknown sandbox service '{name}'")
    data = yaml.safe_load(path.read_text()) or {}
    try:
        return Service(
            name=name,
            image=str(data["image"]),
            hostname=str(data.get("hostname", name)),
            healthcheck=dict(data.get("healthcheck") or {}),
            agent_env={k: str(v) for k, v in (data.get("agent_env") or {}).items()},
            grader_env={k: str(v) for k, v in (data.get("grader_env") or {}).items()},
            resources=dict(data.get("resources") or {}),
        )
    except (KeyError, AttributeError, TypeError) as ex:
        raise FixtureError(path, f"malformed service description ({ex})") from None


def _limits(resources: dict[str, Any]) -> dict[str, Any]:
    merged = DEFAULT_RESOURCES | resources
    return {
        "cpus": float(merged["cpus"]),
        "mem_limit": str(merged["memory"]),
        "memswap_limit": str(merged["memory"]),
        "pids_limit": int(merged["pids"]),
    }


def compose_config(fixture: Fixture) -> ComposeConfig:
    """The fixture's sandbox: agent container, grading container and services."""
    services = [load_service(name) for name in fixture.services]
    image = fixture_image_tag(fixture)
    agent_env: dict[str, str] = {}
    grader_env: dict[str, str] = {}
    for service in services:
        agent_env |= service.agent_env
        grader_env |= service.grader_env

    def container(env: dict[str, str]) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "image": image,
            "x-local": True,
            "command": ["sleep", "infinity"],
            "working_dir": WORKDIR,
            "init": True,
            "environment": env,
            **_limits(fixture.resources),
        }
        if services:
            spec["networks"] = [NETWORK]
        else:
            spec["network_mode"] = "none"
        return spec

    compose: dict[str, Any] = {
        "services": {
            AGENT: container(agent_env) | {"x-default": True},
            GRADER: container(grader_env),
        }
    }
    for service in services:
        spec = {
            "image": stack_image_tag(service.image),
            "x-local": True,
            "hostname": service.hostname,
            "networks": {NETWORK: {"aliases": [service.hostname]}},
            **_limits(service.resources),
        }
        if service.healthcheck:
            spec["healthcheck"] = service.healthcheck
        compose["services"][service.hostname] = spec
    if services:
        compose["networks"] = {NETWORK: {"internal": True}}
    return ComposeConfig.model_validate(compose)


def sandbox_spec(fixture: Fixture) -> SandboxEnvironmentSpec:
    return SandboxEnvironmentSpec("docker", compose_config(fixture))
