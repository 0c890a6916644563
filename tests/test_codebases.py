"""Fixtures on a shared codebase: the starting repository is the codebase with the fixture's
break applied, it reveals nothing of the correct code, and the hidden tests get the codebase's kit
(tests/data/codebases/tally and tests/data/families/shared_code)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from evals.codebases import STALE_AFTER_S, load_codebase
from evals.fixtures import FixtureError, load_family, load_fixture
from evals.hidden_run import kit_tree

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
FAMILY = DATA / "families" / "shared_code"
CODEBASE = DATA / "codebases" / "tally"


def copy_data(tmp_path: Path) -> Path:
    """A writable copy of the codebase and its family (tasks/ and codebases/ side by side)."""
    shutil.copytree(FAMILY, tmp_path / "tasks" / "shared_code")
    shutil.copytree(CODEBASE, tmp_path / "codebases" / "tally")
    return tmp_path / "tasks" / "shared_code" / "fixtures" / "mean_of_nothing"


def test_starting_repo_is_the_codebase_with_the_break_and_nothing_of_the_fix():
    (fixture,) = load_family(FAMILY)
    codebase = load_codebase(DATA / "codebases", "tally")
    assert (fixture.codebase, fixture.image, fixture.services) == ("tally", codebase.image, codebase.services)
    start = fixture.repo_dir
    assert start != CODEBASE / "repo" and not (start / ".git").exists()
    stats = (start / "app" / "stats.py").read_text()
    assert "if not items" not in stats and "mean of no items is 0" not in stats, "the correct code leaked"
    visible = (start / "tests" / "test_stats.py").read_text()
    assert "test_mean" in visible and "test_mean_of_nothing" not in visible, "the test showing the bug is visible"
    assert (start / "app" / "cli.py").read_bytes() == (CODEBASE / "repo" / "app" / "cli.py").read_bytes()
    assert load_fixture(fixture.path).repo_dir == start, "made once per content, then reused"


def test_hidden_tests_get_the_codebase_kit_beside_gradekit():
    (fixture,) = load_family(FAMILY)
    tree = kit_tree(fixture)
    assert "tallykit/__init__.py" in tree and "gradekit/__init__.py" in tree


def test_a_changed_break_makes_a_new_starting_repo(tmp_path):
    path = copy_data(tmp_path)
    first = load_fixture(path).repo_dir
    patch = path / "break.patch"
    patch.write_text(patch.read_text().replace('+    """Arithmetic mean."""', '+    """The mean."""'))
    second = load_fixture(path).repo_dir
    assert second != first and first.is_dir(), "a run still using the older repository keeps it"
    assert '"""The mean."""' in (second / "app" / "stats.py").read_text()
    day_old = time.time() - STALE_AFTER_S - 60
    os.utime(first, (day_old, day_old))
    patch.write_text(patch.read_text().replace('+    """The mean."""', '+    """Mean."""'))
    third = load_fixture(path).repo_dir
    assert third not in (first, second) and not first.exists(), "a day-old starting repository is removed"
    assert second.is_dir()


def test_bad_codebase_fixtures_are_one_clear_error(tmp_path):
    path = copy_data(tmp_path)
    patch = path / "break.patch"
    patch.write_text(patch.read_text().replace("return total(items) / len(items)", "return nothing"))
    with pytest.raises(FixtureError, match=r"break.patch: does not apply to codebases/tally/repo"):
        load_fixture(path)
    patch.unlink()
    with pytest.raises(FixtureError, match=r"missing break.patch"):
        load_fixture(path)
    meta = path / "fixture.yaml"
    meta.write_text(meta.read_text().replace("codebase: tally", "codebase: nosuch"))
    with pytest.raises(FixtureError, match=r"no codebase 'nosuch' \(known: tally\)"):
        load_fixture(path)
    meta.write_text(meta.read_text().replace("codebase: nosuch", "codebase: tally"))
    shutil.copy(FAMILY / "fixtures" / "mean_of_nothing" / "break.patch", patch)
    (path / "repo").mkdir()
    with pytest.raises(FixtureError, match=r"has both repo/ and codebase: tally"):
        load_fixture(path)


@pytest.mark.docker
def test_codebase_fixture_validates_test_by_test():
    """Graded as any fixture: the noop state fails the fail_to_pass test, the reference and the
    alternative fix (written against the starting repository) resolve it, the wrong one does not;
    the hidden tests import the codebase's kit."""
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "evals"), "validate", "--json", "--tasks-dir",
                             str(DATA / "families"), "shared_code/mean_of_nothing"],
                            cwd=ROOT, capture_output=True, text=True, env=dict(os.environ), timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (row,) = json.loads(result.stdout)
    assert (row["noop"], row["oracle"], row["alternative"], row["wrong"], row["visible"]) == (
        "unresolved", "resolved", "resolved", "unresolved", "resolved"), row
    assert row["discriminates"] and not row["problems"], row


