"""`evals validate`: every fixture discriminates test by test, correct fixes written differently
are accepted and plausible wrong ones are not (each state graded directly, evals/validate.py)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from evals.fixtures import family_names, load_all, load_family
from evals.grading import GradeReport, Verdict
from evals.affected_tests import supports_selection
from evals.validate import (StateResult, agreed, fixture_states, problems, sample, select, table_cells, time_summary,
                            worth_mapping)

ROOT = Path(__file__).resolve().parents[1]
EVALS = str(ROOT / ".venv" / "bin" / "evals")
TOY = Path(__file__).parent / "data" / "families" / "toy"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVALS, *args], cwd=ROOT, capture_output=True, text=True, env=dict(os.environ),
                          timeout=2400)  # fmt: skip


def validation_sample() -> list[str]:
    """What `make test` validates (`evals.validate.sample`; CI's step after it validates the
    rest, `evals validate --except-sample`), as `FAMILY/FIXTURE` arguments."""
    return sorted(f"{f.family}/{f.id}" for f in sample(load_all()))


def assert_discriminates(rows: list[dict], names: list[str]) -> None:
    fixtures = {(f.family, f.id): f for f in load_all()}
    assert {f"{r['family']}/{r['fixture']}" for r in rows} == set(names)
    bad = {f"{r['family']}/{r['fixture']}": r["problems"] for r in rows if not r["discriminates"]}
    assert not bad, json.dumps(bad, indent=1)
    for row in rows:
        states = fixture_states(fixtures[row["family"], row["fixture"]])
        assert set(states) <= set(row) and (row["noop"], row["oracle"]) == ("unresolved", "resolved")
        assert row.get("alternative", "resolved") == "resolved"
        assert all(row[s] == "unresolved" for s in states if s.startswith("wrong")), row


@pytest.mark.docker
def test_the_sample_discriminates_test_by_test():
    """A fixture of every family and of every codebase: every fail_to_pass test fails untouched
    and passes with the reference, every pass_to_pass test passes on both, every alternative fix
    is resolved, no wrong fix is. The whole suite is `make validate`, CI's step after `make test`."""
    names = validation_sample()
    result = cli("validate", "--json", *names)
    assert_discriminates(json.loads(result.stdout), names)
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_sample_meets_every_family_and_codebase():
    picked = [name.split("/") for name in validation_sample()]
    fixtures = {(f.family, f.id): f for f in load_all()}
    assert {family for family, _ in picked} == set(family_names())
    assert {fixtures[family, i].codebase for family, i in picked} == {f.codebase for f in fixtures.values()}
    assert len(picked) <= len(family_names()) + len({f.codebase for f in fixtures.values()})


def test_ci_validates_the_sample_in_make_test_and_every_other_fixture_after_it():
    """`make test` (the sample) and `.ci/run`'s `evals validate --except-sample` together validate
    every fixture once: the two parts are disjoint and cover the suite."""
    everything = {(f.family, f.id) for f in load_all()}
    rest = {(f.family, f.id) for f in select(None, except_sample=True)}
    picked = {tuple(name.split("/")) for name in validation_sample()}
    assert rest | picked == everything and not rest & picked
    assert {(f.family, f.id) for f in select(["caching"], except_sample=True)} == {
        pair for pair in rest if pair[0] == "caching"}
    nothing_left = cli("validate", "--except-sample", validation_sample()[0])
    assert nothing_left.returncode == 2 and "--except-sample leaves no fixture to validate" in nothing_left.stderr
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "make validate VALIDATE_ARGS=--except-sample" in ci


def test_a_codebase_is_mapped_only_when_the_run_has_enough_of_its_fixtures():
    """`make test`'s sample (one fixture per codebase) maps no visible suite: the whole suite is
    cheaper than the map for one fixture; the whole suite maps every pytest codebase."""
    fixtures = load_all()
    assert worth_mapping(sample(fixtures)) == set()
    pytest_codebases = {f.codebase for f in fixtures if f.codebase and supports_selection(f.visible_tests)}
    assert pytest_codebases and pytest_codebases <= worth_mapping(fixtures)
    on_one = [f for f in fixtures if f.codebase == min(pytest_codebases)]
    assert worth_mapping(on_one[:2]) == set() and worth_mapping(on_one[:3]) == {min(pytest_codebases)}
    others = [f for f in fixtures if f.codebase and f.visible_tests and not supports_selection(f.visible_tests)]
    assert others and not worth_mapping(others) & {f.codebase for f in others}  # no map for a Go or npm suite


def test_every_family_ships_alternative_and_wrong_fixes():
    fixtures = load_all()
    for family in family_names():
        mine = [fixture_states(f) for f in fixtures if f.family == family]
        assert any("alternative" in s for s in mine), f"{family}: no fixture has solution/alternative.patch"
        assert any("wrong" in s for s in mine), f"{family}: no fixture has solution/wrong.patch"


