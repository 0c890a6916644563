"""Sandbox images: built once, tagged by content hash, reused until their inputs change.

* base image (`debian:bookworm-slim`): pulled when a registry answers, otherwise built locally
  with debootstrap (scripts/base-image.sh) under the same name;
* the agent base (`sandboxes/images/agent-base/`): the base image plus the standalone Claude Code
  CLI, taken on the host out of the wheel pinned in its `claude-code.lock`; stack images an agent
  works in start `FROM ${AGENT_BASE}`, so they all share that one ~400 MB layer;
* stack images (`sandboxes/images/<name>/`): Dockerfile + pinned `requirements.lock`, whose
  wheels are downloaded on the host so the build needs no index inside the container, and for a
  Node.js stack a `package-lock.json`, installed on the host (`npm ci`) into `node_modules/`;
* fixture images: a stack image plus the fixture's starting repository at /repo (git-initialised).
  Hidden tests and solutions are never part of any build context.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .digests import tree_digest
from .errors import HarnessError
from .fixtures import WORKDIR, Fixture
from .paths import CACHE_DIR, CODEBASES_DIR, IMAGES_DIR, ROOT

BASE_IMAGE = "debian:bookworm-slim"
IMAGE_PREFIX = "evals"
AGENT_BASE = "agent-base"
"""The image folder every agent stack builds on (its Dockerfile's `FROM ${AGENT_BASE}`)."""
_AGENT_BASE_FROM = re.compile(r"^\s*FROM\s+\$\{AGENT_BASE\}", re.MULTILINE | re.IGNORECASE)
CLAUDE_CODE_LOCK = "claude-code.lock"
CLAUDE_CODE_LABEL = "evals.claude-code"
"""Label on the agent base: the Claude Code version its binary reports."""

Log = Callable[[str], None]


class ImageBuildError(HarnessError):
    """An image could not be built; the message says which and where the build output is."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def builds_on_agent_base(name: str) -> bool:
    """Whether a stack image starts from the agent base (and so has Claude Code in it)."""
    dockerfile = IMAGES_DIR / name / "Dockerfile"
    return (
        name != AGENT_BASE
        and dockerfile.is_file()
        and _AGENT_BASE_FROM.search(dockerfile.read_text()) is not None
    )


def stack_image_tag(name: str) -> str:
    """Tag of a stack image: `evals/<name>:<content hash>` (of its folder, and of the agent
    base's tag for a stack built on it, so a new Claude Code pin makes new stack tags)."""
    folder = IMAGES_DIR / name
    if not (folder / "Dockerfile").is_file():
        raise ImageBuildError(f"no Dockerfile for image '{name}' in {folder}")
    parent = stack_image_tag(AGENT_BASE) if builds_on_agent_base(name) else ""
    return f"{IMAGE_PREFIX}/{name}:{tree_digest(folder, extra=parent)}"


def fixture_dockerfile(stack_tag: str, warm: str | None = None) -> str:
    """The starting repository in /repo as a fresh git repository; then the codebase's `warm`
    command, if any (it fills caches outside /repo; the build fails if it changed /repo)."""
    warm_step = ""
    if warm:
        script = (f'before="$(git status --porcelain --ignored)"; set -e; {warm}\n'
                  'after="$(git status --porcelain --ignored)"\n'
                  'if [ "$after" != "$before" ]; then echo "the warm command changed /repo:" >&2; '
                  'echo "$after" >&2; exit 1; fi')  # fmt: skip
        warm_step = f"RUN {json.dumps(['sh', '-c', script])}\n"
    return (
        f"FROM {stack_tag}\n"
        f"COPY repo/ {WORKDIR}/\n"
        f"WORKDIR {WORKDIR}\n"
        "RUN git init -q && git add -A && git commit -q -m 'Initial commit' \\\n"
        "    && find . -name __pycache__ -prune -exec rm -rf {} +\n"
        f"{warm_step}"
        'LABEL evals.kind="fixture"\n'
    )


def fixture_image_tag(fixture: Fixture) -> str:
    """Tag of a fixture image: changes with the stack image and the starting repository."""
    stack = stack_image_tag(fixture.image)
    digest = tree_digest(fixture.repo_dir, extra=fixture_dockerfile(stack, fixture.image_warm))
    return f"{IMAGE_PREFIX}-fixture/{fixture.family}.{fixture.id}:{digest}".lower()


def image_exists(tag: str) -> bool:
    result = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", tag],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0


def _docker_build(
    tag: str, context: Path, log: Log, labels: dict[str, str], args: dict[str, str] | None = None
) -> None:
    log_file = CACHE_DIR / "build-logs" / (tag.replace("/", "_").replace(":", "_") + ".log")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    command = ["docker", "build", "--progress=plain", "-t", tag]
    for key, value in labels.items():
        command += ["--label", f"{key}={value}"]
    for key, value in (args or {}).items():
        command += ["--build-arg", f"{key}={value}"]
    command.append(str(context))
    with log_file.open("w") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log_file.read_text(errors="replace").splitlines()[-15:]
        raise ImageBuildError(
            f"building {tag} failed (full log: {log_file}):\n" + "\n".join(tail)
        )


def ensure_base_image(log: Log = _stderr) -> None:
    """Pull or build the base image when it is missing."""
    if image_exists(BASE_IMAGE):
        return
    log(f"base image {BASE_IMAGE} missing: pulling, or building it locally")
    result = subprocess.run(["bash", str(ROOT / "scripts" / "base-image.sh"), BASE_IMAGE])
    if result.returncode != 0 or not image_exists(BASE_IMAGE):
        raise ImageBuildError(f"could not pull or build the base image {BASE_IMAGE}")


def _download_wheels(lock: Path, dest: Path, log: Log) -> None:
    """Fetch the locked wheels once on the host (cached by lock-file hash)."""
    key = hashlib.sha256(lock.read_bytes()).hexdigest()[:12]
    cache = CACHE_DIR / "wheels" / key
    if not (cache / ".complete").exists():
        log(f"downloading pinned wheels for {lock.parent.name} ...")
        cache.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cache),
            "--only-binary=:all:", "--python-version", "3.11.2", "--implementation", "cp",
            "--abi", "cp311", "--abi", "abi3", "--platform", "manylinux_2_17_x86_64",
            "--platform", "manylinux_2_34_x86_64",
            "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_28_x86_64",
            "-r", str(lock),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise ImageBuildError(
                f"downloading wheels for {lock} failed:\n{result.stderr[-2000:]}"
            )
        (cache / ".complete").touch()
    shutil.copytree(cache, dest, ignore=shutil.ignore_patterns(".complete"))


NPM_LOCK = "package-lock.json"


def _npm_modules(folder: Path, dest: Path, log: Log) -> None:
    """Install the npm dependencies pinned by `folder`'s package-lock.json once on the host
    (`npm ci --ignore-scripts`: the registry's tarballs, no install scripts), cached by the hash of
    the lock and package.json; `dest` (the build context's node_modules/) gets a copy."""
    lock, manifest = folder / NPM_LOCK, folder / "package.json"
    if not manifest.is_file():
        raise ImageBuildError(f"{lock} needs a package.json beside it")
    key = hashlib.sha256(lock.read_bytes() + b"\0" + manifest.read_bytes()).hexdigest()[:12]
    cache = CACHE_DIR / "npm" / key
    if not (cache / ".complete").exists():
        npm = shutil.which("npm")
        if npm is None:
            raise ImageBuildError(f"{lock} pins npm packages but this machine has no npm to fetch them")
        log(f"installing pinned npm packages for {folder.name} ...")
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        shutil.copy2(lock, cache / NPM_LOCK)
        shutil.copy2(manifest, cache / "package.json")
        command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        result = subprocess.run(command, cwd=cache, capture_output=True, text=True)
        if result.returncode != 0:
            raise ImageBuildError(f"npm ci for {lock} failed:\n{(result.stdout + result.stderr)[-2000:]}")
        (cache / ".complete").touch()
    shutil.copytree(cache / "node_modules", dest, symlinks=True)


def claude_code_binary(lock: Path, log: Log = _stderr) -> tuple[Path, str]:
    """The Claude Code CLI out of the wheel pinned (with its hash) in `lock`, and its version.

    Downloaded and unpacked once on the host, cached by the lock's hash; the sandboxes never
    download anything."""
    key = hashlib.sha256(lock.read_bytes()).hexdigest()[:12]
    cache = CACHE_DIR / "claude-code" / key
    binary = cache / "claude"
    if not (cache / ".complete").exists():
        log("downloading the pinned Claude Code wheel (about 180 MB) ...")
        shutil.rmtree(cache, ignore_errors=True)
        wheels = cache / "wheel"
        wheels.mkdir(parents=True)
        command = [
            sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels),
            "--only-binary=:all:", "--platform", "manylinux_2_17_x86_64",
            "--python-version", "3.11", "--require-hashes", "-r", str(lock),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise ImageBuildError(f"downloading the wheel pinned in {lock} failed:\n{result.stderr[-2000:]}")
        wheel = next(wheels.glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive, archive.open(_BUNDLED_CLAUDE) as src:
            with binary.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        binary.chmod(0o755)
        shutil.rmtree(wheels)
        (cache / ".complete").touch()
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=120)
    version = result.stdout.split()[0] if result.returncode == 0 and result.stdout.strip() else ""
    if not version:
        raise ImageBuildError(f"{binary} (from the wheel pinned in {lock}) does not run: {result.stderr[-500:]}")
    return binary, version


_BUNDLED_CLAUDE = "claude_agent_sdk/_bundled/claude"


def ensure_stack_image(name: str, log: Log = _stderr) -> tuple[str, bool]:
    """Build a stack image unless its content-hash tag exists. Returns (tag, built)."""
    tag = stack_image_tag(name)
    if image_exists(tag):
        return tag, False
    args: dict[str, str] = {}
    if builds_on_agent_base(name):
        args["AGENT_BASE"], _ = ensure_stack_image(AGENT_BASE, log)
    ensure_base_image(log)
    log(f"building image {tag} ...")
    labels = {"evals.kind": "stack", "evals.image": name}
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # the context lives beside the cache, so a large cached file is linked into it, not copied
    with tempfile.TemporaryDirectory(prefix="evals-build-", dir=CACHE_DIR) as tmp:
        context = Path(tmp) / "context"
        shutil.copytree(IMAGES_DIR / name, context, ignore=shutil.ignore_patterns("node_modules"))
        wheels = context / "wheels"
        lock = context / "requirements.lock"
        if lock.exists():
            _download_wheels(lock, wheels, log)
        else:
            wheels.mkdir()
        if (context / NPM_LOCK).exists():
            _npm_modules(context, context / "node_modules", log)
        if (context / CLAUDE_CODE_LOCK).exists():
            binary, labels[CLAUDE_CODE_LABEL] = claude_code_binary(context / CLAUDE_CODE_LOCK, log)
            _link_or_copy(binary, context / "claude")
        _docker_build(tag, context, log, labels, args)
    return tag, True


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def claude_code_version(name: str) -> str | None:
    """The Claude Code version in a built stack image (None: not built, or built without it)."""
    if not builds_on_agent_base(name) and name != AGENT_BASE:
        return None
    result = subprocess.run(
        ["docker", "image", "inspect", "--format",
         "{{index .Config.Labels \"" + CLAUDE_CODE_LABEL + "\"}}", stack_image_tag(AGENT_BASE)],
        capture_output=True, text=True,
    )  # fmt: skip
    version = result.stdout.strip()
    return version if result.returncode == 0 and version and version != "<no value>" else None


def ensure_fixture_image(fixture: Fixture, log: Log = _stderr) -> tuple[str, bool]:
    """Build a fixture's image unless its content-hash tag exists. Returns (tag, built)."""
    stack, _ = ensure_stack_image(fixture.image, log)
    tag = fixture_image_tag(fixture)
    if image_exists(tag):
        return tag, False
    log(f"building fixture image {tag} ...")
    with tempfile.TemporaryDirectory(prefix="evals-fixture-") as tmp:
        context = Path(tmp)
        # only the starting repository goes into the context: hidden tests never do
        shutil.copytree(
            fixture.repo_dir,
            context / "repo",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"),
        )
        (context / "Dockerfile").write_text(fixture_dockerfile(stack, fixture.image_warm))
        _docker_build(
            tag, context, log, {"evals.fixture": fixture.id, "evals.family": fixture.family}
        )
    return tag, True


def service_images(fixture: Fixture) -> list[str]:
    from .sandbox import load_service  # local import: sandbox imports this module

    return sorted({load_service(name).image for name in fixture.services})


_ENGINE_SEEN = False


def _engine_answers() -> None:
    """One clear line when no engine answers (else every image looks missing and a build of the
    base image would start); checked until it first answers in this process."""
    global _ENGINE_SEEN
    if not _ENGINE_SEEN:
        from .docker_engine import require_engine  # local import: docker_engine imports this module

        require_engine()
        _ENGINE_SEEN = True


def codebase_stack_images() -> list[str]:
    """The stack images the shared codebases (`codebases/<name>/codebase.yaml`) are built on."""
    from .codebases import load_codebase  # local import: codebases -> fixtures -> this module's users

    return sorted({load_codebase(CODEBASES_DIR, meta.parent.name).image
                   for meta in CODEBASES_DIR.glob("*/codebase.yaml")})  # fmt: skip


def ensure_images(fixtures: list[Fixture], log: Log = _stderr) -> dict[str, bool]:
    """Every image the fixtures need (stack, services, fixture). Returns tag -> built now."""
    if fixtures:
        _engine_answers()
    built: dict[str, bool] = {}
    for fixture in fixtures:
        try:
            for name in service_images(fixture):
                tag, did = ensure_stack_image(name, log)
                built[tag] = built.get(tag, False) or did
            tag, did = ensure_fixture_image(fixture, log)
        except ImageBuildError as ex:
            raise ImageBuildError(
                f"fixture {fixture.family}/{fixture.id} ({fixture.path}): its sandbox image could "
                f"not be built: {ex}"
            ) from None
        built[tag] = did
    return built


# --------------------------------------------------------------------------- pushing (Kubernetes)


def _no_engine(ex: Exception) -> str:
    host = os.environ.get("DOCKER_HOST")
    return (f"the Docker engine does not answer{f' at DOCKER_HOST={host}' if host else ''} ({ex}): this command "
            "needs it; start it with 'make docker' (scripts/docker-up.sh installs and starts it); "
            "'evals doctor' shows what is missing")


class ImagePushError(HarnessError):
    """Images could not be pushed: not built yet, no engine, or the registry refused/was away."""


def _push_problem(line: dict) -> str | None:
    error = line.get("error") or (line.get("errorDetail") or {}).get("message")
    return str(error) if error else None


def push_images(
    mapping: dict[str, str],
    log: Log = _stderr,
    client: object | None = None,
) -> list[str]:
    """Tag each built local image as its remote name and push it, streaming progress to `log`.

    `mapping` is local tag -> remote tag (see `evals.k8s.push_mapping`). Every local image is
    checked first, so nothing is pushed when one is missing. Returns the pushed remote tags."""
    import docker
    from docker.errors import APIError, DockerException, ImageNotFound

    try:
        engine = client if client is not None else docker.from_env()
    except DockerException as ex:
        raise ImagePushError(_no_engine(ex)) from None
    images = {}
    missing = []
    for local in mapping:
        try:
            images[local] = engine.images.get(local)  # type: ignore[attr-defined]
        except ImageNotFound:
            missing.append(local)
        except (APIError, DockerException) as ex:
            raise ImagePushError(_no_engine(ex)) from None
    if missing:
        raise ImagePushError(
            f"{len(missing)} image(s) not built yet ({', '.join(missing)}): "
            "run 'evals images build' first"
        )
    pushed = []
    for local, remote in mapping.items():
        repository, tag = remote.rsplit(":", 1)
        log(f"pushing {local} -> {remote}")
        try:
            images[local].tag(repository, tag)
            last: dict[str, str] = {}
            for line in engine.images.push(repository, tag=tag, stream=True, decode=True):  # type: ignore[attr-defined]
                problem = _push_problem(line)
                if problem:
                    raise ImagePushError(
                        f"pushing {remote} failed: {problem} (is the registry reachable from "
                        "this machine, and are you logged in to it: docker login?)"
                    )
                status = line.get("status")
                if status and line.get("id"):
                    key = f"{line['id']}: {status}"
                    if last.get(line["id"]) != status:  # one line per layer state change
                        last[line["id"]] = status
                        log(f"  {key}")
                elif status:
                    log(f"  {status}")
        except ImagePushError:
            raise
        except (APIError, DockerException, OSError) as ex:
            raise ImagePushError(
                f"pushing {remote} failed: {ex} (is the registry reachable from this machine?)"
            ) from None
        pushed.append(remote)
    return pushed