@pytest.mark.docker
def test_a_codebase_warm_command_fills_caches_in_the_image_and_may_not_touch_the_repo(tmp_path):
    """`warm:` runs in /repo when a fixture's image is built (a build cache, filled once per
    image): what it writes outside /repo is in the image; a warm command that leaves anything in
    /repo fails the build, since the starting repository must stay as the break made it."""
    from evals.images import ImageBuildError, ensure_fixture_image

    path = copy_data(tmp_path)
    codebase_yaml = tmp_path / "codebases" / "tally" / "codebase.yaml"
    plain = codebase_yaml.read_text()
    built: list[str] = []
    try:
        codebase_yaml.write_text(plain + "warm: mkdir -p /var/cache/tally && python -m app.cli total 1 2 "
                                 "> /var/cache/tally/warm.json\n")  # fmt: skip
        load_codebase.cache_clear()
        tag, _ = ensure_fixture_image(load_fixture(path), log=lambda _: None)
        built.append(tag)
        seen = subprocess.run(["docker", "run", "--rm", "--entrypoint", "sh", tag, "-c",
                               "cat /var/cache/tally/warm.json; git status --porcelain --ignored"],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert seen.returncode == 0 and seen.stdout == "3.0\n", seen.stdout + seen.stderr

        codebase_yaml.write_text(plain + "warm: python -m app.cli total 1 2 > result.json\n")
        load_codebase.cache_clear()
        with pytest.raises(ImageBuildError, match="the warm command changed /repo") as failed:
            ensure_fixture_image(load_fixture(path), log=lambda _: None)
        assert "result.json" in str(failed.value)
    finally:
        load_codebase.cache_clear()
        for tag in built:
            subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


@pytest.mark.docker
def test_a_break_that_leaves_a_revealing_visible_test_is_caught(tmp_path):
    """The break must delete the visible tests that show it: one left in makes the starting
    repository's own suite fail, and validation names it."""
    path = copy_data(tmp_path)
    patch = path / "break.patch"
    kept = patch.read_text().split("diff --git a/tests/test_stats.py")[0]  # the visible test stays
    patch.write_text(kept)
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "evals"), "validate", "--json", "--tasks-dir",
                             str(tmp_path / "tasks"), "shared_code/mean_of_nothing"],
                            cwd=ROOT, capture_output=True, text=True, env=dict(os.environ), timeout=900)  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    (row,) = json.loads(result.stdout)
    assert row["visible"] == "unresolved" and not row["discriminates"], row
    (problem,) = row["problems"]
    assert problem.startswith("visible: the starting repository's own tests (python -m pytest -q -p no:cacheprovider "
                              "tests) fail: the break must delete or edit the visible tests that show it"), problem
    assert "test_mean_of_nothing" in problem and "ZeroDivisionError" in problem, problem


def test_a_fixture_can_say_which_claimed_expertise_it_measures(tmp_path):
    """`measures:` in fixture.yaml adds its family to the areas it names in the claims map;
    an unknown area is refused with the known ones."""
    from evals.claims import persona_claims
    from evals.families import measured_areas
    from evals.paths import PERSONAS_DIR
    from evals.personas import load_persona

    path = copy_data(tmp_path)
    meta = path / "fixture.yaml"
    meta.write_text(meta.read_text() + 'measures: ["monitoring & logging"]\n')
    fixture = load_fixture(path)
    measured = measured_areas([fixture])
    assert measured == {"monitoring & logging": ("shared_code",)}
    claims = {c.area: c for c in persona_claims(load_persona(PERSONAS_DIR / "backend.md"), ["security"], measured)}
    assert claims["monitoring & logging"].families == ("shared_code",)
    assert claims["security"].families == ("security",)
    meta.write_text(meta.read_text().replace("monitoring & logging", "telepathy"))
    with pytest.raises(FixtureError, match=r"measures: unknown area\(s\) 'telepathy'; known: API design"):
        load_fixture(path)


def test_a_codebase_can_say_what_every_fixture_on_it_measures(tmp_path):
    """`measures:` in codebase.yaml (e.g. its stack) is added to each of its fixtures' own; an
    unknown area is one error naming codebase.yaml."""
    from evals.codebases import CodebaseError

    path = copy_data(tmp_path)
    codebase_yaml = tmp_path / "codebases" / "tally" / "codebase.yaml"
    codebase_yaml.write_text(codebase_yaml.read_text() + 'measures: ["other stacks (Node.js, Java, Go, C#)"]\n')
    (path / "fixture.yaml").write_text((path / "fixture.yaml").read_text() + 'measures: ["monitoring & logging"]\n')
    load_codebase.cache_clear()
    assert load_fixture(path).measures == ("other stacks (Node.js, Java, Go, C#)", "monitoring & logging")
    codebase_yaml.write_text(codebase_yaml.read_text().replace("other stacks (Node.js, Java, Go, C#)", "COBOL"))
    load_codebase.cache_clear()
    with pytest.raises(FixtureError, match=r"codebase\.yaml.*measures: unknown area\(s\) 'COBOL'"):
        load_fixture(path)


@pytest.mark.parametrize("key", ["visible_tests", "warm"])
@pytest.mark.parametrize("value", ['""', "[npm, test]", "42"])
def test_a_codebase_command_that_is_not_a_shell_command_is_one_clear_error(tmp_path, key, value):
    path = copy_data(tmp_path)
    codebase_yaml = tmp_path / "codebases" / "tally" / "codebase.yaml"
    lines = [line for line in codebase_yaml.read_text().splitlines() if not line.startswith(f"{key}:")]
    codebase_yaml.write_text("\n".join([*lines, f"{key}: {value}"]) + "\n")
    load_codebase.cache_clear()
    with pytest.raises(FixtureError, match=rf"codebase\.yaml.*'{key}' must be a shell command, e\.g\. "):
        load_fixture(path)
