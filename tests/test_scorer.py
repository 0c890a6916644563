"""Who is at fault when a hidden run gives no verdict (evals.scorer.grade_changes), without Docker:
the run is retried on the untouched repository, and only a failure there too is the harness's."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from evals.fixtures import load_family
from evals.grading import GradeReport, Verdict
from evals.grading_env import InfraError
from evals.hidden_run import HiddenRunTimeout
import evals.scorer as scorer

TOY = Path(__file__).parent / "data" / "families" / "toy"


def fake_grading(monkeypatch, outcome):
    """Grading environments that record what they were given; each run's result is
    `outcome(files)` (a report, or an exception to raise)."""
    seen: list[dict] = []

    @asynccontextmanager
    async def environment(fixture):
        yield object()

    async def run_hidden_tests(env, fixture, files, timeout=None):
        seen.append({"files": files, "timeout": timeout})
        result = outcome(files)
        if isinstance(result, BaseException):
            raise result
        return result

    monkeypatch.setattr(scorer, "run_hidden_tests", run_hidden_tests)
    return environment, seen


def grade(environment, accepted, pristine):
    fixture = load_family(TOY)[0]
    return asyncio.run(scorer.grade_changes(fixture, accepted, pristine, environment))


FIX = {"app/stats.py": b"def total(items):\n    return sum(items)\n", "app/new.py": b"x = 1\n"}
PRISTINE = {"app/stats.py": b"def total(items):\n    return 0\n"}
OK = GradeReport(Verdict.UNRESOLVED, 0.5, {}, "1 required test(s) not passing")


def test_a_verdict_is_returned_as_is_and_nothing_is_rerun(monkeypatch):
    environment, seen = fake_grading(monkeypatch, lambda files: OK)
    assert grade(environment, FIX, PRISTINE) is OK
    assert seen == [{"files": FIX, "timeout": None}]


@pytest.mark.parametrize("failure", [HiddenRunTimeout("the hidden test run did not finish within 120 s"),
                                     InfraError("could not prepare the grading container"),
                                     RuntimeError("the engine refused")])  # fmt: skip
def test_no_verdict_with_the_changes_but_one_without_is_the_agents_fault(monkeypatch, failure):
    environment, seen = fake_grading(monkeypatch, lambda files: failure if files == FIX else OK)
    report = grade(environment, FIX, PRISTINE)
    assert report.verdict is Verdict.UNRESOLVED and report.pass_rate == 0.0
    assert "the untouched repository grades normally" in report.reason and str(failure) in report.reason
    # the second run undoes exactly the agent's changes (an added file is deleted), capped in time
    assert seen[1] == {"files": {"app/stats.py": PRISTINE["app/stats.py"], "app/new.py": None},
                       "timeout": scorer.PRISTINE_RUN_CAP}  # fmt: skip


def test_no_verdict_even_without_the_changes_is_an_infrastructure_failure(monkeypatch):
    environment, _ = fake_grading(monkeypatch, lambda files: HiddenRunTimeout("did not finish within 120 s"))
    with pytest.raises(InfraError, match="the untouched repository gives no verdict either"):
        grade(environment, FIX, PRISTINE)


def test_a_tree_is_graded_once_per_process_and_failures_are_not_remembered():
    """GradingCache: samples that grade the same tree (most often: no accepted change at all)
    share one grading run, even when they ask at the same time; a run that failed is tried again."""
    cache = scorer.GradingCache()
    runs: list[str] = []

    async def grade(name: str, outcome) -> GradeReport:
        runs.append(name)
        await asyncio.sleep(0.01)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def scenario():
        same = await asyncio.gather(*(cache.grade("tree-a", lambda: grade("a", OK)) for _ in range(3)))
        assert [reused for _, reused in same] == [False, True, True] and all(r is OK for r, _ in same)
        with pytest.raises(InfraError):
            await cache.grade("tree-b", lambda: grade("b", InfraError("the engine refused")))
        report, reused = await cache.grade("tree-b", lambda: grade("b", OK))
        assert report is OK and not reused

    asyncio.run(scenario())
    assert runs == ["a", "b", "b"]


def test_the_tree_key_changes_with_every_change_and_nothing_else():
    fixture = load_family(TOY)[0]
    none, fix = scorer.tree_key(fixture, {}), scorer.tree_key(fixture, FIX)
    assert none == scorer.tree_key(fixture, {}) and fix == scorer.tree_key(fixture, dict(reversed(FIX.items())))
    assert len({none, fix, scorer.tree_key(fixture, {**FIX, "app/new.py": None}),
                scorer.tree_key(fixture, {**FIX, "app/new.py": b"x = 2\n"})}) == 4  # fmt: skip
