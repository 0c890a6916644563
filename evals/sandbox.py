"""A fixture's containers as one declarative description: an Inspect `ComposeConfig`.

Two descriptions per fixture, built by the same function:

* the agent's sandbox (`compose_config`): `default`, the agent's container (fixture image,
  repository at /repo), and one container per fixture service (e.g. `db`, PostgreSQL);
* the grading environment (`grading_config`): `grader`, a fresh container of the same image
  where the hidden tests run, and fresh copies of the same services under the same host names,
  on a network of their own. It is made only after the agent's containers were stopped
  (`evals.grading_env`), so nothing the agent started or changed reaches it.

Containers get no route out: `network_mode: none` without services, an `internal` network with
them. Every container has cpu, memory and pid limits, and a disk cap (`resources.disk`, default 4g):
Docker's overlay2 on ext4 cannot limit a container's writable layer, so the
harness measures it (`container_disk`) and stops whatever exceeds it (`disk_guarded`).
The agent's and the grader's main process (`INIT`) reaps orphans and has no signal handler, so
nothing inside the container can stop it: only the host can.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import yaml
from inspect_ai.util import ComposeConfig, SandboxEnvironment, SandboxEnvironmentSpec, subprocess

from .fixtures import WORKDIR, Fixture, FixtureError
from .images import fixture_image_tag, stack_image_tag
from .paths import SERVICES_DIR

AGENT = "default"
GRADER = "grader"
NETWORK = "sandbox"

DEFAULT_RESOURCES: dict[str, Any] = {"cpus": 1.0, "memory": "2g", "pids": 512, "disk": "4g"}
DISK_CAPS: dict[str, int] = {}
"""Fixture image -> disk cap in bytes (registered when its sandbox is configured)."""
DISK_POLL_S = 2.0
"""How often a running command's container is measured against its disk cap."""
MAX_FILE_BYTES = 1024**3
"""Largest single file a command may write (`ulimit -f`), whatever the disk cap."""

T = TypeVar("T")


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
    grader_reset: str | None = None
    """Kubernetes only (the grader shares the agent's services there): shell command run in the
    service's container after the agent is done, restoring what the grader uses."""
    grading_setup: str | None = None
    """Shell command run in a fresh grading copy of the service before the hidden tests, with
    EVALS_SECRET in its environment: a new random secret per grading run (e.g. the database
    superuser's password)."""
    runner_env: dict[str, str] = field(default_factory=dict)
    """Variables only the hidden tests' process gets (`$EVALS_SECRET` is replaced by the secret);
    the code under test never sees them."""


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
            grader_reset=str(data["grader_reset"]) if data.get("grader_reset") else None,
            grading_setup=str(data["grading_setup"]) if data.get("grading_setup") else None,
            runner_env={k: str(v) for k, v in (data.get("runner_env") or {}).items()},
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


def duration_seconds(value: object) -> float:
    """Compose durations (`1s`, `500ms`, `1m30s`, a bare number of seconds) -> seconds;
    ValueError for anything else."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration: {value!r}")
    return sum(float(number) * units[unit] for number, unit in parts)


def parse_bytes(value: object) -> int:
    """`4g`, `300m`, `512k`, `1024` -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", str(value).lower())
    if not match:
        raise FixtureError("resources", f"not a size: {value!r} (e.g. 4g, 300m)")
    return int(float(match[1]) * 1024 ** " kmgt".index(match[2] or " "))


def service_environments(services: list[Service]) -> tuple[dict[str, str], dict[str, str]]:
    """The environment the agent's container gets from the fixture's services (how to reach
    PostgreSQL / Redis; the code under test gets the same when it is graded), and the one of a
    grader sharing the agent's services (Kubernetes): the same on every sandbox backend."""
    agent_env: dict[str, str] = {}
    grader_env: dict[str, str] = {}
    for service in services:
        agent_env |= service.agent_env
        grader_env |= service.grader_env
    return agent_env, grader_env


