"""What the Docker engine on this machine can do (versions Inspect needs)."""

from __future__ import annotations

import subprocess

from .images import ImageBuildError

MIN_ENGINE = (24, 0, 6)
MIN_COMPOSE = (2, 21, 0)


def _version(text: str) -> tuple[int, ...]:
    core = text.strip().lstrip("v").split("+")[0].split("-")[0]
    return tuple(int(part) for part in core.split(".")[:3] if part.isdigit())


def engine_version() -> str | None:
    """Server version, or None when no daemon answers."""
    result = subprocess.run(
        ["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True
    )
    return result.stdout.strip() or None if result.returncode == 0 else None


def compose_version() -> str | None:
    result = subprocess.run(
        ["docker", "compose", "version", "--short"], capture_output=True, text=True
    )
    return result.stdout.strip() or None if result.returncode == 0 else None


def engine_ok(version: str | None) -> bool:
    return version is not None and _version(version) >= MIN_ENGINE


def compose_ok(version: str | None) -> bool:
    return version is not None and _version(version) >= MIN_COMPOSE


def require_engine() -> None:
    """Fail with one clear sentence when the engine or compose is missing or too old."""
    try:
        engine = engine_version()
        compose = compose_version()
    except FileNotFoundError:
        raise ImageBuildError(
            "the docker command is not installed: run 'make setup' (or scripts/docker-up.sh)"
        ) from None
    if not engine_ok(engine):
        found = f"found {engine}" if engine else "no daemon answers"
        raise ImageBuildError(
            f"Docker Engine >= 24.0.6 is needed ({found}): run 'make setup' "
            "(or scripts/docker-up.sh) to install/start it"
        )
    if not compose_ok(compose):
        raise ImageBuildError(
            f"Docker Compose v2 >= 2.21 is needed (found {compose or 'none'}): run 'make setup'"
        )
