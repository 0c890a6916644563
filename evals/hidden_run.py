"""One run of a fixture's hidden tests in a grading environment (`evals.grading_env`).

The grading container holds the pristine repository at /repo; the run writes the accepted
changes over it, gives /repo to the unprivileged user `app`, copies the hidden tests and the
kit (`kit/gradekit`) under /grader (root only) and runs pytest there as root:

* in isolated mode (`python -I`: no PYTHONPATH, no user site, no cwd on `sys.path`), from
  /grader/tests, with the kit importable and the repository NOT importable: the hidden tests
  start the code under test as its own processes through the kit, as user `app`, and observe it
  from outside. Nothing of the code under test runs in the test process, so nothing it does can
  rewrite a test, a report or a measurement there;
* with the hidden tests' own `pytest.ini`, per-test timeouts, and a JUnit report at a random
  path in a root-only folder; output to a file, every file capped (`ulimit -f`);
* with randomly named canary tests that can only fail: a report in which one passed is not
  trusted (the verdict rules are in `evals.grading`).
"""

from __future__ import annotations

import io
import secrets
import tarfile
from dataclasses import replace
from pathlib import Path

from inspect_ai.util import SandboxEnvironment

from .fixtures import WORKDIR, Fixture
from .grading import GradeReport, JUnitParseError, Verdict, canary_tests, grade, is_noise, parse_junit, failure_messages
from .grading_env import GradingEnvironment, InfraError
from .paths import ROOT
from .sandbox import MAX_FILE_BYTES, DiskLimitExceeded, disk_guarded

KIT_DIR = ROOT / "kit"
GRADER_DIR = "/grader"
TESTS_DIR = f"{GRADER_DIR}/tests"
KIT_TARGET = f"{GRADER_DIR}/kit"
APP_USER = "app"

#: pytest in the grading container: the kit first on sys.path, a guard that refuses any import
#: from the repository (hidden tests observe the code, they never import it), then pytest with a
#: plugin that marks the end of collection.
_BOOTSTRAP = (
    "import sys, importlib.machinery as m\n"
    f"sys.path.insert(0, {KIT_TARGET!r}); mark = sys.argv.pop(1)\n"
    "class NoRepo:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        spec = m.PathFinder.find_spec(name, path)\n"
    f"        if spec is not None and (spec.origin or '').startswith({WORKDIR + '/'!r}):\n"
    "            raise ImportError(f'hidden tests never import the code under test ({name} from '\n"
    "                              f'{spec.origin}): start it as a process with gradekit')\n"
    "sys.meta_path.insert(0, NoRepo())\n"
    "import pytest\n"
    "class Collected:\n"
    "    def pytest_collection_finish(self, session):\n"
    "        open(mark, 'w').close()\n"
    "raise SystemExit(pytest.main(sys.argv[1:], plugins=[Collected()]))"
)

#: Runs the test command with its output in a file and a file-size cap; when the collection
#: marker does not appear within the collection budget, the process is killed and the wrapper
#: exits COLLECT_TIMEOUT_EXIT.
_WRAPPER = r"""
out=$1; budget=$2; fsize=$3; shift 3
mkdir -p -m 700 "$out" && ulimit -f "$fsize" || exit 1
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
_NO_AUTOLOAD = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
"""pytest loads only the plugins named on its command line (pytest-timeout): nothing installed
in the image enters the test run by an entry point, and start-up is a quarter of a second faster"""

#: /repo to the app user (its own files, as the agent's were its own), /grader to root alone.
_PREPARE = f"""
set -e
rm -rf {GRADER_DIR} && mkdir -m 700 {GRADER_DIR}
if id {APP_USER} >/dev/null 2>&1; then chown -R {APP_USER}:{APP_USER} {WORKDIR}; fi
"""


class HiddenRunTimeout(Exception):
    """The hidden test run did not finish in its time budget."""


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


def make_canaries() -> tuple[str, bytes, list[str]]:
    """A randomly named test file whose tests can only fail: (file name, source, test ids)."""
    stem = f"test_{secrets.token_hex(6)}"
    names = (f"test_{secrets.token_hex(5)}", f"test_{secrets.token_hex(5)}")
    a = secrets.randbelow(10**9)
    source = canary_tests(stem, names, (a, a + 1 + secrets.randbelow(1000)))
    return f"{stem}.py", source.encode(), [f"{stem}.py::{name}" for name in names]


async def _put_tree(env: SandboxEnvironment, files: dict[str, bytes], target: str) -> None:
    archive = f"/tmp/.evals-{secrets.token_hex(8)}.tar"
    await env.write_file(archive, tar_bytes(files))
    result = await env.exec(
        ["sh", "-c", 'mkdir -p "$1" && tar --no-same-owner -C "$1" -xf "$2" && rm -f "$2"', "sh", target, archive],
        timeout=120,
    )
    if not result.success:
        raise InfraError(f"could not copy files into the grading container: {result.stderr[:500]}")


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


async def prepare(env: GradingEnvironment, fixture: Fixture, files: dict[str, bytes | None],
                  canaries: tuple[str, bytes] | None = None) -> None:
    """Repository = pristine + `files`; hidden tests (+ canaries) and the kit under /grader."""
    await apply_files(env.runner, files)
    result = await env.runner.exec(["sh", "-c", _PREPARE], timeout=120)
    if not result.success:
        raise InfraError(f"could not prepare the grading container: {(result.stderr or result.stdout)[-500:]}")
    tests = read_tree(fixture.tests_dir)
    tests.setdefault("pytest.ini", b"[pytest]\n")
    if canaries is not None:
        tests[canaries[0]] = canaries[1]
    await _put_tree(env.runner, tests, TESTS_DIR)
    await _put_tree(env.runner, kit_tree(fixture), KIT_TARGET)


async def run_visible_tests(env: GradingEnvironment, fixture: Fixture, timeout: int | None = None,
                            command: str | None = None, extra_env: dict[str, str] | None = None) -> tuple[bool, str]:
    """The starting repository's own test suite (the codebase's `visible_tests` command, or
    `command`) in /repo, as the app user with the services' variables, as a developer would run
    it: (passed, the end of its output)."""
    assert fixture.visible_tests, "only fixtures on a codebase with visible_tests"
    result = await env.runner.exec(["sh", "-c", _PREPARE], timeout=120)
    if not result.success:
        raise InfraError(f"could not prepare the grading container: {(result.stderr or result.stdout)[-500:]}")
    home = {"HOME": f"/home/{APP_USER}", "PATH": "/opt/venv/bin:/usr/local/bin:/usr/bin:/bin"}
    try:
        result = await env.runner.exec(["sh", "-c", command or fixture.visible_tests], cwd=WORKDIR, user=APP_USER,
                                       env=home | env.app_env | (extra_env or {}),
                                       timeout=timeout or fixture.test_timeout)  # fmt: skip
    except TimeoutError:
        return False, f"did not finish in {timeout or fixture.test_timeout} s"
    return result.success, (result.stdout + result.stderr)[-1500:]


def kit_tree(fixture: Fixture) -> dict[str, bytes]:
    """kit/ (gradekit) and the fixture's codebase kit, side by side under /grader/kit."""
    tree = read_tree(KIT_DIR)
    for kit in fixture.kits:
        tree |= read_tree(kit)
    return tree


