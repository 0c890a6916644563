"""`docker-sdk`: an Inspect sandbox provider that talks to the Docker Engine API directly.

Why: Inspect's `docker` sandbox starts a `docker compose` CLI process for every lifecycle step
and every exec; on a small machine that process start is most of a sample's sandbox time. This
provider reads the same `ComposeConfig` a fixture already has (`evals.sandbox.compose_config`,
the fixture's one declarative description) and makes the same containers, network, limits and
healthchecks through the `docker` SDK. Select it with `-T sandbox=docker-sdk`; Inspect's own
`docker` sandbox stays the default and selectable.

Only the compose keys `compose_config` writes are understood; any other key is an error rather
than being silently ignored.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import re
import shlex
import socket
import threading
import time
import uuid
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Union, overload

import anyio
from inspect_ai.util import (
    ComposeConfig,
    ExecResult,
    OutputLimitExceededError,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    sandboxenv,
)
from inspect_ai.util._sandbox.docker.docker import _is_directory_alias, _read_archived_file
from pydantic import BaseModel

from .sandbox import duration_seconds, parse_bytes

PROVIDER = "docker-sdk"
LABEL = "evals.sandbox"
"""Label on every container and network of this provider: the sample's project name."""
PROJECT_PREFIX = "evals-sdk-"
OWNER_LABEL = f"{LABEL}.owner"
"""Label naming the process that made a sandbox (`owner_token`): once it has ended, nobody will
remove the sandbox, whatever state its containers are in (`owner_alive`); while it runs, only it
removes the sandbox."""

_SERVICE_KEYS = {
    "image", "command", "working_dir", "environment", "networks", "network_mode", "init",
    "pids_limit", "mem_limit", "memswap_limit", "cpus", "hostname", "healthcheck",
    "x-default", "x-local", "stop_grace_period",
}  # fmt: skip
"""`stop_grace_period` is accepted and moot: containers are removed with SIGKILL."""
_TIMEOUT_BINARY = "/usr/bin/timeout"
_PINNED_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_HEALTH_WAIT_S = 180.0
_LIVE: dict[str, list[str]] = {}
"""Project -> container ids created by this process and not yet removed (for task_cleanup)."""
_threads = anyio.CapacityLimiter(64)


class SandboxConfigError(ValueError):
    """A sandbox description this provider cannot run (names the key)."""


# ------------------------------------------------------------------------------ the engine client

_client_lock = threading.Lock()
_client: Any = None


def engine() -> Any:
    """One `docker.APIClient` for the process (DOCKER_HOST honoured; its pool is shared by the
    worker threads)."""
    global _client
    with _client_lock:
        if _client is None:
            import docker

            _client = docker.from_env(timeout=300, max_pool_size=64).api
        return _client


async def _run(fn: Any, *args: Any) -> Any:
    return await anyio.to_thread.run_sync(fn, *args, limiter=_threads, abandon_on_cancel=True)


# ------------------------------------------------------------------------------ ownership


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _started(pid: int) -> str:
    """A process's start time (psutil): with the pid, it names one process even after the pid
    is reused. Empty when there is no such process."""
    import psutil

    try:
        return repr(psutil.Process(pid).create_time())
    except psutil.Error:
        return ""


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return ""


def owner_token(pid: int | None = None) -> str:
    """`host/boot id/pid namespace/pid/start time` of this process (or of `pid`)."""
    pid = os.getpid() if pid is None else pid
    return "/".join((socket.gethostname(), _read("/proc/sys/kernel/random/boot_id"), _pid_namespace(),
                     str(pid), _started(pid)))  # fmt: skip


def owner_alive(token: str) -> bool | None:
    """Whether the process a sandbox's owner label names still runs; None when this process
    cannot tell (a sandbox made on another host or in another container sharing the engine, or
    without the label). Gone: the host has rebooted since, or no process has that pid and start
    time now (a reused pid has another start time)."""
    parts = token.split("/")
    if len(parts) != 5 or parts[0] != socket.gethostname() or parts[2] != _pid_namespace() or not parts[3].isdigit():
        return None
    _, boot, _, pid, started = parts
    if boot != _read("/proc/sys/kernel/random/boot_id"):
        return False
    return _started(int(pid)) == started


