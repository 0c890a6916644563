"""Which fixtures a change can affect (`evals validate --changed-since REV`).

A fixture author who edited one hidden suite, a kit or a stack image wants to re-validate what
that edit can break, not the whole suite. A fixture's verdicts depend on its own folder, its
family's files, its shared codebase (with its kit), the images and services it is graded on,
and the harness's grading code. A changed path is matched to the fixtures it feeds:

* `tasks/<family>/fixtures/<id>/...`   that fixture;
* `tasks/<family>/<file>`              every fixture of the family (`parked/` feeds none);
* `codebases/<name>/...`               every fixture on that codebase;
* `sandboxes/images/<image>/...`       every fixture graded on that image or using it for a service;
* `sandboxes/services/<name>.yaml`     every fixture using that service;
* the harness's own tests, benchmarks, results, personas and prose (`IRRELEVANT`): none;
* anything else (`evals/`, `kit/`, the base image, the build files, a path this module does not
  know): every fixture, since it may change how every fixture is graded.
"""

from __future__ import annotations

import fnmatch
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import HarnessError
from .fixtures import Fixture
from .sandbox import load_service

IRRELEVANT = ("tests/*", "benchmarks/*", "results/*", "personas/*", ".ci/*", "*.md", ".gitignore",
              "scripts/browser.sh")  # fmt: skip
"""Paths no fixture's validation reads (a fixture's own `issue.md` is matched first)."""


class ChangesError(HarnessError):
    """--changed-since with a revision git cannot compare against."""


@dataclass(frozen=True)
class Affected:
    fixtures: list[Fixture]
    """the fixtures the change can affect, in the order given"""
    everything: str | None = None
    """the first changed path that affects every fixture (None: the change is local)"""


def changed_paths(rev: str, root: Path) -> list[str]:
    """Paths (relative to `root`, a git checkout) that differ between `rev` and the working
    tree, staged or not, plus untracked files git does not ignore."""

    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ChangesError(f"--changed-since {rev}: git {' '.join(args[:2])} failed in {root}: "
                               f"{(done.stderr or done.stdout).strip()[:300]}")  # fmt: skip
        return [line for line in done.stdout.splitlines() if line]

    check_revision(rev, root)
    return sorted({*git("diff", "--name-only", "--no-renames", "--relative", rev, "--"),
                   *git("ls-files", "--others", "--exclude-standard")})  # fmt: skip


def check_revision(rev: str, root: Path) -> None:
    """ChangesError unless `rev` names a commit of the git checkout at `root`."""
    probe = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    if not rev or probe.returncode != 0:
        raise ChangesError(f"{rev!r} is not a commit of the git checkout at {root}")


def _relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def fixture_owns(fixture: Fixture, path: str, root: Path) -> bool:
    """Whether a changed path (relative to `root`) feeds this fixture's validation."""
    family_dir = _relative(fixture.path.parent.parent, root)
    if path.startswith(_relative(fixture.path, root) + "/"):
        return True
    if path.startswith(family_dir + "/") and path.count("/") == family_dir.count("/") + 1:
        return True  # family.yaml, the family's task module
    if fixture.codebase and path.startswith(f"codebases/{fixture.codebase}/"):
        return True
    if any(path.startswith(_relative(kit, root) + "/") for kit in fixture.kits):
        return True
    images = {fixture.image, *(load_service(name).image for name in fixture.services)}
    if any(path.startswith(f"sandboxes/images/{image}/") for image in images):
        return True
    return any(path == f"sandboxes/services/{name}.yaml" for name in fixture.services)


def is_local(path: str) -> bool:
    """Whether a changed path can only affect the fixtures it names (see the module docstring):
    a fixture's or family's file, a codebase, a stack or service image other than the base, a
    service, or a path no validation reads."""
    if any(fnmatch.fnmatch(path, pattern) for pattern in IRRELEVANT):
        return True
    if path.startswith(("tasks/", "codebases/", "sandboxes/services/")):
        return True
    return path.startswith("sandboxes/images/") and not path.startswith("sandboxes/images/agent-base/")


def affected(fixtures: list[Fixture], paths: list[str], root: Path) -> Affected:
    """The fixtures these changed paths can affect: all of them as soon as one path is not local."""
    for path in paths:
        if not is_local(path):
            return Affected(list(fixtures), everything=path)
    return Affected([f for f in fixtures if any(fixture_owns(f, path, root) for path in paths)])