def report(verdict: str, tests: dict[str, str]) -> GradeReport:
    return GradeReport(Verdict(verdict), 0.0, tests, "", {t: "AssertionError: 1 != 2" for t, s in tests.items()
                                                           if s != "passed"})  # fmt: skip


def test_the_rules_name_the_test_and_state_that_broke_them():
    toy = load_family(TOY)[0]
    f2p, p2p = toy.fail_to_pass[0], toy.pass_to_pass[0]
    good = {
        "noop": StateResult("unresolved", [report("unresolved", {f2p: "failed", p2p: "passed"})]),
        "oracle": StateResult("resolved", [report("resolved", {f2p: "passed", p2p: "passed"})]),
        "alternative": StateResult("resolved"),
        "wrong": StateResult("unresolved"),
    }
    assert problems(toy, good) == []
    broken = dict(good)
    broken["noop"] = StateResult("unresolved", [report("unresolved", {f2p: "passed", p2p: "failed"})])
    broken["wrong"] = StateResult("resolved")
    broken["alternative"] = StateResult("unresolved", reason="1 required test(s) not passing")
    found = problems(toy, broken)
    assert f"noop: fail_to_pass test {f2p} passed, must fail" in found
    assert any(p.startswith(f"noop: pass_to_pass test {p2p} failed, must pass: AssertionError") for p in found)
    assert "wrong: resolved, expected unresolved" in found
    assert "alternative: unresolved, expected resolved (1 required test(s) not passing)" in found


def test_every_wrong_patch_is_a_state(tmp_path):
    family = tmp_path / "toy"
    shutil.copytree(TOY, family)
    solution = family / "fixtures" / "calc_total" / "solution"
    shutil.copy(solution / "wrong.patch", solution / "wrong-off-by-one.patch")
    states = fixture_states(load_family(family)[0])
    assert states == {"noop": None, "oracle": "reference", "alternative": "alternative",
                      "wrong": "wrong", "wrong-off-by-one": "wrong-off-by-one"}  # fmt: skip


def test_validation_epochs_must_agree():
    assert agreed(["resolved"] * 3) == "resolved"
    assert agreed(["unresolved", "unresolved"]) == "unresolved"
    assert agreed(["resolved", "unresolved", "resolved"]) == "flaky (2/3 resolved)"
    assert agreed(["infra_error", "resolved"]) == "flaky (1/2 resolved)"


@pytest.mark.docker
def test_validate_fails_when_a_fixture_does_not_discriminate(tmp_path):
    family = tmp_path / "tasks" / "toy"
    shutil.copytree(TOY, family)
    solution = family / "fixtures" / "calc_total" / "solution"
    shutil.copy(solution / "wrong.patch", solution / "reference.patch")
    result = cli("validate", "--json", "--tasks-dir", str(tmp_path / "tasks"))
    assert result.returncode == 1
    (row,) = json.loads(result.stdout)
    assert (row["oracle"], row["noop"], row["discriminates"]) == ("unresolved", "unresolved", False)
    assert "problem: toy/calc_total: oracle: unresolved, expected resolved" in result.stderr
    assert "oracle: fail_to_pass test test_hidden_stats.py::test_total_counts_every_item failed, must pass" in result.stderr


@pytest.mark.docker
def test_one_fixture_can_be_validated_alone_and_through_the_agent(tmp_path):
    result = cli("validate", "--json", "--tasks-dir", str(TOY.parent), "toy/calc_total")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [(r["family"], r["fixture"]) for r in json.loads(result.stdout)] == [("toy", "calc_total")]
    through = cli("validate", "--json", "--tasks-dir", str(TOY.parent), "--agent", "react",
                  "--log-dir", str(tmp_path / "logs"), "toy/calc_total")  # fmt: skip
    assert through.returncode == 0, through.stderr[-2000:]
    assert json.loads(through.stdout) == [{"fixture": "calc_total", "family": "toy", "oracle": "resolved",
                                           "noop": "unresolved", "problems": [], "discriminates": True}]  # fmt: skip
    unknown = cli("validate", "--tasks-dir", str(TOY.parent), "toy/nope")
    assert unknown.returncode == 2 and "unknown fixture 'toy/nope': toy has calc_total" in unknown.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.docker
