"""Grading as pure functions: which agent changes count, and test outcomes in, a verdict out.

Nothing here does I/O, so every rule is unit-testable on literal values:

* `select_changes` — of the agent's final repository, only changed source files count; tests,
  `conftest.py`, pytest/tox/setup configuration, `sitecustomize.py`, `.pth` files, symlinks and
  anything else outside the fixture's `source` globs are set aside (and reported);
* `parse_junit` — the JUnit XML that pytest writes, as `{test id: status}`;
* `grade` — the verdict from the per-test statuses and the runner's exit code, cross-checked.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath

from junitparser import Error, Failure, JUnitXml, Skipped
from junitparser.junitparser import JUnitXmlError


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    MISSING = "missing"


class Verdict(str, Enum):
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    INFRA_ERROR = "infra_error"
    """The harness could not produce a verdict (container died, test run timed out, ...)."""


#: Files an agent may not use to influence grading, whatever the fixture's `source` says.
PROTECTED_PATTERNS: tuple[str, ...] = (
    "tests/**",
    "test/**",
    "**/tests/**",
    "**/test/**",
    "test_*.py",
    "**/test_*.py",
    "*_test.py",
    "**/*_test.py",
    "conftest.py",
    "**/conftest.py",
    "pytest.ini",
    "**/pytest.ini",
    "tox.ini",
    "setup.cfg",
    "pyproject.toml",
    "**/pyproject.toml",
    "sitecustomize.py",
    "**/sitecustomize.py",
    "usercustomize.py",
    "**/usercustomize.py",
    "*.pth",
    "**/*.pth",
    "pytest.py",
    "_pytest/**",
    "unittest/**",
    ".git/**",
)

_IGNORED_NOISE = ("__pycache__", ".pytest_cache")


def _matches(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Glob match where `**/` also matches zero folders (so `**/*.py` matches `main.py`)."""
    pure = PurePosixPath(path)
    for pattern in patterns:
        if fnmatch.fnmatchcase(path, pattern) or pure.match(pattern):
            return True
        if pattern.startswith("**/") and _matches(path, (pattern[3:],)):
            return True
    return False


@dataclass(frozen=True)
class ChangeSet:
    """The agent's changes, split into what counts and what is set aside."""

    accepted: dict[str, bytes | None]
    """path -> new content, or None for a deleted file."""

    ignored: dict[str, str] = field(default_factory=dict)
    """path -> why the change does not count."""


def is_noise(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(part in _IGNORED_NOISE for part in parts) or path.endswith(".pyc")


def select_changes(
    pristine: dict[str, bytes],
    final: dict[str, bytes | None],
    source: tuple[str, ...] | list[str],
) -> ChangeSet:
    """Compare the agent's final tree with the pristine one and keep only source changes.

    `final` maps every path in the agent's repository to its bytes, or None for something
    that is not a regular file (a symlink, a device...), which never counts.
    """
    accepted: dict[str, bytes | None] = {}
    ignored: dict[str, str] = {}
    for path in sorted(set(pristine) | set(final)):
        if is_noise(path):
            continue
        before = pristine.get(path)
        present = path in final
        after = final.get(path)
        if present and after is None:
            ignored[path] = "not a regular file (symlinks and special files never count)"
            continue
        if present and before == after:
            continue
        if _matches(path, PROTECTED_PATTERNS):
            ignored[path] = "test, configuration or interpreter-hook file: not part of a fix"
        elif not _matches(path, source):
            ignored[path] = f"outside the fixture's source files ({', '.join(source)})"
        else:
            accepted[path] = after if present else None
    return ChangeSet(accepted=accepted, ignored=ignored)


def junit_name(test_id: str) -> tuple[str, str]:
    """`dir/test_x.py::TestC::test_y[p]` -> JUnit (classname `dir.test_x.TestC`, name `test_y[p]`)."""
    parts = test_id.split("::")
    module = parts[0].removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[1:-1]]), parts[-1]


class JUnitParseError(ValueError):
    pass


def parse_junit(xml_text: str) -> dict[tuple[str, str], Outcome]:
    """Per-test statuses from pytest's JUnit XML, keyed by (classname, name)."""
    try:
        xml = JUnitXml.fromstring(xml_text)
    except (JUnitXmlError, ValueError, SyntaxError) as ex:
        raise JUnitParseError(f"unreadable JUnit report: {ex}") from None
    suites = [xml] if xml._tag == "testsuite" else list(xml)
    statuses: dict[tuple[str, str], Outcome] = {}
    for suite in suites:
        for case in suite:
            result = case.result
            if any(isinstance(r, Error) for r in result):
                status = Outcome.ERROR
            elif any(isinstance(r, Failure) for r in result):
                status = Outcome.FAILED
            elif any(isinstance(r, Skipped) for r in result):
                status = Outcome.SKIPPED
            else:
                status = Outcome.PASSED
            key = (case.classname or "", case.name or "")
            # a test reported twice (e.g. a teardown error) keeps its worst status
            if statuses.get(key) not in (None, Outcome.PASSED):
                continue
            statuses[key] = status
    return statuses


