"""`evals validate --changed-since REV`: which fixtures a change can affect (evals/changes.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from evals.changes import ChangesError, affected, changed_paths
from evals.fixtures import load_all
from evals.paths import TASKS_DIR
from evals.sandbox import load_service

ROOT = TASKS_DIR.parent
EVALS = str(ROOT / ".venv" / "bin" / "evals")


def chosen(paths: list[str]) -> set[tuple[str, str]]:
    return {(f.family, f.id) for f in affected(load_all(), paths, ROOT).fixtures}


def test_a_change_selects_the_fixtures_that_read_it():
    fixtures = load_all()
    one = next(f for f in fixtures if f.codebase == "shipping")
    own = one.path.relative_to(ROOT).as_posix()
    assert chosen([f"{own}/tests/conftest.py"]) == {(one.family, one.id)}
    on_shipping = {(f.family, f.id) for f in fixtures if f.codebase == "shipping"}
    assert len(on_shipping) >= 2
    assert chosen(["codebases/shipping/kit/shipkit/fakes.py"]) == on_shipping
    on_go = {(f.family, f.id) for f in fixtures if f.image == "go-web"}
    assert chosen(["sandboxes/images/go-web/Dockerfile"]) == on_go
    with_redis = {(f.family, f.id) for f in fixtures if "redis" in f.services}
    assert with_redis and chosen(["sandboxes/services/redis.yaml"]) == with_redis
    redis_image = load_service("redis").image
    assert chosen([f"sandboxes/images/{redis_image}/Dockerfile"]) >= with_redis
    family = {(f.family, f.id) for f in fixtures if f.family == "api_design"}
    assert chosen(["tasks/api_design/family.yaml"]) == family
    assert chosen(["tasks/api_design/parked/some_fixture/fixture.yaml", "README.md", "tests/test_cli.py",
                   "results/bench.md", "personas/backend.md"]) == set()  # fmt: skip


@pytest.mark.parametrize("path", ["evals/grading.py", "kit/gradekit/pg.py", "sandboxes/images/agent-base/Dockerfile",
                                  "pyproject.toml", "somewhere/new.txt"])  # fmt: skip
def test_a_change_to_the_grading_code_or_an_unknown_path_selects_every_fixture(path):
    fixtures = load_all()
    found = affected(fixtures, ["README.md", path], ROOT)
    assert found.everything == path and len(found.fixtures) == len(fixtures)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git checkout holding a copy of the toy family as tasks/toy, committed."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tests" / "data" / "families" / "toy", repo / "tasks" / "toy")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "toy")
    return repo


def test_changed_paths_are_edits_staged_or_not_and_new_files(checkout):
    assert changed_paths("HEAD", checkout) == []
    fixture = next((checkout / "tasks" / "toy" / "fixtures").iterdir())
    issue = fixture / "issue.md"
    issue.write_text(issue.read_text() + "\nmore\n")
    (checkout / "notes.txt").write_text("new")
    assert changed_paths("HEAD", checkout) == ["notes.txt", f"tasks/toy/fixtures/{fixture.name}/issue.md"]
    # relative to the folder asked about, as the fixtures' paths are
    assert changed_paths("HEAD", checkout / "tasks") == [f"toy/fixtures/{fixture.name}/issue.md"]
    with pytest.raises(ChangesError, match="'no-such-revision' is not a commit"):
        changed_paths("no-such-revision", checkout)


def test_validate_with_nothing_changed_validates_nothing_and_says_so(checkout):
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent-evals-changes.sock"}  # never reached
    done = subprocess.run([EVALS, "validate", "--tasks-dir", str(checkout / "tasks"), "--changed-since", "HEAD"],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0 of 1 fixture(s) affected by the changes since HEAD" in done.stderr
    assert "nothing to validate" in done.stderr
    bad = subprocess.run([EVALS, "validate", "--tasks-dir", str(checkout / "tasks"), "--changed-since", "nope"],
                         capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "'nope' is not a commit" in bad.stderr