def test_ctrl_c_during_validate_leaves_no_grading_container(signum):
    """A real SIGINT (Ctrl-C) or SIGTERM (CI's timeout, `kill`) while grading environments are
    being made and used: the gradings are cancelled, each removes what it made (also one still
    starting its services), exit 130."""
    import time

    import docker

    api = docker.from_env().api

    def grading_containers() -> list[str]:
        return [c["Id"] for c in api.containers(all=True, filters={"label": "evals.sandbox"})
                if c["Labels"]["evals.sandbox"].startswith("evals-sdk-grade-")]  # fmt: skip

    assert not grading_containers(), "grading containers left by an earlier run"
    run = subprocess.Popen([EVALS, "validate", "--epochs", "2", "caching"], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 300
    while len(grading_containers()) < 2 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.poll() is None, "validation ended before any grading environment was made"
    run.send_signal(signum)
    _, stderr = run.communicate(timeout=180)
    assert run.returncode == 130, stderr[-2000:]
    assert "interrupted:" in stderr and "to validate the rest: evals validate --epochs 2" in stderr, stderr[-2000:]
    assert not grading_containers(), "the interrupted validation left grading containers behind"


def test_the_time_summary_says_which_states_and_codebases_took_the_grading_time():
    rows = [
        {"family": "f", "fixture": "a", "codebase": "shop", "seconds": {"noop": 5.0, "oracle": 6.0, "visible": 20.0,
                                                                        "wrong": 4.0, "wrong-other": 5.0}},
        {"family": "f", "fixture": "b", "codebase": "shop", "seconds": {"noop": 5.0, "oracle": 5.0, "visible": 10.0}},
        {"family": "g", "fixture": "c", "codebase": None, "seconds": {"noop": 2.0, "oracle": 3.0}},
    ]
    by_state, by_codebase = time_summary(rows)
    assert "65 s;" in by_state and by_state.index("visible 30") < by_state.index("oracle 14") < by_state.index("noop 12")
    assert "wrong 9" in by_state and "wrong-other" not in by_state
    assert by_codebase.index("shop 60 (2 fixture(s), 30 each)") < by_codebase.index("own repositories 5 (1 fixture(s), 5 each)")
    assert time_summary([]) == [] and time_summary([{"family": "f", "fixture": "a", "seconds": {}}]) == []


def test_the_table_gives_wrong_fixes_one_column_and_visible_tests_a_count():
    """A CI log is 160 columns wide: a column per `wrong-<name>` fix and the names of the visible
    tests that ran made the table unreadable there."""
    row = {"family": "f", "fixture": "a", "codebase": "shop", "noop": "unresolved", "oracle": "resolved",
           "wrong": "unresolved", "wrong-other": "resolved", "visible": "resolved",
           "visible_tests_run": ["tests/test_a.py::test_one", "tests/test_b.py::test_two"],
           "problems": [], "discriminates": False, "seconds": {"noop": 1.0}}
    assert table_cells(row) == {"noop": "unresolved", "oracle": "resolved", "wrong": "unresolved, resolved",
                                "visible": "resolved", "visible_tests_run": "2"}
    assert table_cells({"family": "f", "fixture": "b", "noop": "unresolved", "visible_tests_run": "all"}) == {
        "noop": "unresolved", "visible_tests_run": "all"}


def test_a_solution_that_renames_a_file_removes_the_old_one(tmp_path):
    """`git apply --numstat` names only the new path of a pure rename: a fix that renamed a
    migration left the old file beside the new one in the graded repository (two migrations
    with one version), so a correct alternative fix graded as broken."""
    from types import SimpleNamespace

    from evals.replay import solution_files

    made = tmp_path / "made"
    (made / "migrations").mkdir(parents=True)
    (made / "migrations" / "0008_dedupe.sql").write_text("CREATE UNIQUE INDEX t ON x (a);\n")
    (made / "keep.txt").write_text("one\n")
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=made, check=True)
    subprocess.run([*git, "add", "."], cwd=made, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=made, check=True)
    repo = tmp_path / "repo"
    shutil.copytree(made, repo, ignore=shutil.ignore_patterns(".git"))
    subprocess.run([*git, "mv", "migrations/0008_dedupe.sql", "migrations/0009_dedupe.sql"], cwd=made, check=True)
    (made / "keep.txt").write_text("two\n")
    diff = subprocess.run([*git, "diff", "-M", "--cached", "HEAD"], cwd=made, capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    diff += subprocess.run([*git, "diff"], cwd=made, capture_output=True, text=True, check=True).stdout
    assert "similarity index 100%" in diff, diff
    (tmp_path / "fix.patch").write_text(diff)
    fixture = SimpleNamespace(path=tmp_path, repo_dir=repo, solution_patch=lambda name: tmp_path / f"{name}.patch")
    assert solution_files(fixture, "fix") == {"migrations/0008_dedupe.sql": None,  # type: ignore[arg-type]
                                              "migrations/0009_dedupe.sql": b"CREATE UNIQUE INDEX t ON x (a);\n",
                                              "keep.txt": b"two\n"}  # fmt: skip
