"""The hidden-test scorer: grade the agent's fix in a fresh container it never touched.

Steps (each I/O step small; the rules live in `grading`):
1. snapshot the agent's /repo (one tar, read back as bytes; nothing is extracted on the host);
2. keep only source changes (`grading.select_changes`) against the pristine repository;
3. write those into the idle `grader` container (same image, pristine /repo), copy the hidden
   tests to /grader/tests, run pytest there in isolated mode with a private JUnit path;
4. verdict from the JUnit report and the exit code (`grading.grade`).

Any failure of the harness itself (container gone, run timed out) gives `infra_error`, which
counts as not resolved but is reported apart from "unresolved".
"""

from __future__ import annotations

import io
import random
import secrets
import tarfile
import time
from dataclasses import replace
from pathlib import Path

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.util import SandboxEnvironment, sandbox

from .agent import INFRA_ERROR_KEY, SANDBOX_STOPPED_KEY
from .fixtures import WORKDIR, Fixture
from .grading import (
    ChangeSet,
    GradeReport,
    JUnitParseError,
    Verdict,
    canary_tests,
    grade,
    is_noise,
    parse_junit,
    plant_mutants,
    select_changes,
)
from .sandbox import GRADER, MAX_FILE_BYTES, load_service, DiskLimitExceeded, disk_guarded, kill_other_processes

MAX_REPO_BYTES = 64 * 1024 * 1024
PRISTINE_RUN_CAP = 120
"""seconds the untouched repository's tests may take when a timeout is being attributed"""
GRADING_OVERHEAD = 120
"""seconds of grading work besides the hidden runs (snapshot, service reset, copies)"""


def grading_budget(fixture: Fixture) -> int:
    """Worst-case seconds to score one sample of `fixture`: its hidden run, a capped run on the
    untouched repository when that one times out, and the rest. Inspect gives scoring half of
    the sample's time limit, so the task checks this fits (see evals.task)."""
    return fixture.test_timeout + min(fixture.test_timeout, PRISTINE_RUN_CAP) + GRADING_OVERHEAD
MUTANTS = 2
"""Mutant canaries per run (copies of required tests that only canned answers can pass)."""
TESTS_DIR = "/grader/tests"

#: Run pytest with the interpreter isolated (no PYTHONPATH, no cwd, no user site) and the
#: repository appended after site-packages, so a planted `pytest.py` cannot shadow pytest.
_BOOTSTRAP = (
    "import sys; sys.path.append(%r); mark = sys.argv.pop(1); import pytest\n"
    "class Collected:\n"
    "    def pytest_collection_finish(self, session):\n"
    "        open(mark, 'w').close()\n"
    "raise SystemExit(pytest.main(sys.argv[1:], plugins=[Collected()]))" % WORKDIR
)

#: Runs the test command with its output in a file and a file-size cap; when the collection
#: marker does not appear within the collection budget (the agent's code hangs on import), the
#: process is killed and the wrapper exits COLLECT_TIMEOUT_EXIT.
_WRAPPER = r"""
out=$1; budget=$2; fsize=$3; shift 3
mkdir -p "$out" && ulimit -f "$fsize" || exit 1
"$@" > "$out/pytest.log" 2>&1 &
pid=$!
waited=0
while [ ! -e "$out/collected" ] && kill -0 "$pid" 2>/dev/null; do
  if [ "$waited" -ge "$budget" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid"; exit 97; fi
  sleep 1; waited=$((waited + 1))
done
wait "$pid"
"""
COLLECT_TIMEOUT_EXIT = 97  # not 124: Inspect reads that as its own exec timeout


class InfraError(RuntimeError):
    """The harness, not the agent, failed to produce a verdict."""


class HiddenRunTimeout(Exception):
    """The hidden test run did not finish in its time budget; whose fault it is is decided by
    running the same tests on the untouched repository (see `attribute_timeout`)."""


class RepoTooLarge(Exception):
    """The agent left a repository too large to grade: its failure, not the harness's."""