async def run_tests(env: GradingEnvironment, fixture: Fixture, canaries: list[str] | None = None,
                    timeout: int | None = None) -> GradeReport:
    """Run the prepared hidden tests; the verdict from the JUnit report and the exit code."""
    runner = env.runner
    out_dir = f"{GRADER_DIR}/out-{secrets.token_hex(8)}"
    report_path = f"{out_dir}/report.xml"
    budget = timeout or fixture.test_timeout
    command = [
        "sh", "-c", _WRAPPER, "sh", out_dir, str(fixture.collect_timeout), str(MAX_FILE_BYTES // 1024),
        "python", "-I", "-B", "-c", _BOOTSTRAP, f"{out_dir}/collected",
        "-c", f"{TESTS_DIR}/pytest.ini", "--rootdir", TESTS_DIR,
        "-p", "no:cacheprovider", "-p", "pytest_timeout", "-o", "junit_family=xunit2",
        # the thread method ends the whole run when one test overruns, even if a test waits on a
        # process of the code under test that ignores signals
        f"--timeout={fixture.per_test_timeout}", "-o", "timeout_method=thread",
        "-o", "timeout_disable_debugger_detection=true",
        f"--junitxml={report_path}",
        "-q", TESTS_DIR,
    ]  # fmt: skip
    try:
        result = await disk_guarded(
            runner, lambda: runner.exec(command, cwd=TESTS_DIR, env=env.runner_env | _NO_AUTOLOAD, timeout=budget)
        )
    except TimeoutError:
        raise HiddenRunTimeout(f"the hidden test run did not finish within {budget} s") from None
    except DiskLimitExceeded as ex:
        return GradeReport(
            Verdict.UNRESOLVED, 0.0, {t: "missing" for t in (*fixture.fail_to_pass, *fixture.pass_to_pass)},
            f"the hidden test run filled the disk: {ex}",
        )  # fmt: skip
    if result.returncode == COLLECT_TIMEOUT_EXIT:
        raise HiddenRunTimeout(f"the hidden tests were not collected within {fixture.collect_timeout} s")
    try:
        xml = await runner.read_file(report_path)
    except FileNotFoundError:
        statuses = None
    else:
        try:
            statuses = parse_junit(xml)
        except JUnitParseError:
            statuses = None
    report = grade(statuses, fixture.fail_to_pass, fixture.pass_to_pass, result.returncode, canaries or ())
    if statuses is not None:
        report = replace(report, messages=failure_messages(xml, [*fixture.fail_to_pass, *fixture.pass_to_pass]))
    if statuses is None and await _per_test_timeout_hit(runner, out_dir):
        report = replace(report, reason=f"a hidden test exceeded its {fixture.per_test_timeout} s limit, "
                                        f"which ends the run: {report.reason}")  # fmt: skip
    return report


async def _per_test_timeout_hit(env: SandboxEnvironment, out_dir: str) -> bool:
    """pytest-timeout's thread method prints a '+++ Timeout +++' banner before it ends the run."""
    result = await env.exec(["grep", "-q", "-F", "+ Timeout +", f"{out_dir}/pytest.log"], timeout=60)
    return result.returncode == 0


async def run_hidden_tests(env: GradingEnvironment, fixture: Fixture, files: dict[str, bytes | None],
                           timeout: int | None = None) -> GradeReport:
    """Prepare the grading container with `files` and run the hidden tests (with canaries)."""
    canary_file, canary_source, canary_ids = make_canaries()
    await prepare(env, fixture, files, (canary_file, canary_source))
    return await run_tests(env, fixture, canary_ids, timeout)
