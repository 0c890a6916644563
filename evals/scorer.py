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
import secrets
import tarfile
from pathlib import Path

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState
from inspect_ai.util import SandboxEnvironment, sandbox

from .agent import INFRA_ERROR_KEY
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
    select_changes,
)
from .sandbox import GRADER

MAX_REPO_BYTES = 64 * 1024 * 1024
TESTS_DIR = "/grader/tests"

#: Run pytest with the interpreter isolated (no PYTHONPATH, no cwd, no user site) and the
#: repository appended after site-packages, so a planted `pytest.py` cannot shadow pytest.
_BOOTSTRAP = (
    "import sys; sys.path.append(%r); import pytest; raise SystemExit(pytest.main(sys.argv[1:]))"
    % WORKDIR
)


class InfraError(RuntimeError):
    """The harness, not the agent, failed to produce a verdict."""


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
    """The agent's final repository, read out as one tar."""
    path = f"/tmp/.evals-snapshot-{secrets.token_hex(8)}.tar"
    result = await env.exec(
        ["tar", "-C", WORKDIR, "--exclude=./.git", "-cf", path, "."], timeout=120
    )
    if not result.success:
        raise InfraError(f"could not read the agent's repository: {result.stderr.strip()[:500]}")
    data = await env.read_file(path, text=False)
    await env.exec(["rm", "-f", path], timeout=30)
    return untar_tree(data)


# Shell builtins only: find the container's own command (the lowest-numbered child of init),
# then SIGKILL every other process except init and this shell.
_KILL_OTHERS = r"""
keep=""
for p in /proc/[0-9]*; do
  pid=${p#/proc/}; ppid=""
  while read -r key value _; do [ "$key" = "PPid:" ] && ppid=$value && break; done < "$p/status" 2>/dev/null
  if [ "$ppid" = 1 ] && { [ -z "$keep" ] || [ "$pid" -lt "$keep" ]; }; then keep=$pid; fi
done
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  case " 1 $$ $keep " in *" $pid "*) ;; *) kill -9 "$pid" 2>/dev/null ;; esac
done
true
"""


async def stop_agent_processes(env: SandboxEnvironment) -> None:
    """Kill everything the agent left running, so nothing it started acts during grading
    (e.g. on a shared database or Redis). The container itself stays up for cleanup."""
    try:
        await env.exec(["sh", "-c", _KILL_OTHERS], timeout=30)
    except Exception:
        pass  # a container that is already gone has nothing left running


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


async def prepare_grader(
    env: SandboxEnvironment, fixture: Fixture, changes: ChangeSet, canaries: tuple[str, bytes] | None = None,
) -> None:
    """Pristine repo + accepted changes + hidden tests (and canaries), in the grading container."""
    written = {p: c for p, c in changes.accepted.items() if c is not None}
    deleted = [p for p, c in changes.accepted.items() if c is None]
    if written:
        await _put_tree(env, written, WORKDIR)
    if deleted:
        result = await env.exec(["rm", "-f", "--", *deleted], cwd=WORKDIR, timeout=60)
        if not result.success:
            raise InfraError(f"could not apply deletions: {result.stderr[:500]}")
    tests = read_tree(fixture.tests_dir)
    tests.setdefault("pytest.ini", b"[pytest]\n")
    if canaries is not None:
        tests[canaries[0]] = canaries[1]
    await _put_tree(env, tests, TESTS_DIR)


async def run_hidden_tests(
    env: SandboxEnvironment, fixture: Fixture, canaries: list[str] | None = None
) -> GradeReport:
    report_path = f"/grader/out-{secrets.token_hex(8)}/report.xml"
    command = [
        "python", "-I", "-B", "-c", _BOOTSTRAP,
        "-c", f"{TESTS_DIR}/pytest.ini", "--rootdir", TESTS_DIR,
        "-p", "no:cacheprovider", "-o", "junit_family=xunit2",
        f"--timeout={fixture.per_test_timeout}", f"--junitxml={report_path}",
        "-q", TESTS_DIR,
    ]  # fmt: skip
    try:
        result = await env.exec(command, cwd=WORKDIR, timeout=fixture.test_timeout)
    except TimeoutError:
        raise InfraError(f"hidden test run timed out after {fixture.test_timeout} s") from None
    try:
        xml = await env.read_file(report_path)
    except FileNotFoundError:
        statuses = None
    else:
        try:
            statuses = parse_junit(xml)
        except JUnitParseError:
            statuses = None
    return grade(statuses, fixture.fail_to_pass, fixture.pass_to_pass, result.returncode, canaries or ())


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
            final = await snapshot_repo(sandbox())
            await stop_agent_processes(sandbox())
            changes = select_changes(pristine, final, fixture.source)
            grader = sandbox(GRADER)
            canary_file, canary_source, canary_ids = make_canaries()
            await prepare_grader(grader, fixture, changes, (canary_file, canary_source))
            report = await run_hidden_tests(grader, fixture, canary_ids)
        except RepoTooLarge as ex:
            return _score(Verdict.UNRESOLVED, 0.0, str(ex), {"changed_files": []})
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
            report.reason,
            {
                "tests": report.tests,
                "changed_files": sorted(changes.accepted),
                "ignored_changes": changes.ignored,
            },
        )

    return score
