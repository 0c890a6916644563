"""Which of a codebase's visible tests a fixture's break can change, so that `evals validate`
runs only those on the starting repository instead of the whole suite.

Once per codebase and validation run, the visible suite runs on the correct codebase under
coverage (`evals/coverage_contexts.py` names each test's code): a `CoverageMap` says which
functions each test executed. A break changes some lines of some files; a test whose outcome
the break changes must execute changed code (until it does, it runs exactly as on the correct
codebase), so the tests to run are those that executed a changed function. Whenever that
argument does not hold, the whole suite runs (`affected` returns None):

* a changed line outside every function body (module or class level, a signature, a decorator):
  it runs at import, for every test;
* a changed function that code shared by many tests ran (a session fixture, an import);
* a changed file that is not Python, or a source file added or removed;
* a changed conftest.py or test helper.

Tests that start a process always run (coverage does not follow into it), and every test of a
test file the break edits.
"""

from __future__ import annotations

import ast
import difflib
import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fixtures import Fixture

SHARED = "<shared>"
"""the context `coverage_contexts.py` gives code shared by many tests"""
PYTEST_PREFIX = "python -m pytest"


@dataclass
class CoverageMap:
    """What the visible suite executed on the correct codebase."""

    tests: dict[str, set[str]] = field(default_factory=dict)
    """test node id -> "path::function" of every function it executed"""
    shared: set[str] = field(default_factory=set)
    """functions executed outside any single test (imports, wider-scoped fixtures)"""
    spawning: set[str] = field(default_factory=set)
    """tests that started a process"""

    @property
    def test_files(self) -> set[str]:
        return {test.split("::", 1)[0] for test in self.tests}


def supports_selection(visible_tests: str | None) -> bool:
    """A pytest suite (the command starts with `python -m pytest`) can be run test by test."""
    return bool(visible_tests) and visible_tests.strip().startswith(PYTEST_PREFIX)


def selected_command(visible_tests: str, tests: list[str]) -> str:
    """The visible suite's command, limited to these test node ids (or test files)."""
    return f"{visible_tests} {' '.join(shlex.quote(t) for t in tests)}"


def coverage_command(visible_tests: str, data_file: str, plugin_dir: str) -> str:
    """The visible suite under coverage, each test's code under its own context."""
    rest = visible_tests.strip()[len(PYTEST_PREFIX):]
    return (f"PYTHONPATH={shlex.quote(plugin_dir)} python -m coverage run --data-file={shlex.quote(data_file)} "
            f"--source=. -m pytest -p coverage_contexts{rest}")  # fmt: skip


def function_spans(source: str) -> list[tuple[int, int, str]]:
    """(first body line, last line, qualified name) of every function, innermost last."""
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                spans.append((child.body[0].lineno, child.end_lineno or child.body[-1].lineno, name))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return spans


def docstring_lines(source: str) -> set[int]:
    """Lines of the module's and the classes' docstrings (nothing runs them; a function's
    docstring is in its body, and FastAPI may show it)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines |= set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def enclosing_function(spans: list[tuple[int, int, str]], line: int) -> str | None:
    """The innermost function whose body holds this line (None: module or class level)."""
    inside = [s for s in spans if s[0] <= line <= s[1]]
    return max(inside, key=lambda s: s[0])[2] if inside else None


def changed_lines(before: str, after: str) -> set[int]:
    """Lines of `before` (1-based) that the change replaces or deletes, and for an insertion
    the lines on both sides of it (0 before the first line, len + 1 after the last)."""
    old, new = before.splitlines(), after.splitlines()
    lines: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        lines |= set(range(i1 + 1, i2 + 1)) if i2 > i1 else {i1, i1 + 1}
    return lines  # 0 or len(old) + 1 for an insertion at either end: outside every function


def parse_coverage(report: dict, sources: dict[str, str], spawning: set[str]) -> CoverageMap:
    """A `coverage json --show-contexts` report of the correct codebase -> CoverageMap.
    `sources` maps each measured file's repository path to its text."""
    found = CoverageMap(spawning=set(spawning))
    for path, data in report.get("files", {}).items():
        path = path.removeprefix("./")
        if path not in sources:
            continue
        spans = function_spans(sources[path])
        for line, contexts in data.get("contexts", {}).items():
            function = enclosing_function(spans, int(line))
            if function is None:
                continue
            key = f"{path}::{function}"
            for context in contexts:
                test = context.split("|", 1)[0]
                if test and test != SHARED:
                    found.tests.setdefault(test, set()).add(key)
                else:
                    found.shared.add(key)
    return found