INIT = ["perl", "-e", "$0 = 'evals-init'; while (1) { sleep 1 if wait() < 0 }"]
"""Main process of the agent's and the grader's containers. It reaps orphaned processes and
installs no signal handler: the kernel then drops every signal sent to it from inside its
container (root included), so the agent cannot stop its own container. (Docker's `init`, tini,
forwards signals to its child and exits with it.) Perl is in every Debian image."""


def _description(fixture: Fixture, main: str, env: dict[str, str]) -> ComposeConfig:
    """`main` (the agent's or the grader's container, fixture image, `env`) plus the fixture's
    services under their host names, on one internal network."""
    services = [load_service(name) for name in fixture.services]
    image = fixture_image_tag(fixture)
    DISK_CAPS[image] = parse_bytes((DEFAULT_RESOURCES | fixture.resources)["disk"])
    spec: dict[str, Any] = {
        "image": image,
        "x-local": True,
        "x-default": True,
        "command": INIT,
        "working_dir": WORKDIR,
        "environment": env,
        **_limits(fixture.resources),
    }
    if services:
        spec["networks"] = [NETWORK]
    else:
        spec["network_mode"] = "none"
    compose: dict[str, Any] = {"services": {main: spec}}
    for service in services:
        entry = {
            "image": stack_image_tag(service.image),
            "x-local": True,
            "hostname": service.hostname,
            "networks": {NETWORK: {"aliases": [service.hostname]}},
            **_limits(service.resources),
        }
        if service.healthcheck:
            entry["healthcheck"] = service.healthcheck
        compose["services"][service.hostname] = entry
    if services:
        compose["networks"] = {NETWORK: {"internal": True}}
    return ComposeConfig.model_validate(compose)


def compose_config(fixture: Fixture) -> ComposeConfig:
    """The agent's sandbox: its container and the fixture's services."""
    agent_env, _ = service_environments([load_service(name) for name in fixture.services])
    return _description(fixture, AGENT, agent_env)


def grading_config(fixture: Fixture) -> ComposeConfig:
    """The grading environment: a fresh grading container and fresh services, with the same
    host names and the same service variables as the agent had (so "am I being graded?" has no
    cheap answer from the environment)."""
    agent_env, _ = service_environments([load_service(name) for name in fixture.services])
    return _description(fixture, GRADER, agent_env)


def sandbox_spec(fixture: Fixture, provider: str = "docker") -> SandboxEnvironmentSpec:
    """Inspect's `docker` (compose) or this project's `docker-sdk` provider: one description."""
    return SandboxEnvironmentSpec(provider, compose_config(fixture))


# --------------------------------------------------------------------------- processes and disk

#: Shell builtins only: SIGKILL every process but init, this shell and its parent (Inspect runs
#: every exec under `timeout`: killing that would fail the exec and force a container restart).
KILL_OTHERS = r"""
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  case " 1 $$ $PPID " in *" $pid "*) ;; *) kill -9 "$pid" 2>/dev/null ;; esac
done
true
"""


async def kill_other_processes(env: SandboxEnvironment) -> None:
    """Kill everything running in the container but its main process. When no process
    can even be started in it (a fork bomb at its pid limit), restart it from the host instead:
    every process dies, the file system stays. A container that has stopped stays stopped."""
    try:
        result = await env.exec(["sh", "-c", KILL_OTHERS], timeout=30)
        if result.success:
            return
    except Exception:
        pass
    container = await _container_id(env)
    if container is None:
        return
    try:
        state = await subprocess(["docker", "inspect", "--format", "{{.State.Running}}", container], timeout=60)
        if state.stdout.strip() == "true":
            await subprocess(["docker", "restart", "-t", "0", container], timeout=120)
    except Exception:
        pass


_CONTAINERS: dict[tuple[str, str], str] = {}


