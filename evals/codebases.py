"""Shared codebases: one complete, correct service that many fixtures start from.

A codebase (`codebases/<name>/`, beside `tasks/`) is a product-sized service written here, with
its own visible test suite and a kit its fixtures' hidden tests import. A fixture on it carries
no copy of the code, only a *break*: `break.patch`, the change that turns the correct service
into the fixture's starting repository. The starting repository is made here, on the host, once
per content (`.cache/repos/`), and from then on is the fixture's `repo/` for everything else
(images, grading, scripted models): nothing downstream knows a codebase was involved.

The starting repository holds no trace of the correct code: it is a plain copy with the break
applied (no git history; the fixture image makes a fresh repository of it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .digests import IGNORED_PARTS, tree_digest
from .errors import LocatedError
from .paths import CACHE_DIR, IMAGES_DIR, SERVICES_DIR
from .yamlfile import read_mapping

DEFAULT_SOURCE = ("**/*.py",)
_KNOWN_KEYS = {"description", "image", "measures", "services", "source", "stack", "visible_tests", "warm"}
REPOS_CACHE = CACHE_DIR / "repos"
"""Starting repositories made from a codebase and a break, one folder per content hash."""
STALE_AFTER_S = 24 * 3600
"""A fixture's older starting repositories are removed once this old (seconds)."""


class CodebaseError(LocatedError):
    """A codebase folder, or a fixture's break of it, that cannot be used."""


@dataclass(frozen=True)
class Codebase:
    name: str
    path: Path
    description: str
    image: str
    services: tuple[str, ...]
    source: tuple[str, ...]
    visible_tests: str | None = None
    """the shell command that runs the service's own test suite in /repo (must pass on every
    fixture's starting repository: a break deletes the visible tests that would show it)"""
    measures: tuple[str, ...] = ()
    """claimed expertise every fixture on it measures (evals.claims area names), e.g. its stack"""
    stack: str = ""
    """its language and framework in a few words (e.g. "Go (net/http)"): the claims map names the
    stacks each claim is measured on"""
    warm: str | None = None
    """a shell command run in /repo, as root, when a fixture's image is built: it fills caches
    outside the repository (e.g. the build's), so every build in the sandbox and in grading
    starts warm; it must leave the repository as it found it (the image build checks)"""

    @property
    def repo_dir(self) -> Path:
        """The complete, correct service (with its visible tests)."""
        return self.path / "repo"

    @property
    def kit_dir(self) -> Path:
        """Packages the hidden tests import beside gradekit (may be absent)."""
        return self.path / "kit"


def codebases_dir(tasks_dir: Path) -> Path:
    """Codebases live beside the task families: `tasks/` → `codebases/`."""
    return tasks_dir.parent / "codebases"


def _command(value: object, meta_path: Path, key: str, example: str) -> str | None:
    """An optional shell command of codebase.yaml, stripped (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CodebaseError(meta_path, f"'{key}' must be a shell command, e.g. {example}")
    return value.strip()


def _names(value: object, where: Path, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CodebaseError(where, f"'{key}' must be a list of strings")
    return tuple(value)


@lru_cache(maxsize=64)
def load_codebase(root: Path, name: str) -> Codebase:
    """Read and check `root/<name>/codebase.yaml` (cached: every fixture on it asks)."""
    path = root / name
    meta_path = path / "codebase.yaml"
    if not meta_path.is_file():
        known = sorted(p.name for p in root.iterdir() if (p / "codebase.yaml").is_file()) if root.is_dir() else []
        raise CodebaseError(root, f"no codebase '{name}' (known: {', '.join(known) or 'none'})")
    meta = read_mapping(meta_path, CodebaseError)
    unknown = sorted(set(meta) - _KNOWN_KEYS)
    if unknown:
        raise CodebaseError(meta_path, f"unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN_KEYS))})")
    if not (path / "repo").is_dir():
        raise CodebaseError(path, "missing repo/ (the complete, correct service)")
    image = str(meta.get("image", "python-web"))
    if not (IMAGES_DIR / image / "Dockerfile").is_file():
        raise CodebaseError(meta_path, f"image '{image}' has no sandboxes/images/{image}/Dockerfile")
    services = _names(meta.get("services"), meta_path, "services")
    for service in services:
        if not (SERVICES_DIR / f"{service}.yaml").is_file():
            raise CodebaseError(meta_path, f"service '{service}' has no sandboxes/services/{service}.yaml")
    visible = _command(meta.get("visible_tests"), meta_path, "visible_tests", "python -m pytest -q")
    measures = _names(meta.get("measures"), meta_path, "measures")
    warm = _command(meta.get("warm"), meta_path, "warm", "npm run build")
    from .claims import unknown_areas_problem  # local: claims is about personas

    if problem := unknown_areas_problem(measures):
        raise CodebaseError(meta_path, problem)
    return Codebase(name, path, str(meta.get("description", "")).strip(), image, services,
                    _names(meta.get("source"), meta_path, "source") or DEFAULT_SOURCE,
                    visible, measures, str(meta.get("stack", "")).strip(), warm)  # fmt: skip


@lru_cache(maxsize=64)
def codebase_digest(codebase: Codebase) -> str:
    """The correct service's content hash (once per process: every fixture on it asks)."""
    return tree_digest(codebase.repo_dir)


def _ignore(_: str, names: list[str]) -> set[str]:
    return {n for n in names if n in IGNORED_PARTS or n.endswith(".pyc")}


def starting_repo(codebase: Codebase, break_patch: Path, label: str) -> Path:
    """The fixture's starting repository: the codebase with `break_patch` applied, made once per
    content under `.cache/repos/` (a new codebase or break makes a new folder; the fixture's
    older ones are removed once a day old). Raises CodebaseError when the break does not apply."""
    patch = break_patch.read_bytes()
    key = hashlib.sha256(f"{codebase_digest(codebase)}\0".encode() + patch).hexdigest()[:16]
    prefix = f"{codebase.name}.{label}-"
    target = REPOS_CACHE / f"{prefix}{key}"
    if target.is_dir():
        return target
    REPOS_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".making-", dir=REPOS_CACHE) as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(codebase.repo_dir, work, ignore=_ignore, symlinks=True)
        if patch.strip():
            # the ceiling keeps git from finding the project's own repository around .cache/:
            # inside it, `git apply` would take the paths as relative to the project's root
            env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(work.parent)}
            result = subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], input=patch, cwd=work,
                                    capture_output=True, env=env)  # fmt: skip
            if result.returncode != 0:
                raise CodebaseError(break_patch, f"does not apply to codebases/{codebase.name}/repo: "
                                    f"{result.stderr.decode(errors='replace').strip()[-600:]}")  # fmt: skip
        try:
            os.rename(work, target)  # atomic: a reader sees the whole folder or none
        except OSError:
            if not target.is_dir():  # not a concurrent maker's finished copy
                raise
    # older versions go once they are a day old: a run still using one (another process in this
    # checkout, started before the codebase or break changed) must not lose its repository
    for old in REPOS_CACHE.glob(f"{prefix}*"):
        if old != target and old.is_dir() and old.stat().st_mtime < time.time() - STALE_AFTER_S:
            shutil.rmtree(old, ignore_errors=True)
    return target
