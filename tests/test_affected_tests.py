"""`evals.affected_tests`: the visible tests a break can change, and when the whole suite must run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

# only evals.affected_tests at import: loading evals.fixtures (and so evals.errors) before Inspect
# would give the harness's errors another base class for every later test module
from evals.affected_tests import CoverageMap, affected, changed_lines, selected_command

DATA = Path(__file__).parent / "data"
CODEBASE = DATA / "codebases" / "tally" / "repo"

SOURCE = '''"""Orders."""
import os


def price(x):
    """Net price."""
    y = x + 1
    return y


class Repo:
    """Storage."""

    def get(self):
        return 1

    @staticmethod
    def put(v=1):
        return v
'''
COVER = CoverageMap(
    tests={"tests/test_a.py::test_price": {"app/x.py::price"}, "tests/test_a.py::test_get": {"app/x.py::Repo.get"},
           "tests/test_b.py::test_put": {"app/x.py::Repo.put"}},
    spawning={"tests/test_b.py::test_cli"},
)


def change(after: str, cover: CoverageMap = COVER) -> list[str] | None:
    return affected(cover, {"app/x.py": (SOURCE, after)})


def test_a_change_inside_a_function_selects_the_tests_that_ran_it_and_those_that_start_processes():
    assert change(SOURCE.replace("y = x + 1", "y = x + 2")) == ["tests/test_a.py::test_price", "tests/test_b.py::test_cli"]
    assert change(SOURCE.replace("return 1", "return 2")) == ["tests/test_a.py::test_get", "tests/test_b.py::test_cli"]
    assert change(SOURCE.replace("Net price.", "Gross.")) == ["tests/test_a.py::test_price", "tests/test_b.py::test_cli"]


def test_a_docstring_of_the_module_or_a_class_changes_no_test():
    assert change(SOURCE.replace('"""Orders."""', '"""Orders, and more."""')) == ["tests/test_b.py::test_cli"]
    assert change(SOURCE.replace("Storage.", "Where orders live.")) == ["tests/test_b.py::test_cli"]


@pytest.mark.parametrize("after", [
    SOURCE.replace("def put(v=1)", "def put(v=2)"),           # a signature: defaults run at import
    SOURCE.replace("    @staticmethod\n", ""),                # a decorator
    SOURCE.replace("import os\n", ""),                         # an import: any function may use it
    SOURCE + "\nLIMIT = 3\n",                                  # new module-level code at the end
    SOURCE.replace("def price(x):", "def helper():\n    return 2\n\n\ndef price(x):"),  # a new function
    SOURCE.replace("return y", "return y +"),                  # no longer parses
], ids=["signature", "decorator", "import", "appended", "new-function", "syntax-error"])
def test_changes_outside_function_bodies_run_the_whole_suite(after):
    assert change(after) is None


def test_the_whole_suite_runs_for_shared_code_helpers_and_other_files():
    shared = CoverageMap(tests=COVER.tests, shared={"app/x.py::price"})
    assert change(SOURCE.replace("y = x + 1", "y = x + 2"), shared) is None  # a session fixture ran it
    assert affected(COVER, {"tests/conftest.py": ("a = 1\n", "a = 2\n")}) is None
    assert affected(COVER, {"tests/helpers.py": ("a = 1\n", "a = 2\n")}) is None
    assert affected(COVER, {"alembic.ini": ("[a]\n", "[b]\n")}) is None
    assert affected(COVER, {"app/new.py": (None, "a = 1\n")}) is None


def test_an_edited_test_file_runs_whole_and_a_deleted_one_not_at_all():
    assert affected(COVER, {"tests/test_a.py": ("x\n", "y\n")}) == ["tests/test_a.py", "tests/test_b.py::test_cli"]
    assert affected(COVER, {"tests/test_a.py": ("x\n", None)}) == ["tests/test_b.py::test_cli"]
    source_too = {"tests/test_a.py": ("x\n", None), "app/x.py": (SOURCE, SOURCE.replace("return 1", "return 2"))}
    assert affected(COVER, source_too) == ["tests/test_b.py::test_cli"]  # test_get went with its file


def test_insertions_count_the_lines_on_both_sides():
    assert changed_lines("a\nb\n", "a\nx\nb\n") == {1, 2}
    assert changed_lines("a\nb\n", "a\nb\nx\n") == {2, 3}  # 3: past the end, outside every function
    assert changed_lines("a\nb\n", "a\n") == {2}


def test_selected_tests_are_quoted_for_the_shell():
    assert selected_command("python -m pytest -q", ["tests/t.py::test[a b]"]) == "python -m pytest -q 'tests/t.py::test[a b]'"


@pytest.mark.docker
def test_the_map_of_a_real_suite_names_what_each_test_ran():
    """Measured by coverage in a grading container of the toy codebase: each test's own
    functions, what a change to one of them selects, and that the break's own edit of the visible
    test file runs that file whole."""
    from evals.affected_tests import measure
    from evals.fixtures import load_family
    from evals.images import ensure_images

    (fixture,) = load_family(DATA / "families" / "shared_code")
    ensure_images([fixture], log=lambda _: None)
    cover = asyncio.run(measure(fixture, CODEBASE))
    ran = {test: {f for f in functions if f.startswith("app/")} for test, functions in cover.tests.items()}
    assert ran == {"tests/test_stats.py::test_total": {"app/stats.py::total"},
                   "tests/test_stats.py::test_mean": {"app/stats.py::mean", "app/stats.py::total"},
                   "tests/test_stats.py::test_mean_of_nothing": {"app/stats.py::mean"}}
    assert "tests/test_stats.py::test_total" in cover.tests["tests/test_stats.py::test_total"]  # its own code too
    assert not cover.shared and not cover.spawning
    stats = (CODEBASE / "app" / "stats.py").read_text()
    assert affected(cover, {"app/stats.py": (stats, stats.replace("return sum(items)", "return sum(items) + 0"))}) \
        == ["tests/test_stats.py::test_mean", "tests/test_stats.py::test_total"]
    # by function, not by line: test_mean ran mean() too, if not that line
    assert affected(cover, {"app/stats.py": (stats, stats.replace("return 0", "return None"))}) \
        == ["tests/test_stats.py::test_mean", "tests/test_stats.py::test_mean_of_nothing"]