async def _container_id(env: SandboxEnvironment) -> str | None:
    """The Docker container behind one of our compose sandboxes (None for any other)."""
    while getattr(env, "_sandbox", None) is not None:  # Inspect's event-logging proxy
        env = env._sandbox  # type: ignore[attr-defined]
    direct = getattr(env, "container_id", None)  # the docker-sdk provider knows its container
    if isinstance(direct, str):
        return direct
    project, service = getattr(env, "_project", None), getattr(env, "_service", None)
    name = getattr(project, "name", None)
    if not isinstance(name, str) or not isinstance(service, str):
        return None
    container = _CONTAINERS.get((name, service))
    if container is None:
        found = await subprocess(
            ["docker", "ps", "-aq", "--no-trunc",
             "--filter", f"label=com.docker.compose.project={name}",
             "--filter", f"label=com.docker.compose.service={service}"],
            timeout=60,
        )  # fmt: skip
        ids = found.stdout.split()
        if not found.success or len(ids) != 1:
            return None
        container = _CONTAINERS[(name, service)] = ids[0]
    return container


async def stopped_out_of_memory(env: SandboxEnvironment) -> bool:
    """Whether `env`'s container has stopped after running out of memory: the agent's processes
    used it up and the kernel killed its main process (an agent can make that one the first
    choice), which is the agent's doing. Any other stop comes from outside: its main process
    cannot be signalled from inside (see INIT)."""
    try:
        container = await _container_id(env)
        if container is None:
            return False
        result = await subprocess(
            ["docker", "container", "inspect", "--format", "{{.State.Running}} {{.State.OOMKilled}}", container],
            timeout=60,
        )
        return result.success and result.stdout.split() == ["false", "true"]
    except Exception:
        return False


async def container_disk(env: SandboxEnvironment) -> tuple[int, int] | None:
    """(bytes in the container's writable layer, its disk cap), measured by the engine from the
    host (nothing the agent does inside can fake it); None for a sandbox that is not one of
    ours on Docker, or when the engine does not answer."""
    try:
        container = await _container_id(env)
        if container is None:
            return None
        result = await subprocess(
            ["docker", "container", "inspect", "--size", "--format",
             "{{.SizeRw}} {{.Config.Image}}", container],
            timeout=120,
        )  # fmt: skip
        used, image = result.stdout.split()
        return int(used), DISK_CAPS.get(image, parse_bytes(DEFAULT_RESOURCES["disk"]))
    except Exception:
        return None


class DiskLimitExceeded(Exception):
    def __init__(self, used: int, limit: int) -> None:
        super().__init__(
            f"the sandbox wrote {used / 2**20:.0f} MiB to its disk, over its cap of "
            f"{limit / 2**20:.0f} MiB: every process in it was stopped"
        )
        self.used, self.limit = used, limit


async def check_disk(env: SandboxEnvironment) -> None:
    """Raise DiskLimitExceeded (after killing every process) when the container is over its cap."""
    usage = await container_disk(env)
    if usage is not None and usage[0] > usage[1]:
        await kill_other_processes(env)
        raise DiskLimitExceeded(*usage)


async def disk_guarded(env: SandboxEnvironment, body: Callable[[], Awaitable[T]]) -> T:
    """Run `body` (e.g. one exec) while measuring `env`'s container every DISK_POLL_S seconds;
    past its cap, kill every process in it, cancel `body` and raise DiskLimitExceeded."""
    exceeded: tuple[int, int] | None = None
    result: T | None = None
    with anyio.CancelScope() as scope:

        async def watch() -> None:
            nonlocal exceeded
            while True:
                await asyncio.sleep(DISK_POLL_S)
                usage = await container_disk(env)
                if usage is not None and usage[0] > usage[1]:
                    exceeded = usage
                    await kill_other_processes(env)
                    scope.cancel()
                    return

        watcher = asyncio.ensure_future(watch())
        try:
            result = await body()
        finally:
            watcher.cancel()
    if exceeded is not None:
        raise DiskLimitExceeded(*exceeded)
    return result  # type: ignore[return-value]
