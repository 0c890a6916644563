"""The hidden-test scorer: grade the agent's fix where nothing of the agent's environment survives.

Steps (the I/O in `grading_env` and `hidden_run`, the rules in `grading`):
1. stop every container of the agent's sandbox from the host (through the engine) and read its
   /repo from the stopped container through the engine's archive API;
2. keep only source changes (`grading.select_changes`) against the pristine repository;
3. in a fresh grading environment (new grading container, new services, a network the agent's
   containers never joined) run the hidden tests on the pristine repository plus those changes;
4. when that run gives no verdict (it does not finish, the environment fails), grade the
   untouched repository the same way in another fresh environment: if that gives a verdict, the
   agent's code is at fault (unresolved); if it does not either, the harness is (`infra_error`).

`infra_error` counts as not resolved but is reported apart from "unresolved"; by (4), nothing the
agent leaves behind can turn its sample into one.

Samples whose accepted changes are identical (most often: none at all) grade the identical tree,
so within one process a fixture's tree is graded once and its verdict reused (`GradingCache`).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from .agents.common import INFRA_ERROR_KEY, SANDBOX_STOPPED_KEY
from .fixtures import Fixture
from .grading import ChangeSet, GradeReport, Verdict, select_changes
from .grading_env import (
    GradingEnvironment,
    InfraError,
    RepoTooLarge,
    freeze,
    fresh_environment,
    read_repo,
    read_repo_in_container,
    sample_containers,
    shared_environment,
)
from .hidden_run import KIT_DIR, HiddenRunTimeout, read_tree, run_hidden_tests
from .digests import tree_digest
from .sandbox import _container_id, kill_other_processes

PRISTINE_RUN_CAP = 120
"""seconds the untouched repository's tests may take when a failed run is being attributed"""
GRADING_OVERHEAD = 120
"""seconds of grading work besides the hidden runs (two grading environments, reads, copies)"""

Environment = Callable[[Fixture], AbstractAsyncContextManager[GradingEnvironment]]


def grading_budget(fixture: Fixture) -> int:
    """Worst-case seconds to score one sample of `fixture`: its hidden run, a capped run on the
    untouched repository when that one gives no verdict, and the rest. Inspect gives scoring half
    of the sample's time limit, so the task checks this fits (see evals.task)."""
    return fixture.test_timeout + min(fixture.test_timeout, PRISTINE_RUN_CAP) + GRADING_OVERHEAD


def _describe(ex: BaseException) -> str:
    return str(ex) if isinstance(ex, (InfraError, HiddenRunTimeout)) else f"{type(ex).__name__}: {ex}"


async def grade_files(fixture: Fixture, files: dict[str, bytes | None], timeout: int | None = None,
                      environment: Environment = fresh_environment) -> GradeReport:
    """The hidden tests on the pristine repository plus `files` (None: deleted), in a new
    grading environment. Raises when no verdict comes out (HiddenRunTimeout, InfraError...)."""
    async with environment(fixture) as env:
        return await run_hidden_tests(env, fixture, files, timeout)


async def grade_changes(fixture: Fixture, accepted: dict[str, bytes | None], pristine: dict[str, bytes],
                        environment: Environment = fresh_environment) -> GradeReport:
    """Grade the agent's accepted changes; a run without a verdict is attributed by grading the
    untouched repository (raises InfraError when that gives none either)."""
    try:
        return await grade_files(fixture, accepted, environment=environment)
    except Exception as first:
        revert = {path: pristine.get(path) for path in accepted}  # added files: None (deleted)
        try:
            await grade_files(fixture, revert, min(fixture.test_timeout, PRISTINE_RUN_CAP), environment)
        except Exception as again:
            raise InfraError(f"{_describe(first)}; the untouched repository gives no verdict either "
                             f"({_describe(again)}): the machine or the fixture is at fault") from None  # fmt: skip
        required = (*fixture.fail_to_pass, *fixture.pass_to_pass)
        return GradeReport(
            Verdict.UNRESOLVED, 0.0, {t: "missing" for t in required},
            f"{_describe(first)} with the agent's changes, while the untouched repository grades normally: "
            "the agent's code is at fault",
        )  # fmt: skip