def changed_files(codebase: Path, starting: Path) -> dict[str, tuple[str | None, str | None]]:
    """Files that differ between the correct codebase and the starting repository:
    path -> (text before, text after), None where the file is absent or not text."""
    from .hidden_run import read_tree

    def text(data: bytes | None) -> str | None:
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    a, b = read_tree(codebase), read_tree(starting)
    return {p: (text(a.get(p)), text(b.get(p))) for p in sorted(a.keys() | b.keys()) if a.get(p) != b.get(p)}


def affected(cover: CoverageMap, changes: dict[str, tuple[str | None, str | None]]) -> list[str] | None:
    """The visible tests (node ids, or whole test files) the change can affect, sorted;
    None when the whole suite must run (see the module docstring for when)."""
    chosen: set[str] = set(cover.spawning)
    test_files = cover.test_files
    deleted: set[str] = set()
    for path, (before, after) in changes.items():
        if path in test_files:
            (chosen if after is not None else deleted).add(path)
            continue
        if not path.endswith(".py") or before is None or after is None:
            return None
        if Path(path).name == "conftest.py" or path.split("/", 1)[0] in {p.split("/", 1)[0] for p in test_files}:
            return None  # a test helper or conftest: it can change any test
        try:
            spans, docstrings = function_spans(before), docstring_lines(before)
            ast.parse(after)
        except SyntaxError:
            return None
        functions = set()
        for line in changed_lines(before, after) - docstrings:
            function = enclosing_function(spans, line)
            if function is None:
                return None
            functions.add(f"{path}::{function}")
        if functions & cover.shared:
            return None
        chosen |= {test for test, ran in cover.tests.items() if ran & functions}
    order = sorted(cover.tests.keys() | cover.spawning)
    files = sorted(t for t in chosen if "::" not in t)
    return files + [t for t in order if t in chosen and t.split("::", 1)[0] not in {*files, *deleted}]


# ------------------------------------------------------------------------ in a grading container

_WORK = "/tmp/.evals-coverage"


async def measure(fixture: Fixture, codebase_dir: Path) -> CoverageMap:
    """The visible suite of the correct codebase under coverage, in a fresh grading environment
    of `fixture` with its break undone. Raises RuntimeError when the suite fails there."""
    from .grading_env import fresh_environment
    from .hidden_run import apply_files, run_visible_tests

    changes = changed_files(codebase_dir, fixture.repo_dir)
    undo: dict[str, bytes | None] = {
        p: (codebase_dir / p).read_bytes() if (codebase_dir / p).is_file() else None for p in changes
    }
    plugin = (Path(__file__).parent / "coverage_contexts.py").read_bytes()
    async with fresh_environment(fixture) as env:
        await apply_files(env.runner, undo)
        await env.runner.write_file(f"{_WORK}/coverage_contexts.py", plugin)
        await env.runner.exec(["chmod", "-R", "a+rwX", _WORK], timeout=60)
        assert fixture.visible_tests
        command = coverage_command(fixture.visible_tests, f"{_WORK}/data", _WORK)
        command += f" && python -m coverage json --data-file={_WORK}/data --show-contexts -q -o {_WORK}/cov.json"
        passed, output = await run_visible_tests(env, fixture, command=command,
                                                 extra_env={"EVALS_SUBPROCESS_TESTS": f"{_WORK}/spawning"})
        if not passed:
            raise RuntimeError(f"the visible suite did not pass on codebases/{fixture.codebase} under coverage: "
                               f"{output[-600:]}")
        report = json.loads(await env.runner.read_file(f"{_WORK}/cov.json"))
        try:
            spawning = set((await env.runner.read_file(f"{_WORK}/spawning")).split())
        except FileNotFoundError:
            spawning = set()
    report["files"] = {p.removeprefix("/repo/").removeprefix("./"): v for p, v in report.get("files", {}).items()}
    sources = {p: (codebase_dir / p).read_text(encoding="utf-8") for p in report["files"]
               if p.endswith(".py") and (codebase_dir / p).is_file()}  # fmt: skip
    return parse_coverage(report, sources, spawning)