def failure_messages(xml_text: str, test_ids: tuple[str, ...] | list[str], limit: int = 600) -> dict[str, str]:
    """Failure / error messages of the given test ids (a parametrized id without its parameter
    part matches none: ids are looked up exactly as JUnit names them)."""
    found = junit_messages(xml_text, limit)
    return {test_id: found[junit_name(test_id)] for test_id in test_ids if junit_name(test_id) in found}


def junit_messages(xml_text: str, limit: int = 600) -> dict[tuple[str, str], str]:
    """Failure / error messages per test (first lines), to explain a verdict in the log."""
    try:
        xml = JUnitXml.fromstring(xml_text)
    except (JUnitXmlError, ValueError, SyntaxError):
        return {}
    suites = [xml] if xml._tag == "testsuite" else list(xml)
    messages: dict[tuple[str, str], str] = {}
    for suite in suites:
        for case in suite:
            for result in case.result:
                if isinstance(result, (Failure, Error)):
                    text = (result.message or "") + "\n" + (result.text or "")
                    messages[(case.classname or "", case.name or "")] = text.strip()[-limit:]
    return messages


@dataclass(frozen=True)
class GradeReport:
    verdict: Verdict
    pass_rate: float
    tests: dict[str, str]
    """required test id -> status"""
    reason: str
    messages: dict[str, str] = field(default_factory=dict)
    """required test id -> the end of its failure or error message (why it did not pass)"""

    @property
    def resolved(self) -> bool:
        return self.verdict is Verdict.RESOLVED


def canary_tests(file_stem: str, names: tuple[str, str], values: tuple[int, int]) -> str:
    """Source of tests that can only fail: if the report says one passed, the report cannot be
    trusted (a broken or tampered test run). Names are random per run."""
    a, b = values
    return (
        f"def {names[0]}():\n    assert {a} == {b}\n\n\n"
        f"def {names[1]}():\n    raise RuntimeError('{file_stem}')\n"
    )


def grade(
    statuses: dict[tuple[str, str], Outcome] | None,
    fail_to_pass: tuple[str, ...] | list[str],
    pass_to_pass: tuple[str, ...] | list[str],
    exit_code: int | None,
    canaries: tuple[str, ...] | list[str] = (),
) -> GradeReport:
    """The verdict: resolved only when every required test passed and the runner agrees.

    `statuses` is None when no report was produced. The report and the exit code must tell the
    same story (pytest exits 0 exactly when nothing failed); when they do not, the run is
    not trusted and the fixture is unresolved. `canaries` are test ids that must fail: one
    reported otherwise means the report cannot be trusted.
    """
    required = [*fail_to_pass, *pass_to_pass]
    if statuses is None:
        tests = {test_id: Outcome.MISSING.value for test_id in required}
        return GradeReport(
            Verdict.UNRESOLVED,
            0.0,
            tests,
            f"the hidden test run produced no report (exit code {exit_code})",
        )
    tests = {
        test_id: statuses.get(junit_name(test_id), Outcome.MISSING).value
        for test_id in required
    }
    passed = sum(status == Outcome.PASSED.value for status in tests.values())
    pass_rate = passed / len(required) if required else 0.0
    broken = [c for c in canaries
              if statuses.get(junit_name(c)) not in (Outcome.FAILED, Outcome.ERROR)]  # fmt: skip
    if broken:
        return GradeReport(
            Verdict.UNRESOLVED, 0.0, tests,
            "the hidden test run was tampered with: a test that can only fail did not fail "
            f"({', '.join(broken)}): run not trusted",
        )  # fmt: skip
    any_failure = any(s in (Outcome.FAILED, Outcome.ERROR) for s in statuses.values())
    if exit_code == 0 and any_failure:
        return GradeReport(
            Verdict.UNRESOLVED, pass_rate, tests,
            "report and exit code disagree (exit 0 with failing tests): run not trusted",
        )  # fmt: skip
    if exit_code != 0 and not any_failure and exit_code != 1:
        return GradeReport(
            Verdict.UNRESOLVED, pass_rate, tests,
            f"test runner exited with code {exit_code} without a failing test: run not trusted",
        )  # fmt: skip
    if exit_code == 1 and not any_failure:
        return GradeReport(
            Verdict.UNRESOLVED, pass_rate, tests,
            "report and exit code disagree (exit 1 with no failing test): run not trusted",
        )  # fmt: skip
    failing = [t for t, s in tests.items() if s != Outcome.PASSED.value]
    if failing:
        return GradeReport(
            Verdict.UNRESOLVED, pass_rate, tests, f"{len(failing)} required test(s) not passing: "
            + ", ".join(failing[:5]),
        )  # fmt: skip
    return GradeReport(Verdict.RESOLVED, pass_rate, tests, "all required hidden tests pass")