def read_tree(root: Path) -> dict[str, bytes]:
    """Files under a host folder as {relative posix path: bytes}."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not is_noise(path.relative_to(root).as_posix())
    }


def tar_bytes(files: dict[str, bytes], prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def untar_tree(data: bytes) -> dict[str, bytes | None]:
    """Entries of a tar as {path: bytes}, None for anything but a regular file. No disk writes."""
    result: dict[str, bytes | None] = {}
    total = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
        for member in tar:
            name = member.name.removeprefix("./").lstrip("/")
            if not name or member.isdir() or name == ".git" or name.startswith(".git/"):
                continue
            if member.isreg():
                total += member.size
                if total > MAX_REPO_BYTES:
                    raise RepoTooLarge(
                        f"the repository exceeds {MAX_REPO_BYTES // 2**20} MiB: not graded"
                    )
                extracted = tar.extractfile(member)
                result[name] = extracted.read() if extracted else b""
            else:
                result[name] = None
    return result


async def snapshot_repo(env: SandboxEnvironment) -> dict[str, bytes | None]:
    """The agent's final repository, read out as one tar (after checking it is a real folder of
    a gradable size, so a huge or redirected /repo never reaches the host)."""
    probe = await env.exec(
        ["sh", "-c", 'test -d "$1" && ! test -L "$1" || exit 3; du -s -B1 --apparent-size --exclude=./.git "$1/."',
         "sh", WORKDIR],
        timeout=120,
    )  # fmt: skip
    if probe.returncode == 3:
        raise RepoTooLarge(f"{WORKDIR} is no longer a folder (replaced by a symlink or a file): not graded")
    if probe.success and probe.stdout.split() and probe.stdout.split()[0].isdigit():
        if int(probe.stdout.split()[0]) > MAX_REPO_BYTES:
            raise RepoTooLarge(f"the repository exceeds {MAX_REPO_BYTES // 2**20} MiB: not graded")
    path = f"/tmp/.evals-snapshot-{secrets.token_hex(8)}.tar"
    result = await env.exec(
        ["tar", "-C", WORKDIR, "--one-file-system", "--exclude=./.git", "-cf", path, "."], timeout=120
    )
    if not result.success:
        raise InfraError(f"could not read the agent's repository: {result.stderr.strip()[:500]}")
    data = await env.read_file(path, text=False)
    await env.exec(["rm", "-f", path], timeout=30)
    return untar_tree(data)


async def stop_agent_processes(env: SandboxEnvironment) -> None:
    """Kill everything the agent left running, so nothing it started acts during grading
    (e.g. on a shared database or Redis). The container itself stays up for cleanup."""
    await kill_other_processes(env)


async def _put_tree(env: SandboxEnvironment, files: dict[str, bytes], target: str) -> None:
    archive = f"/tmp/.evals-{secrets.token_hex(8)}.tar"
    await env.write_file(archive, tar_bytes(files))
    result = await env.exec(
        ["sh", "-c", f'mkdir -p "$1" && tar -C "$1" -xf "$2" && rm -f "$2"', "sh", target, archive],
        timeout=120,
    )
    if not result.success:
        raise InfraError(f"could not copy files into the grading container: {result.stderr[:500]}")


def make_canaries() -> tuple[str, bytes, list[str]]:
    """A randomly named test file whose tests can only fail: (file name, source, test ids)."""
    stem = f"test_{secrets.token_hex(6)}"
    names = (f"test_{secrets.token_hex(5)}", f"test_{secrets.token_hex(5)}")
    a = secrets.randbelow(10**9)
    source = canary_tests(stem, names, (a, a + 1 + secrets.randbelow(1000)))
    return f"{stem}.py", source.encode(), [f"{stem}.py::{name}" for name in names]


async def reset_services(fixture: Fixture) -> None:
    """Restore each service's grading state (e.g. recreate the grading database), so nothing
    the agent did to it through the network (its password is in this public source) counts."""
    for name in fixture.services:
        service = load_service(name)
        if service.grader_reset:
            result = await sandbox(service.hostname).exec(["sh", "-c", service.grader_reset], timeout=120)
            if not result.success:
                raise InfraError(
                    f"could not reset the {name} service for grading: {(result.stderr or result.stdout)[-500:]}"
                )


async def apply_files(env: SandboxEnvironment, files: dict[str, bytes | None]) -> None:
    """Write (bytes) or delete (None) files under the container's repository."""
    written = {p: c for p, c in files.items() if c is not None}
    deleted = [p for p, c in files.items() if c is None]
    if written:
        await _put_tree(env, written, WORKDIR)
    if deleted:
        result = await env.exec(["rm", "-f", "--", *deleted], cwd=WORKDIR, timeout=60)
        if not result.success:
            raise InfraError(f"could not apply deletions: {result.stderr[:500]}")


async def prepare_grader(
    env: SandboxEnvironment, fixture: Fixture, changes: ChangeSet, canaries: tuple[str, bytes] | None = None,
    mutants: int = 0,
) -> list[str]:
    """Pristine repo + accepted changes + hidden tests (and canaries, and up to `mutants` mutant
    canaries planted in the hidden test files), in the grading container. Returns the mutants' ids."""
    await apply_files(env, changes.accepted)
    tests = read_tree(fixture.tests_dir)
    tests.setdefault("pytest.ini", b"[pytest]\n")
    if canaries is not None:
        tests[canaries[0]] = canaries[1]
    mutant_ids: list[str] = []
    if mutants:
        required = [*fixture.fail_to_pass, *fixture.pass_to_pass]
        tests, mutant_ids = plant_mutants(tests, required, mutants, random.SystemRandom())
    await _put_tree(env, tests, TESTS_DIR)
    return mutant_ids


