"""Driver commands: a few lines of the hidden test's own Python, run in a fresh interpreter of the
code under test (as user `app`, from the repository's root, like `gradekit.python`), that call
the code's library API (a consumer's `run_once`, a function of a module) and hand a JSON result
back to the test.

A driver is the code under test running as its own process: it may import the repository, the
test process never does. The code finds the test's arguments in `args` (decoded JSON) and sets
`result` (anything JSON can encode; other objects become their `str`). An uncaught exception
ends the process with its traceback, which `call` / `finish` raise as an AssertionError; catch
exceptions in the driver when the test judges them.

    from gradekit import driver

    handled = driver.call('''
    from app.consumer import Consumer
    result = Consumer(args["name"]).run_once()
    ''', {"name": "worker-0"})

    proc = driver.spawn(LOOP, {"name": "worker-1"})  # runs beside the test: signal it, wait for it
    ...
    outcome = driver.finish(proc)
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from .process import AppProcess, run
from .process import spawn as _spawn

MARK = "\x1egradekit-driver-result "
"""starts the line that carries the result (after whatever the code under test printed)"""

_PRELUDE = "import json as _gk_json, sys as _gk_sys\nargs = _gk_json.loads(_gk_sys.argv[1])\nresult = None\n"
_EPILOGUE = (
    "\n_gk_sys.stdout.flush()\n"
    f"print('\\n' + {MARK!r} + _gk_json.dumps(result, default=str), flush=True)\n"
)


def argv(code: str, args: Any = None) -> list[str]:
    """The command line of a driver: `python -c <code> <args as JSON>`."""
    return ["python", "-c", _PRELUDE + textwrap.dedent(code) + _EPILOGUE, json.dumps(args)]


def result_of(output: str, what: str = "the driver") -> Any:
    """The result a driver printed in `output` (AssertionError when there is none)."""
    at = output.rfind(MARK)
    if at < 0:
        raise AssertionError(f"{what} ended without a result; it printed:\n{output[-3000:]}")
    line = output[at + len(MARK):].split("\n", 1)[0]
    return json.loads(line)


def call(code: str, args: Any = None, *, timeout: float = 120, env: dict[str, str] | None = None,
         cwd: Path | str | None = None) -> Any:
    """Run a driver to its end and return its result; AssertionError (with its output) when it
    fails, TimeoutError past `timeout`."""
    done = run(argv(code, args), timeout=timeout, env=env, cwd=cwd)
    if done.returncode != 0:
        raise AssertionError(f"the driver exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}")
    return result_of(done.stdout + "\n" + done.stderr)


def spawn(code: str, args: Any = None, *, env: dict[str, str] | None = None, cwd: Path | str | None = None,
          name: str = "driver") -> AppProcess:
    """Start a driver beside the test (several at once, one to kill); `finish` collects it."""
    return _spawn(argv(code, args), env=env, cwd=cwd, name=name)


def finish(proc: AppProcess, timeout: float = 120) -> Any:
    """Wait for a spawned driver and return its result; AssertionError (with its output) when it
    failed or did not end in time (it is killed then)."""
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"{proc!r} did not finish in {timeout:.0f} s; it printed:\n{proc.output()[-3000:]}") from None
    if code != 0:
        raise AssertionError(f"{proc!r} exited with {code}:\n{proc.output()[-3000:]}")
    return result_of(proc.output(), repr(proc))