# ------------------------------------------------------------------------------ compose -> API


def _nanoseconds(value: object) -> int:
    return int(duration_seconds(value) * 1e9)


def _command(value: object) -> list[str] | None:
    if value is None:
        return None
    return list(map(str, value)) if isinstance(value, list) else shlex.split(str(value))


def healthcheck(spec: dict[str, Any]) -> dict[str, Any]:
    """A compose healthcheck -> the Engine API's HealthConfig (durations in nanoseconds)."""
    out: dict[str, Any] = {"Test": list(spec["test"]) if isinstance(spec["test"], list)
                           else ["CMD-SHELL", str(spec["test"])]}  # fmt: skip
    for key, api_key in (("interval", "Interval"), ("timeout", "Timeout"),
                         ("start_period", "StartPeriod"), ("start_interval", "StartInterval")):  # fmt: skip
        if key in spec:
            out[api_key] = _nanoseconds(spec[key])
    if "retries" in spec:
        out["Retries"] = int(spec["retries"])
    return out


def container_specs(config: ComposeConfig) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
    """The compose description as (service name, Engine API create body) pairs, the default
    service first, and the name of the one internal network (None without one). Pure: no engine.
    A body lacks only what depends on the sample (network name, labels; see `create_body`)."""
    data = config.model_dump(by_alias=True, exclude_none=True)
    networks = data.get("networks") or {}
    if len(networks) > 1 or any((n or {}) != {"internal": True} for n in networks.values()):
        raise SandboxConfigError(f"{PROVIDER}: only one network, with 'internal: true' (no egress), "
                                 f"is supported; got {networks}")  # fmt: skip
    network = next(iter(networks), None)
    specs = []
    for name, service in (data.get("services") or {}).items():
        unknown = set(service) - _SERVICE_KEYS
        if unknown:
            raise SandboxConfigError(f"{PROVIDER}: service '{name}' uses unsupported key(s) {sorted(unknown)}")
        host: dict[str, Any] = {
            "Init": bool(service.get("init", False)),
            "NanoCpus": int(float(service["cpus"]) * 1e9) if "cpus" in service else 0,
            "Memory": parse_bytes(service["mem_limit"]) if "mem_limit" in service else 0,
            "MemorySwap": parse_bytes(service["memswap_limit"]) if "memswap_limit" in service else 0,
            "PidsLimit": int(service["pids_limit"]) if "pids_limit" in service else 0,
        }
        host = {key: value for key, value in host.items() if value}  # unset: the engine's default
        body: dict[str, Any] = {
            "Image": service["image"],
            "Env": [f"{k}={v}" for k, v in (service.get("environment") or {}).items()],
            "HostConfig": host,
        }
        if "command" in service:
            body["Cmd"] = _command(service["command"])
        if service.get("working_dir"):
            body["WorkingDir"] = service["working_dir"]
        if "hostname" in service:
            body["Hostname"] = service["hostname"]
        if "healthcheck" in service:
            body["Healthcheck"] = healthcheck(service["healthcheck"])
        wanted = service.get("networks")
        if service.get("network_mode"):
            host["NetworkMode"] = service["network_mode"]
        elif wanted:
            names = list(wanted) if isinstance(wanted, (list, dict)) else []
            if names != [network]:
                raise SandboxConfigError(f"{PROVIDER}: service '{name}' joins unknown network(s) {names}")
            aliases = [name] + list(((wanted if isinstance(wanted, dict) else {}).get(network) or {}).get("aliases", []))
            body["_aliases"] = sorted(set(aliases))
        else:
            raise SandboxConfigError(f"{PROVIDER}: service '{name}' needs network_mode or networks")
        specs.append((name, body))
    if not specs:
        raise SandboxConfigError(f"{PROVIDER}: the description has no services")
    default = next((n for n, _ in specs if (data["services"][n].get("x-default"))), None)
    default = default or ("default" if any(n == "default" for n, _ in specs) else specs[0][0])
    specs.sort(key=lambda item: item[0] != default)
    return specs, network


