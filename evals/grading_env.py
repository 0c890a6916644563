"""Where the hidden tests run, and how the agent's work gets there.

On the local engine (the `docker-sdk` and `docker` sandboxes):

1. `freeze`: every container of the agent's sandbox (its own and its services') is killed by
   the engine, from the host. Nothing the agent started survives, whatever it did to the binaries
   inside its container, and nothing can change /repo while it is read.
2. `read_repo`: the agent's /repo is read from the stopped container through the engine's
   archive API (no process runs in the container for it).
3. `fresh_environment`: a new grading container of the fixture's image (pristine /repo) and new
   copies of the fixture's services (same host names, same variables as the agent had), on a new
   internal network the agent's containers never joined. There is no shared database or Redis
   and nothing to reset; each service's `grading_setup` gives it a secret made for this run
   (e.g. the database superuser's password), which only the hidden tests' process learns.

On Kubernetes, where the harness has no engine to stop containers with, `shared_environment`
grades as before: the agent's processes are killed from inside its container, its repository
read with `tar`, and the services it used are reset for the grader container of the same release.
"""

from __future__ import annotations

import base64
import io
import json
import re
import secrets
import tarfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import anyio
from inspect_ai.util import SandboxEnvironment, sandbox

from .docker_sdk import PROJECT_PREFIX, DockerSdkSandboxEnvironment, _remove, _run, create_sandbox_async, engine
from .fixtures import WORKDIR, Fixture
from .grading import is_noise
from .sandbox import GRADER, _container_id, grading_config, kill_other_processes, load_service, service_environments

MAX_REPO_BYTES = 64 * 1024 * 1024
"""Largest repository (regular files outside .git) that is graded."""
MAX_ARCHIVE_BYTES = 2 * 1024**3
"""Largest archive read from the engine (.git included), so a huge history cannot stall grading."""
SECRET_VARIABLE = "$EVALS_SECRET"


class InfraError(RuntimeError):
    """The harness, not the agent, failed to produce a verdict."""


class RepoTooLarge(Exception):
    """The agent left a repository that cannot be graded (too large, not a folder): its failure,
    not the harness's."""


@dataclass
class GradingEnvironment:
    """A place to run the hidden tests: the grading container and the services' containers."""

    runner: SandboxEnvironment
    services: dict[str, SandboxEnvironment]
    app_env: dict[str, str]
    """Service variables of the code under test (the names and values the agent's container had)."""
    runner_env: dict[str, str] = field(default_factory=dict)
    """Everything the hidden tests' process gets: app_env, the run's secrets, the kit's settings."""


# ------------------------------------------------------------------------------ the agent's side


async def sample_containers(env: SandboxEnvironment) -> list[str] | None:
    """Ids of every container of the sample's sandbox on the local engine (the agent's and its
    services'), or None for a sandbox that is not on it (Kubernetes)."""
    while getattr(env, "_sandbox", None) is not None:  # Inspect's event-logging proxy
        env = env._sandbox  # type: ignore[attr-defined]
    if isinstance(env, DockerSdkSandboxEnvironment):
        return list(env._all)
    project = getattr(getattr(env, "_project", None), "name", None)
    if not isinstance(project, str) or await _container_id(env) is None:
        return None
    found = await _run(lambda: engine().containers(all=True, filters={"label": f"com.docker.compose.project={project}"}))
    return [c["Id"] for c in found]


def _kill(containers: list[str]) -> None:
    import docker.errors

    api = engine()
    for container in containers:
        try:
            api.kill(container)
        except docker.errors.APIError as ex:  # already stopped (409) or gone (404): as good
            if ex.response is None or ex.response.status_code not in (404, 409):
                raise
        api.wait(container, timeout=60)


async def freeze(containers: list[str]) -> None:
    """Kill every container of the agent's sandbox through the engine (SIGKILL to each one's
    whole process tree, from the host) and wait until each has stopped."""
    await _run(_kill, containers)


class _Capped(io.RawIOBase):
    """A stream that raises RepoTooLarge once more than `limit` bytes were read from it."""

    def __init__(self, raw: Any, limit: int) -> None:
        self.raw, self.limit, self.seen = raw, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.limit:
            raise RepoTooLarge(f"the repository's archive exceeds {self.limit // 2**20} MiB: not graded")
        buffer[: len(data)] = data
        return len(data)


def parse_repo_archive(stream: IO[bytes], limit: int = MAX_REPO_BYTES) -> dict[str, bytes | None]:
    """A folder's archive as the engine sends it (entries under the folder's own name) ->
    {path relative to the folder: bytes, or None for anything but a regular file}. `.git` and
    caches are skipped; regular files over `limit` bytes in all raise RepoTooLarge. Read as a
    stream: nothing is written to disk and `.git` is never held in memory."""
    files: dict[str, bytes | None] = {}
    total = 0
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            name = member.name.lstrip("/").removeprefix("./")
            name = name.split("/", 1)[1] if "/" in name else ""
            if not name or member.isdir() or name == ".git" or name.startswith(".git/") or is_noise(name):
                continue
            if not member.isreg():
                files[name] = None
                continue
            total += member.size
            if total > limit:
                raise RepoTooLarge(f"the repository exceeds {limit // 2**20} MiB: not graded")
            extracted = tar.extractfile(member)
            files[name] = extracted.read() if extracted else b""
    return files


