"""Real Docker sandboxes for tests, through Inspect's docker provider or the project's docker-sdk
one (no mocks).

- ``build_image(context, repository)``: build a Dockerfile folder once, tagged with a hash of
  its contents, so repeated runs (and several test modules) reuse it.
- ``docker_sandbox(image, provider=...)``: start one sandbox from an image the way an eval does
  (task_init, sample_init, Inspect's sandbox context), yield its default environment, and always
  tear it down again (sample_cleanup, task_cleanup), leaving no container behind. ``provider`` is
  Inspect's ``docker`` (compose) or the project's ``docker-sdk``: the same description for both.
- ``sample_store()``: a fresh per-sample Store, as each sample of an eval gets.

Async helpers are meant for anyio's pytest plugin (``@pytest.mark.anyio``); anyio runs async
fixtures and tests in one task, so the context variables set here reach the tests.
"""

import hashlib
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from inspect_ai.util import ComposeConfig, SandboxEnvironment, Store, store
from inspect_ai.util._sandbox.context import (
    cleanup_sandbox_environments_sample,
    init_sandbox_environments_sample,
    sandbox_default_context_var,
    sandbox_environments_context_var,
    sandbox_with_environments_context_var,
)
from inspect_ai.util._sandbox.docker.docker import DockerSandboxEnvironment

from evals.docker_sdk import DockerSdkSandboxEnvironment

PROVIDERS = {"docker": DockerSandboxEnvironment, "docker-sdk": DockerSdkSandboxEnvironment}
from inspect_ai.util._store import init_subtask_store


def context_hash(context: Path) -> str:
    """A short hash of every file (path and bytes) in a build context."""
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        digest.update(path.relative_to(context).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def build_image(context: Path, repository: str) -> str:
    """Build ``context`` as ``repository:<content hash>`` unless that tag exists; return it."""
    tag = f"{repository}:{context_hash(context)}"
    present = subprocess.run(
        ["docker", "image", "inspect", tag], capture_output=True, check=False
    )
    if present.returncode != 0:
        built = subprocess.run(
            ["docker", "build", "-q", "-t", tag, str(context)],
            capture_output=True, text=True, check=False,
        )
        if built.returncode != 0:
            raise RuntimeError(f"docker build of {context} failed:\n{built.stderr[-4000:]}")
    return tag


def compose_config(image: str, workdir: str) -> ComposeConfig:
    """One offline ``default`` service running ``image``, as the project's tasks configure it."""
    return ComposeConfig.model_validate(
        {
            "services": {
                "default": {
                    "image": image,
                    "x-local": True,
                    "command": "tail -f /dev/null",
                    "init": True,
                    "network_mode": "none",
                    "working_dir": workdir,
                    "stop_grace_period": "1s",
                }
            }
        }
    )


@asynccontextmanager
async def docker_sandbox(
    image: str, *, workdir: str = "/repo", task_name: str = "tests", provider: str = "docker"
) -> AsyncIterator[SandboxEnvironment]:
    """A running sandbox of ``image`` installed as the current sample's default sandbox."""
    config = compose_config(image, workdir)
    cls = PROVIDERS[provider]
    saved = (
        sandbox_environments_context_var.get(None),
        sandbox_with_environments_context_var.get(None),
        sandbox_default_context_var.get(None),
    )
    await cls.task_init(task_name, config)
    try:
        environments = await init_sandbox_environments_sample(
            cls, task_name, config, files={}, setup=None, metadata={}
        )
        try:
            yield environments["default"]
        finally:
            await cleanup_sandbox_environments_sample(
                provider, task_name, config, environments, interrupted=False
            )
    finally:
        await cls.task_cleanup(task_name, config, cleanup=True)
        for var, value in zip(
            (sandbox_environments_context_var, sandbox_with_environments_context_var,
             sandbox_default_context_var),
            saved,
        ):
            var.set(value)  # type: ignore[attr-defined]


@contextmanager
def sample_store() -> Iterator[Store]:
    """Install a fresh, empty sample Store for the duration of the block."""
    previous = store()
    fresh = Store()
    init_subtask_store(fresh)
    try:
        yield fresh
    finally:
        init_subtask_store(previous)