# ------------------------------------------------------------------------------ lifecycle (sync)


def create_body(spec: dict[str, Any], network: str | None, labels: dict[str, str]) -> dict[str, Any]:
    """One `container_specs` body made whole for a sample: joined to the sample's network under
    the service's aliases (unless the description set `network_mode`), labelled. The healthcheck
    goes in as is: the SDK's `Healthcheck` type would drop `StartInterval`."""
    body = {key: value for key, value in spec.items() if not key.startswith("_")}
    body["HostConfig"] = {"NetworkMode": network or "none", **spec["HostConfig"]}
    body["Labels"] = labels
    if network and "_aliases" in spec:
        body["NetworkingConfig"] = {"EndpointsConfig": {network: {"Aliases": spec["_aliases"]}}}
    return body


class CreationStopped(Exception):
    """The caller was cancelled (Ctrl-C) while its sandbox was being made: what was made is removed."""


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise CreationStopped("sandbox creation stopped: its caller was cancelled")


def _wait_healthy(api: Any, container: str, name: str, stop: threading.Event | None = None) -> None:
    deadline = time.monotonic() + _HEALTH_WAIT_S
    while True:
        _check(stop)
        state = api.inspect_container(container)["State"]
        status = (state.get("Health") or {}).get("Status")
        if status == "healthy":
            return
        if not state.get("Running") or status == "unhealthy":
            log = ((state.get("Health") or {}).get("Log") or [{}])[-1].get("Output", "")
            raise RuntimeError(f"sandbox service '{name}' did not become healthy "
                               f"(status {status or state.get('Status')}): {log.strip()[-300:]}")  # fmt: skip
        if time.monotonic() > deadline:
            raise TimeoutError(f"sandbox service '{name}' was not healthy after {_HEALTH_WAIT_S:.0f} s")
        time.sleep(0.1)


def _remove(api: Any, project: str, containers: list[str], network: str | None) -> None:
    import docker.errors

    for container in containers:
        try:
            api.remove_container(container, force=True, v=True)
        except docker.errors.NotFound:
            pass
    if network:
        try:
            api.remove_network(network)
        except docker.errors.NotFound:
            pass
    _LIVE.pop(project, None)


def create_sandbox(project: str, config: ComposeConfig, stop: threading.Event | None = None,
                   ) -> tuple[dict[str, str], str | None, dict[str, str]]:
    """Create and start every container of one sample: (service -> container id, network name,
    service -> working dir). Services with a healthcheck are waited for; on any failure, or
    once `stop` is set, what was made is removed before the error propagates."""
    specs, network = container_specs(config)
    api = engine()
    labels = {LABEL: project, OWNER_LABEL: owner_token()}
    net_name = f"{project}_{network}" if network else None
    ids: dict[str, str] = {}
    _LIVE[project] = []
    try:
        if net_name:
            api.create_network(net_name, driver="bridge", internal=True, labels=labels)
        for name, spec in specs:
            _check(stop)
            create = create_body(spec, net_name, labels | {f"{LABEL}.service": name})
            created = api.create_container_from_config(create, name=f"{project}-{name}")
            ids[name] = created["Id"]
            _LIVE[project].append(created["Id"])
        for name, _ in specs:
            _check(stop)
            api.start(ids[name])
        for name, body in specs:
            if "Healthcheck" in body:
                _wait_healthy(api, ids[name], name, stop)
    except BaseException:
        _remove(api, project, list(ids.values()), net_name)
        raise
    workdirs = {name: body.get("WorkingDir") or "/" for name, body in specs}
    return ids, net_name, workdirs


_swept = threading.Event()