def _read_repo_sync(container: str, path: str) -> dict[str, bytes | None]:
    api = engine()
    response = api._get(api._url("/containers/{0}/archive", container), params={"path": path}, stream=True)
    try:
        if response.status_code == 404:
            raise RepoTooLarge(f"{path} no longer exists in the agent's container: not graded")
        if response.status_code >= 400:
            raise InfraError(f"the engine could not read {path}: {response.text.strip()[:300]}")
        stat = json.loads(base64.b64decode(response.headers.get("X-Docker-Container-Path-Stat", "e30=")))
        mode = int(stat.get("mode", 0))
        if not mode & (1 << 31) or mode & (1 << 27):  # Go's os.ModeDir / os.ModeSymlink
            raise RepoTooLarge(f"{path} is no longer a folder (replaced by a symlink or a file): not graded")
        response.raw.decode_content = True
        return parse_repo_archive(io.BufferedReader(_Capped(response.raw, MAX_ARCHIVE_BYTES), 1 << 16))
    finally:
        response.close()


async def read_repo(container: str, path: str = WORKDIR) -> dict[str, bytes | None]:
    """The agent's repository, read from its (stopped) container by the engine."""
    return await _run(_read_repo_sync, container, path)


async def read_repo_in_container(env: SandboxEnvironment, path: str = WORKDIR) -> dict[str, bytes | None]:
    """The repository read with `tar` inside a running container (Kubernetes: no engine)."""
    probe = await env.exec(["sh", "-c", 'test -d "$1" && ! test -L "$1"', "sh", path], timeout=120)
    if not probe.success:
        raise RepoTooLarge(f"{path} is no longer a folder (replaced by a symlink or a file): not graded")
    archive = f"/tmp/.evals-snapshot-{secrets.token_hex(8)}.tar"
    result = await env.exec(["tar", "-C", path, "--one-file-system", "--exclude=./.git", "-cf", archive, "."],
                            timeout=120)  # fmt: skip
    if not result.success:
        raise InfraError(f"could not read the agent's repository: {result.stderr.strip()[:500]}")
    data = await env.read_file(archive, text=False)
    await env.exec(["rm", "-f", archive], timeout=30)
    return parse_repo_archive(_prefixed(data))


def _prefixed(data: bytes) -> IO[bytes]:
    """A `tar -C folder .` archive re-rooted under one folder name, as the engine sends it."""
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as source, tarfile.open(fileobj=out, mode="w") as target:
        for member in source:
            extracted = source.extractfile(member) if member.isreg() else None
            member.name = "repo/" + member.name.removeprefix("./")
            target.addfile(member, extracted)
    out.seek(0)
    return out


# ------------------------------------------------------------------------------ the grader's side


def _runner_env(fixture: Fixture, app_env: dict[str, str], secret: str) -> dict[str, str]:
    env = dict(app_env)
    for name in fixture.services:
        env |= {k: v.replace(SECRET_VARIABLE, secret) for k, v in load_service(name).runner_env.items()}
    return env | {"EVALS_REPO": WORKDIR, "EVALS_APP_USER": "app", "EVALS_APP_ENV": ",".join(sorted(app_env))}


async def _setup_services(fixture: Fixture, services: dict[str, SandboxEnvironment], secret: str) -> None:
    for name in fixture.services:
        service = load_service(name)
        if service.grading_setup:
            result = await services[service.hostname].exec(
                ["sh", "-c", service.grading_setup], env={"EVALS_SECRET": secret}, timeout=120
            )
            if not result.success:
                raise InfraError(f"could not prepare the {name} service for grading: "
                                 f"{(result.stderr or result.stdout).strip()[-500:]}")  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "fixture"


@asynccontextmanager
async def fresh_environment(fixture: Fixture) -> AsyncIterator[GradingEnvironment]:
    """New grading container and services for one grading run, removed afterwards (always)."""
    project = f"{PROJECT_PREFIX}grade-{_slug(fixture.id)}-{uuid.uuid4().hex[:10]}"
    try:
        ids, network, workdirs = await create_sandbox_async(project, grading_config(fixture))
    except Exception as ex:
        raise InfraError(f"could not start the grading environment: {type(ex).__name__}: {ex}") from None
    try:
        envs = {name: DockerSdkSandboxEnvironment(project, name, cid, workdirs[name]) for name, cid in ids.items()}
        for env in envs.values():
            env._network, env._all = network, list(ids.values())
        services = {name: env for name, env in envs.items() if name != GRADER}
        secret = secrets.token_hex(16)
        await _setup_services(fixture, services, secret)
        app_env, _ = service_environments([load_service(n) for n in fixture.services])
        yield GradingEnvironment(envs[GRADER], services, app_env, _runner_env(fixture, app_env, secret))
    finally:
        with anyio.CancelScope(shield=True):
            await _run(_remove, engine(), project, list(ids.values()), network)


@asynccontextmanager
async def shared_environment(fixture: Fixture) -> AsyncIterator[GradingEnvironment]:
    """Kubernetes: the release's grader container and the agent's services, reset for grading."""
    services: dict[str, SandboxEnvironment] = {}
    for name in fixture.services:
        service = load_service(name)
        services[service.hostname] = sandbox(service.hostname)
        if service.grader_reset:
            result = await services[service.hostname].exec(["sh", "-c", service.grader_reset], timeout=120)
            if not result.success:
                raise InfraError(f"could not reset the {name} service for grading: "
                                 f"{(result.stderr or result.stdout)[-500:]}")  # fmt: skip
    secret = secrets.token_hex(16)
    await _setup_services(fixture, services, secret)
    _, grader_env = service_environments([load_service(n) for n in fixture.services])
    runner = sandbox(GRADER)
    await kill_other_processes(runner)
    yield GradingEnvironment(runner, services, grader_env, _runner_env(fixture, grader_env, secret))
