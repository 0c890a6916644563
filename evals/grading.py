"""Grading as pure functions: which agent changes count, and test outcomes in, a verdict out.

Nothing here does I/O, so every rule is unit-testable on literal values:

* `select_changes` — of the agent's final repository, only changed source files count; tests,
  `conftest.py`, pytest/tox/setup configuration, `sitecustomize.py`, `.pth` files, symlinks and
  anything else outside the fixture's `source` globs are set aside (and reported);
* `parse_junit` — the JUnit XML that pytest writes, as `{test id: status}`;
* `grade` — the verdict from the per-test statuses and the runner's exit code, cross-checked.
"""

from __future__ import annotations

import ast
import copy
import fnmatch
import random
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

    @property
    def resolved(self) -> bool:
        return self.verdict is Verdict.RESOLVED


def canary_tests(file_stem: str, names: tuple[str, str], values: tuple[int, int]) -> str:
    """Source of tests that can only fail: if the report says one passed, the run was tampered
    with (code under test patching pytest in-process, say). Names are random per run."""
    a, b = values
    return (
        f"def {names[0]}():\n    assert {a} == {b}\n\n\n"
        f"def {names[1]}():\n    raise RuntimeError('{file_stem}')\n"
    )


MUTANT_SUFFIXES = ("again", "repeat", "twice", "also", "variant", "more", "extra", "other")


def _test_functions(tree: ast.Module) -> dict[str, tuple[ast.ClassDef | None, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """`name` or `Class::name` -> (class or None, function) for top-level tests and methods."""
    found: dict[str, tuple[ast.ClassDef | None, ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = (None, node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}::{item.name}"] = (node, item)
    return found


def _equality_asserts(fn: ast.AST) -> list[ast.Assert]:
    """`assert a == b` statements of a function body (not of nested functions or classes)."""
    found: list[ast.Assert] = []
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare)
                and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)):  # fmt: skip
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _mutant(fn: ast.FunctionDef | ast.AsyncFunctionDef, index: int, name: str, hits: str):
    """A copy of `fn` named `name` in which the `index`-th `assert a == b` becomes
    `assert a == object() and <record a hit>`, ending with `assert <a hit was recorded>`.

    Honest code fails it: nothing honest equals a fresh `object()`, and if that assertion is
    never reached the final one fails. It passes only if `a` claims to equal anything (canned
    answers), or if the report is forged without running it."""
    clone = copy.deepcopy(fn)
    clone.name = name
    target = _equality_asserts(clone)[index]
    compare = target.test
    assert isinstance(compare, ast.Compare)
    sentinel = ast.Call(func=ast.Name("object", ast.Load()), args=[], keywords=[])
    record = ast.Compare(
        left=ast.Call(
            func=ast.Attribute(ast.Name(hits, ast.Load()), "append", ast.Load()),
            args=[ast.Constant(1)], keywords=[],
        ),
        ops=[ast.Is()], comparators=[ast.Constant(None)],
    )  # fmt: skip
    target.test = ast.BoolOp(
        op=ast.And(), values=[ast.Compare(compare.left, [ast.Eq()], [sentinel]), record]
    )
    target.msg = None
    docstring = (
        clone.body[:1]
        if clone.body and isinstance(clone.body[0], ast.Expr) and isinstance(clone.body[0].value, ast.Constant)
        else []
    )
    start = ast.Assign(targets=[ast.Name(hits, ast.Store())], value=ast.List([], ast.Load()))
    clone.body = [*docstring, start, *clone.body[len(docstring):],
                  ast.Assert(test=ast.Name(hits, ast.Load()))]  # fmt: skip
    return clone


def plant_mutants(
    files: dict[str, bytes], required: list[str] | tuple[str, ...], limit: int, rng: random.Random
) -> tuple[dict[str, bytes], list[str]]:
    """Mutant canaries: copies of required hidden tests, each with one `assert a == b` turned
    into `a == object()`, appended to the test's own module (same imports, fixtures, class).

    Returns the new files and the mutants' test ids (without parameters). A mutant that passes
    means the code under test returned an object equal to anything, or the report was forged
    by something that could not tell the mutant from a real test: the run is not trusted.
    """
    candidates: list[tuple[str, str, int]] = []
    trees: dict[str, ast.Module] = {}
    for test_id in dict.fromkeys(required):
        file, _, rest = test_id.partition("::")
        key = "::".join(part.split("[", 1)[0] for part in rest.split("::"))
        if key.count("::") > 1 or file not in files:
            continue
        if file not in trees:
            try:
                trees[file] = ast.parse(files[file].decode("utf-8"))
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
        found = _test_functions(trees[file]).get(key)
        if found is None:
            continue
        for index in range(len(_equality_asserts(found[1]))):
            candidates.append((file, key, index))
    rng.shuffle(candidates)
    chosen: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for candidate in candidates:  # one per test first, then more of the same tests
        if (candidate[0], candidate[1]) not in seen and len(chosen) < limit:
            seen.add((candidate[0], candidate[1]))
            chosen.append(candidate)
    chosen += [c for c in candidates if c not in chosen][: max(0, limit - len(chosen))]
    result = dict(files)
    ids: list[str] = []
    additions: dict[str, list[str]] = {}
    for file, key, index in chosen:
        tree = trees[file]
        cls, fn = _test_functions(tree)[key]
        taken = set(_test_functions(tree)) | {i.rsplit("::", 1)[-1] for i in ids}
        name = next(
            f"{fn.name}_{word}{'' if n == 0 else n}"
            for n in range(1000) for word in rng.sample(MUTANT_SUFFIXES, len(MUTANT_SUFFIXES))
            if f"{fn.name}_{word}{'' if n == 0 else n}" not in taken
            and f"{cls.name + '::' if cls else ''}{fn.name}_{word}{'' if n == 0 else n}" not in taken
        )  # fmt: skip
        hits = f"_hits_{rng.randrange(16**8):08x}"
        clone = ast.fix_missing_locations(_mutant(fn, index, name, hits))
        code = ast.unparse(clone)
        if cls is not None:
            code += f"\n{cls.name}.{name} = {name}\ndel {name}"
        additions.setdefault(file, []).append(code)
        ids.append(f"{file}::{cls.name + '::' if cls else ''}{name}")
    for file, codes in additions.items():
        text = files[file].decode("utf-8")
        result[file] = (text.rstrip("\n") + "\n\n\n" + "\n\n\n".join(codes) + "\n").encode()
    return result, ids


def grade(
    statuses: dict[tuple[str, str], Outcome] | None,
    fail_to_pass: tuple[str, ...] | list[str],
    pass_to_pass: tuple[str, ...] | list[str],
    exit_code: int | None,
    canaries: tuple[str, ...] | list[str] = (),
    mutants: tuple[str, ...] | list[str] = (),
) -> GradeReport:
    """The verdict: resolved only when every required test passed and the runner agrees.

    `statuses` is None when no report was produced. The report and the exit code must tell the
    same story (pytest exits 0 exactly when nothing failed); when they do not, the run is
    not trusted and the fixture is unresolved. `canaries` are test ids that must fail: one
    reported otherwise means the report cannot be trusted. `mutants` (see `plant_mutants`, ids
    without parameters) must not pass: one that passed means canned answers or a forged report.
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
    for mutant in mutants:
        classname, name = junit_name(mutant)
        if any(status is Outcome.PASSED and key[0] == classname
               and (key[1] == name or key[1].startswith(name + "["))
               for key, status in statuses.items()):  # fmt: skip
            broken.append(mutant)
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