async def _sweep_orphans() -> None:
    """Once per process, before its first sandbox: remove the sandboxes of processes that ended
    without removing theirs (killed, or interrupted mid-create), so a next run leaves none."""
    if not _swept.is_set():
        _swept.set()
        try:
            await _run(lambda: remove_projects(only_orphaned=True))
        except Exception:  # best effort: the sample's own create reports an engine that is down
            pass


async def create_sandbox_async(project: str, config: ComposeConfig) -> tuple[dict[str, str], str | None, dict[str, str]]:
    """`create_sandbox` in a worker thread. Cancelled (Ctrl-C), it stops the thread at its next
    step and waits, shielded, until the thread has removed what it made: an interrupted run
    leaves no container behind (an abandoned thread would go on creating them)."""
    await _sweep_orphans()
    stop, finished = threading.Event(), threading.Event()
    made: list[tuple[dict[str, str], str | None, dict[str, str]]] = []

    def work() -> tuple[dict[str, str], str | None, dict[str, str]]:
        try:
            made.append(create_sandbox(project, config, stop))
            return made[0]
        finally:
            finished.set()

    try:
        return await _run(work)
    except BaseException:
        stop.set()
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(finished.wait, 60)
            if made:  # finished just as the cancel came: the caller never got the ids
                ids, network, _ = made[0]
                await anyio.to_thread.run_sync(_remove, engine(), project, list(ids.values()), network)
        raise


# ------------------------------------------------------------------------------ exec (sync)


def _exec_sync(
    container: str, cmd: list[str], input: bytes | None, cwd: str, env: dict[str, str] | None,
    user: str | None, host_timeout: float | None, limit: int,
) -> tuple[int, bytes, bytes, bool]:
    """Run one command; (exit code, stdout, stderr, over the output limit). Input is written
    while output is read (a command may answer before it has read everything)."""
    from docker.utils.socket import frames_iter

    api = engine()
    exec_id = api.exec_create(container, cmd, stdin=input is not None, workdir=cwd,
                              environment=env or None, user=user or "")["Id"]  # fmt: skip
    sock = api.exec_start(exec_id, socket=True)
    raw: socket.socket = getattr(sock, "_sock", sock)
    raw.settimeout(host_timeout)
    writer: threading.Thread | None = None
    if input is not None:

        def feed() -> None:
            try:
                raw.sendall(input)
                raw.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the command exited without reading all of it

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
    out, err = bytearray(), bytearray()
    over = False
    try:
        for stream, data in frames_iter(sock, tty=False):
            (out if stream == 1 else err).extend(data)
            if len(out) > limit or len(err) > limit:
                over = True
                break
    except (socket.timeout, TimeoutError):
        raise TimeoutError("the engine did not answer") from None
    finally:
        try:
            sock.close()
            raw.close()
        except OSError:
            pass
        if writer is not None:  # a closed socket ends a send the command never read
            writer.join(timeout=5)
    if over:
        return -1, bytes(out), bytes(err), True
    code = None
    for _ in range(200):  # the stream can end a moment before the engine records the exit
        info = api.exec_inspect(exec_id)
        if not info.get("Running"):
            code = info.get("ExitCode")
            break
        time.sleep(0.01)
    return (code if code is not None else -1), bytes(out), bytes(err), False


# ------------------------------------------------------------------------------ the provider


