"""pytest plugin for a codebase's visible suite while `evals.affected_tests` maps which test runs
which code. It runs INSIDE the grading container, under `coverage run` (the harness copies this
file there; it never imports it).

Each test's own code (its call, its function-scoped fixtures) is measured under the test's node
id; code that many tests share (fixtures of a wider scope, the finalizers that run when a module
or the session ends) under `<shared>`; imports during collection under coverage's empty context.
Tests that start a process (whose code coverage does not follow) are written to the file named
by EVALS_SUBPROCESS_TESTS.
"""

from __future__ import annotations

import os
import subprocess

import coverage
import pytest

SHARED = "<shared>"
_now = [""]


def _switch(context: str) -> None:
    cov = coverage.Coverage.current()
    if cov is not None:
        cov.switch_context(context)


def _note_process() -> None:
    if _now[0] and _now[0] != SHARED:
        with open(os.environ["EVALS_SUBPROCESS_TESTS"], "a", encoding="utf-8") as out:
            out.write(_now[0] + "\n")


_popen_init = subprocess.Popen.__init__
_fork = os.fork


def _popen(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    _note_process()
    return _popen_init(self, *args, **kwargs)


def _forked():  # type: ignore[no-untyped-def]
    _note_process()
    return _fork()


subprocess.Popen.__init__ = _popen  # type: ignore[method-assign]
os.fork = _forked


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    _now[0] = item.nodeid
    _switch(item.nodeid)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # type: ignore[no-untyped-def]
    # the finalizers of module- and session-scoped fixtures run in the last test's teardown
    ends_scope = nextitem is None or nextitem.module is not item.module
    _now[0] = SHARED if ends_scope else item.nodeid
    _switch(_now[0])
    yield
    _now[0] = ""
    _switch("")


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):  # type: ignore[no-untyped-def]
    if fixturedef.scope == "function":
        yield
        return
    before = _now[0]
    _now[0] = SHARED
    _switch(SHARED)
    try:
        yield
    finally:
        _now[0] = before
        _switch(before)