def tree_key(fixture: Fixture, accepted: dict[str, bytes | None]) -> str:
    """What decides a grading run's outcome: the fixture's repository, hidden tests and kit, and
    the accepted changes (a content hash)."""
    digest = hashlib.sha256()
    for part in (str(fixture.path), tree_digest(fixture.repo_dir), tree_digest(fixture.tests_dir), tree_digest(KIT_DIR),
                 *map(tree_digest, fixture.kits)):
        digest.update(part.encode() + b"\0")
    for path, content in sorted(accepted.items()):
        digest.update(path.encode() + b"\0" + (b"-" if content is None else b"+" + hashlib.sha256(content).digest()))
    return digest.hexdigest()


class GradingCache:
    """Gradings of this process by `tree_key`: a tree already graded (or being graded) is not
    graded again; its verdict, or its failure, is shared."""

    def __init__(self) -> None:
        self._runs: dict[str, asyncio.Future[GradeReport]] = {}

    async def grade(self, key: str, run: Callable[[], Awaitable[GradeReport]]) -> tuple[GradeReport, bool]:
        """(the report, whether it was reused)."""
        if key in self._runs:
            return await asyncio.shield(self._runs[key]), True
        future: asyncio.Future[GradeReport] = asyncio.get_running_loop().create_future()
        self._runs[key] = future
        try:
            report = await run()
        except BaseException as ex:
            del self._runs[key]  # a failure (or a cancelled run) is not remembered: the next tries again
            future.set_exception(ex)
            future.exception()  # retrieved: waiters get it, nobody is warned
            raise
        future.set_result(report)
        return report, False


GRADINGS = GradingCache()


async def collect_repo(state: TaskState) -> tuple[dict[str, bytes | None], Environment]:
    """The agent's final repository, after everything of its sandbox was stopped, and where to
    grade it: a fresh environment on the local engine, the release's grader on Kubernetes."""
    env = sandbox()
    containers = await sample_containers(env)
    if containers is not None:
        agent = await _container_id(env)
        await freeze(containers)  # first: nothing may change /repo while it is read, or outlive it
        return await read_repo(agent), fresh_environment  # type: ignore[arg-type]
    await kill_other_processes(env)
    return await read_repo_in_container(env), shared_environment


def _score(
    verdict: Verdict, pass_rate: float, explanation: str, metadata: dict[str, object]
) -> Score:
    return Score(
        value={
            "resolved": 1 if verdict is Verdict.RESOLVED else 0,
            "pass_rate": pass_rate,
            "infra_error": 1 if verdict is Verdict.INFRA_ERROR else 0,
        },
        answer=verdict.value,
        explanation=explanation,
        metadata={"verdict": verdict.value, **metadata},
    )


def stopped_note(state: TaskState) -> str:
    stopped = state.metadata.get(SANDBOX_STOPPED_KEY)
    return f" (the agent was stopped early: {stopped})" if stopped else ""


@scorer(
    metrics={
        "resolved": [mean(), stderr()],
        "pass_rate": [mean()],
        "infra_error": [mean()],
    }
)
def hidden_tests(fixtures: dict[str, Fixture]) -> Scorer:
    """Score a sample by running its fixture's hidden tests on the agent's source changes."""

    async def score(state: TaskState, target: Target) -> Score:
        fixture = fixtures[str(state.metadata["fixture"])]
        agent_failure = state.metadata.get(INFRA_ERROR_KEY)
        if agent_failure:
            return _score(Verdict.INFRA_ERROR, 0.0, str(agent_failure), {"infra_error": agent_failure})
        pristine = read_tree(fixture.repo_dir)
        changes = ChangeSet(accepted={})
        try:
            final, environment = await collect_repo(state)
            changes = select_changes(pristine, final, fixture.source)
            report, reused = await GRADINGS.grade(
                tree_key(fixture, changes.accepted),
                lambda: grade_changes(fixture, changes.accepted, pristine, environment),
            )
        except RepoTooLarge as ex:
            return _score(Verdict.UNRESOLVED, 0.0, str(ex) + stopped_note(state), {"changed_files": []})
        except Exception as ex:  # InfraError, or the engine failed...
            message = _describe(ex)
            return _score(
                Verdict.INFRA_ERROR, 0.0, message,
                {"infra_error": message, "changed_files": sorted(changes.accepted),
                 "ignored_changes": changes.ignored},
            )  # fmt: skip
        return _score(
            report.verdict,
            report.pass_rate,
            report.reason + stopped_note(state),
            {
                "tests": report.tests,
                "messages": report.messages,
                "changed_files": sorted(changes.accepted),
                "ignored_changes": changes.ignored,
                "grading_reused": reused,
            },
        )

    return score