@sandboxenv(name=PROVIDER)
class DockerSdkSandboxEnvironment(SandboxEnvironment):
    """One service's container of a sample (see the module docstring)."""

    def __init__(self, project: str, service: str, container_id: str, working_dir: str) -> None:
        super().__init__()
        self.project, self.service, self.container_id = project, service, container_id
        self.working_dir = PurePosixPath(working_dir)
        self._network: str | None = None
        self._all: list[str] = []

    # --- configuration

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return ComposeConfig.model_validate(config)

    @classmethod
    def default_concurrency(cls) -> int | None:
        import os

        return 2 * (os.cpu_count() or 1)

    # --- lifecycle

    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        _compose(config)  # a description this provider cannot run fails before any sample starts
        try:
            await _run(lambda: engine().ping())
        except Exception as ex:
            raise RuntimeError(f"{PROVIDER}: the Docker engine does not answer ({ex}); run 'make setup'") from None

    @classmethod
    async def sample_init(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        slug = re.sub(r"[^a-z0-9]+", "-", task_name.lower()).strip("-")[:40] or "task"
        project = f"{PROJECT_PREFIX}{slug}-{uuid.uuid4().hex[:10]}"
        ids, network, workdirs = await create_sandbox_async(project, _compose(config))
        envs: dict[str, SandboxEnvironment] = {}
        for name, container in ids.items():
            env = cls(project, name, container, workdirs[name])
            env._network, env._all = network, list(ids.values())
            envs[name] = env
        return envs

    @classmethod
    async def sample_cleanup(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment], interrupted: bool,
    ) -> None:
        ours = [e for e in environments.values() if isinstance(e, DockerSdkSandboxEnvironment)]
        if ours:
            first = ours[0]
            with anyio.CancelScope(shield=True):
                await _run(_remove, engine(), first.project, first._all, first._network)

    @classmethod
    async def task_cleanup(cls, task_name: str, config: SandboxEnvironmentConfigType | None, cleanup: bool) -> None:
        if cleanup:
            for project, containers in list(_LIVE.items()):
                await _run(_remove, engine(), project, list(containers), None)

    @classmethod
    async def cli_cleanup(cls, id: str | None) -> None:
        await _run(remove_projects, id)

    # --- commands and files

    def _path(self, path: str) -> str:
        full = PurePosixPath(path)
        return str(full if full.is_absolute() else self.working_dir / full)

    async def exec(
        self, cmd: list[str], input: str | bytes | None = None, cwd: str | None = None,
        env: dict[str, str] | None = None, user: str | None = None, timeout: int | None = None,
        timeout_retry: bool = True, concurrency: bool = True,
    ) -> ExecResult[str]:
        final_cmd = [_TIMEOUT_BINARY, "-k", "5s", f"{timeout}s", *cmd] if timeout is not None else cmd
        data = input.encode() if isinstance(input, str) else input
        limit = SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE
        started = time.monotonic()
        try:
            code, out_b, err_b, over = await _run(
                _exec_sync, self.container_id, final_cmd, data, self._path(cwd or "."), env, user,
                timeout + 10 if timeout is not None else None, limit,
            )  # fmt: skip
        except TimeoutError:
            raise TimeoutError(f"Command timed out after {timeout} seconds") from None
        stdout, stderr = out_b.decode("utf-8", "replace"), err_b.decode("utf-8", "replace")
        if over:
            raise OutputLimitExceededError(SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE_STR, stdout + stderr)
        if timeout is not None and code in (124, 137, 143) and (code == 124 or time.monotonic() - started >= timeout):
            error = TimeoutError(f"Command timed out after {timeout} seconds")
            if stdout + stderr:
                setattr(error, "truncated_output", stdout + stderr)
            raise error
        output = (stdout + stderr).strip()
        if code == 126 and "\n" not in output and "permission denied" in output.lower():
            raise PermissionError(errno.EACCES, output, cmd[0] if cmd else "")
        if code == 126 and user and not output:  # the engine reports a bad user only in its log
            return ExecResult(False, code, stdout, f"the command could not start as user '{user}' "
                              "(exit code 126): is there such a user in the container?")  # fmt: skip
        return ExecResult(code == 0, code, stdout, stderr)

    async def write_file(self, file: str, contents: str | bytes) -> None:
        path = self._path(file)
        data = contents.encode() if isinstance(contents, str) else contents
        script = 'set -e; mkdir -p -- "$(dirname -- "$1")"; cat > "$1"'
        result = await self.exec(["/bin/sh", "-c", f"PATH={_PINNED_PATH}; {script}", "sh", path],
                                 input=data, timeout=600)  # fmt: skip
        if result.success:
            return
        message = result.stderr.lower()
        if "is a directory" in message:
            raise IsADirectoryError(errno.EISDIR, f"Failed to write file: {file} because it is a directory already", file)
        if "permission denied" in message or "read-only" in message:
            raise PermissionError(errno.EACCES, f"Permission was denied: {result.stderr.strip()}", file)
        raise RuntimeError(f"failed to write {file}: {result.stderr.strip()}")

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> Union[str, bytes]:
        if _is_directory_alias(file):
            raise IsADirectoryError(errno.EISDIR, "Is a directory.", file)
        contents = await _run(self._read_sync, file, self._path(file))
        return contents.decode("utf-8") if text else contents

    def _read_sync(self, original: str, path: str, depth: int = 0) -> bytes:
        """The file as the engine archives it, with the same checks as Inspect's docker sandbox
        (one regular file, readable by its owner, within the size limit). The response is
        always closed: an unread archive stream keeps the container busy for the next copy."""
        api = engine()
        response = api._get(api._url("/containers/{0}/archive", self.container_id), params={"path": path}, stream=True)
        try:
            if response.status_code == 404:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory.", original)
            if response.status_code >= 400:
                message = response.text.strip()
                if "permission denied" in message.lower():
                    raise PermissionError(errno.EACCES, "Permission denied.", original)
                raise RuntimeError(f"reading {original} failed: {message[:300]}")
            stat = json.loads(base64.b64decode(response.headers.get("X-Docker-Container-Path-Stat", "e30=")))
            mode = int(stat.get("mode", 0))
            if mode & (1 << 31):  # Go's os.ModeDir
                raise IsADirectoryError(errno.EISDIR, "Is a directory.", original)
            if mode & (1 << 27) and stat.get("linkTarget") and depth < 8:  # os.ModeSymlink: follow it
                target = PurePosixPath(path).parent / stat["linkTarget"]
                response.close()
                return self._read_sync(original, str(target), depth + 1)
            if int(stat.get("size", 0)) > SandboxEnvironmentLimits.MAX_READ_FILE_SIZE:
                raise OutputLimitExceededError(SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, None)
            archive = response.content
        finally:
            response.close()
        return _read_archived_file(archive, original)


