"""What the Docker engine on this machine can do (versions Inspect needs)."""

from __future__ import annotations

import os
import shutil
import subprocess

from .images import ImageBuildError

MIN_ENGINE = (24, 0, 6)
MIN_COMPOSE = (2, 21, 0)


def _version(text: str) -> tuple[int, ...]:
    core = text.strip().lstrip("v").split("+")[0].split("-")[0]
    return tuple(int(part) for part in core.split(".")[:3] if part.isdigit())


def _docker(*args: str) -> str | None:
    """The docker command's output, or None when it fails or is not installed."""
    try:
        result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=60)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def engine_version() -> str | None:
    """Server version, or None when no daemon answers."""
    return _docker("version", "--format", "{{.Server.Version}}")


def compose_version() -> str | None:
    return _docker("compose", "version", "--short")


def engine_ok(version: str | None) -> bool:
    return version is not None and _version(version) >= MIN_ENGINE


def compose_ok(version: str | None) -> bool:
    return version is not None and _version(version) >= MIN_COMPOSE


def require_engine() -> None:
    """Fail with one clear sentence when the engine or compose is missing or too old: the
    commands that run containers call it after their input is checked, before anything runs."""
    if shutil.which("docker") is None:
        raise ImageBuildError(
            "this command needs Docker and the docker command is not installed: run 'make docker' "
            "(scripts/docker-up.sh installs and starts it); 'evals doctor' shows what is missing"
        )
    engine = engine_version()
    if not engine_ok(engine):
        host = os.environ.get("DOCKER_HOST")
        found = f"found {engine}" if engine else "no daemon answers" + (f" at DOCKER_HOST={host}" if host else "")
        raise ImageBuildError(
            f"this command needs the Docker engine >= 24.0.6 ({found}): start it with 'make docker' "
            "(scripts/docker-up.sh installs and starts it); 'evals doctor' shows what is missing"
        )
    compose = compose_version()
    if not compose_ok(compose):
        raise ImageBuildError(
            f"this command needs Docker Compose v2 >= 2.21 (found {compose or 'none'}): run 'make docker'"
        )


#: compose projects of Inspect's docker sandbox are named "inspect-<task>-<id>"
SANDBOX_PROJECT_PREFIX = "inspect-"
_DEAD = {"exited", "dead"}


def sandbox_is_dead(states: list[str]) -> bool:
    """Whether a sandbox's containers (their engine states) belong to no live sample: none is
    running, paused or restarting, and at least one has exited. `created` alone is a sample
    being set up; `created` next to `exited` is one whose engine died between create and start."""
    return any(state in _DEAD for state in states) and all(state in _DEAD | {"created"} for state in states)


def reap_dead_sandboxes(prefix: str = SANDBOX_PROJECT_PREFIX, orphan_network_age_s: int = 600) -> list[str]:
    """Remove sandboxes nobody will clean up: compose projects (and docker-sdk sandboxes) whose containers have stopped
    (their run died with the engine, or was killed before Inspect's own cleanup), and their
    networks; also networks of such projects left with no container for a while. A project
    with a container running or paused, or with only created ones, belongs to a live sample
    and is left alone (`sandbox_is_dead`). Returns the projects removed."""
    import datetime as dt
    from collections import defaultdict

    import docker
    from docker.errors import APIError, NotFound

    client = docker.from_env()
    label = "com.docker.compose.project"
    projects: dict[str, list[dict]] = defaultdict(list)
    # the list call alone (no inspect per container): other runs remove containers meanwhile
    for container in client.api.containers(all=True, filters={"label": label}):
        name = (container.get("Labels") or {}).get(label, "")
        if name.startswith(prefix):
            projects[name].append(container)
    reaped = []
    for name, containers in projects.items():
        if sandbox_is_dead([c.get("State", "") for c in containers]):
            for container in containers:
                try:
                    client.api.remove_container(container["Id"], force=True)
                except (NotFound, APIError):
                    pass  # already gone (Inspect's cleanup may race us)
            reaped.append(name)
    now = dt.datetime.now(dt.timezone.utc)
    for network in client.networks.list(filters={"label": label}):
        name = network.attrs.get("Labels", {}).get(label, "")
        if not name.startswith(prefix) or (name in projects and name not in reaped):
            continue
        created = dt.datetime.fromisoformat(network.attrs["Created"][:26].rstrip("Z") + "+00:00")
        if name in reaped or (now - created).total_seconds() > orphan_network_age_s:
            try:
                network.reload()
                if not network.attrs.get("Containers"):
                    network.remove()
            except (NotFound, APIError):
                pass
    if prefix == SANDBOX_PROJECT_PREFIX:  # the docker-sdk provider's sandboxes, by their label
        from .docker_sdk import remove_projects

        reaped += remove_projects(only_dead=True)
    return sorted(reaped)