async def run_hidden_tests(
    env: SandboxEnvironment, fixture: Fixture, canaries: list[str] | None = None,
    mutants: list[str] | None = None, timeout: int | None = None,
) -> GradeReport:
    out_dir = f"/grader/out-{secrets.token_hex(8)}"
    report_path = f"{out_dir}/report.xml"
    # pytest's output goes to a file (the verdict never reads it, and code under test printing
    # gigabytes must not flood the harness); no file larger than MAX_FILE_BYTES may be written
    command = [
        "sh", "-c", _WRAPPER, "sh", out_dir, str(fixture.collect_timeout), str(MAX_FILE_BYTES // 1024),
        "python", "-I", "-B", "-c", _BOOTSTRAP, f"{out_dir}/collected",
        "-c", f"{TESTS_DIR}/pytest.ini", "--rootdir", TESTS_DIR,
        "-p", "no:cacheprovider", "-o", "junit_family=xunit2",
        # the thread method ends the whole run when one test overruns, even if the code under
        # test ignores signals (the signal method would then let it hang to the run's budget)
        f"--timeout={fixture.per_test_timeout}", "-o", "timeout_method=thread",
        "-o", "timeout_disable_debugger_detection=true",
        f"--junitxml={report_path}",
        "-q", TESTS_DIR,
    ]  # fmt: skip
    try:
        result = await disk_guarded(
            env, lambda: env.exec(command, cwd=WORKDIR, timeout=timeout or fixture.test_timeout)
        )
    except TimeoutError:
        raise HiddenRunTimeout(
            f"the hidden test run did not finish within {timeout or fixture.test_timeout} s"
        ) from None
    except DiskLimitExceeded as ex:
        return GradeReport(
            Verdict.UNRESOLVED, 0.0, {t: "missing" for t in (*fixture.fail_to_pass, *fixture.pass_to_pass)},
            f"the hidden test run filled the disk: {ex}",
        )  # fmt: skip
    if result.returncode == COLLECT_TIMEOUT_EXIT:
        raise HiddenRunTimeout(f"the hidden tests were not collected within {fixture.collect_timeout} s")
    try:
        xml = await env.read_file(report_path)
    except FileNotFoundError:
        statuses = None
    else:
        try:
            statuses = parse_junit(xml)
        except JUnitParseError:
            statuses = None
    report = grade(statuses, fixture.fail_to_pass, fixture.pass_to_pass, result.returncode, canaries or (),
                   mutants or ())
    if statuses is None and await _per_test_timeout_hit(env, out_dir):
        report = replace(report, reason=f"a hidden test exceeded its {fixture.per_test_timeout} s limit, "
                                        f"which ends the run: {report.reason}")  # fmt: skip
    return report


async def _per_test_timeout_hit(env: SandboxEnvironment, out_dir: str) -> bool:
    """pytest-timeout's thread method prints a '+++ Timeout +++' banner before it ends the run."""
    result = await env.exec(["grep", "-q", "-F", "+ Timeout +", f"{out_dir}/pytest.log"], timeout=60)
    return result.returncode == 0


async def attribute_timeout(
    env: SandboxEnvironment, fixture: Fixture, pristine: dict[str, bytes], changes: ChangeSet,
    timeout: HiddenRunTimeout,
) -> GradeReport:
    """A hidden run that did not finish: run the same tests on the untouched repository in the
    same container. If that finishes, the agent's code hung or was too slow (unresolved: a hang
    must never turn into an infrastructure failure, which reports leave out); if it does not
    either, the machine or the fixture is at fault (InfraError)."""
    await kill_other_processes(env)
    await apply_files(env, {p: pristine.get(p) for p in changes.accepted})  # added files: None
    await reset_services(fixture)
    started = time.monotonic()
    try:
        await run_hidden_tests(env, fixture, timeout=min(fixture.test_timeout, PRISTINE_RUN_CAP))
    except HiddenRunTimeout as again:
        raise InfraError(f"{again}, even on the untouched repository: the machine is too slow or the "
                         f"fixture's time budget too small") from None  # fmt: skip
    took = time.monotonic() - started
    required = (*fixture.fail_to_pass, *fixture.pass_to_pass)
    return GradeReport(
        Verdict.UNRESOLVED, 0.0, {t: "missing" for t in required},
        f"{timeout} with the agent's changes (on the untouched repository it finishes in {took:.0f} s): "
        "the agent's code hangs or is too slow",
    )  # fmt: skip


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
            await stop_agent_processes(sandbox())  # first: nothing may change /repo while it is read
            final = await snapshot_repo(sandbox())
            changes = select_changes(pristine, final, fixture.source)
            await reset_services(fixture)
            grader = sandbox(GRADER)
            canary_file, canary_source, canary_ids = make_canaries()
            mutant_ids = await prepare_grader(
                grader, fixture, changes, (canary_file, canary_source), mutants=MUTANTS
            )
            try:
                report = await run_hidden_tests(grader, fixture, canary_ids, mutant_ids)
            except HiddenRunTimeout as timeout:
                report = await attribute_timeout(grader, fixture, pristine, changes, timeout)
        except RepoTooLarge as ex:
            return _score(Verdict.UNRESOLVED, 0.0, str(ex) + stopped_note(state), {"changed_files": []})
        except Exception as ex:  # InfraError, or the container died, docker failed...
            message = str(ex) if isinstance(ex, InfraError) else f"{type(ex).__name__}: {ex}"
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
                "changed_files": sorted(changes.accepted),
                "ignored_changes": changes.ignored,
            },
        )

    return score