def _compose(config: SandboxEnvironmentConfigType | None) -> ComposeConfig:
    if isinstance(config, ComposeConfig):
        return config
    if isinstance(config, dict):
        return ComposeConfig.model_validate(config)
    raise SandboxConfigError(f"{PROVIDER} needs a ComposeConfig (evals.sandbox.compose_config), got {type(config).__name__}")


def remove_projects(project: str | None = None, only_dead: bool = False, only_orphaned: bool = False) -> list[str]:
    """Remove this provider's containers and networks (one project, or all of them). With
    `only_orphaned`, only projects whose maker has ended (`owner_alive` is False: e.g. a sample
    caught by Ctrl-C or an engine restart between create and cleanup, its containers left
    `created` or running). With `only_dead`, those, and projects of an unknown maker whose
    containers have all stopped (`sandbox_is_dead`); a live maker's project is never removed
    (its sample may have stopped its own container, and the grader still reads from it).
    Returns the projects removed."""
    from collections import defaultdict

    from .docker_engine import sandbox_is_dead

    import docker.errors

    api = engine()
    label = f"{LABEL}={project}" if project else LABEL
    projects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for container in api.containers(all=True, filters={"label": label}):
        projects[container["Labels"][LABEL]].append(container)
    removed = []
    for name, containers in projects.items():
        alive = owner_alive((containers[0]["Labels"] or {}).get(OWNER_LABEL, ""))
        if (only_orphaned and alive is not False) or (only_dead and not (
                alive is False or (alive is None and sandbox_is_dead([c["State"] for c in containers])))):
            continue
        try:
            networks = {n["Name"] for n in api.networks(filters={"label": f"{LABEL}={name}"})}
            _remove(api, name, [c["Id"] for c in containers], None)
            for network in networks:
                _remove(api, name, [], network)
        except docker.errors.APIError:
            continue  # the engine refused (e.g. a container still attached): left for the next pass
        removed.append(name)
    return sorted(removed)
