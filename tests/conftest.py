"""Inspect is loaded before any harness module, as `inspect eval` loads it before a task file:
the harness's errors derive from its `PrerequisiteError` only when it is loaded first
(`evals/errors.py`), so without this the order the test files are collected in decided what
`tests/test_bad_input.py` saw (`tests/test_cli.py` checks both orders in subprocesses)."""

import inspect_ai._util.error  # noqa: F401
