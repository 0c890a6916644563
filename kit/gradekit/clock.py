"""A fake clock the test process sets and the code under test reads, for code whose time comes
from a clock it is given (`create_app(clock=...)`, a documented interface of the code).

The time lives in a file only root can write and the app user can read; the code under test
gets a zero-argument callable that reads it (`clock.expression()`, Python source to put in the
command that starts the server). The test moves time by writing the file (atomically), and
every process of the code under test that was given the clock sees the new time at its next
call: several servers share one clock.

    from gradekit.clock import FakeClock

    clock = FakeClock(1_700_000_017.4)
    code = f"import sys\\nfrom app.main import create_app\\nimport uvicorn\\n" \\
           f"uvicorn.run(create_app(clock={clock.expression()}), host='127.0.0.1', port=int(sys.argv[1]))"
    with gradekit.serve(["python", "-c", code, "{port}"], health="/health") as server:
        clock.now = 1_700_000_040.0
        ...
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class FakeClock:
    """Unix time as the test says (seconds, a float), for every process given `expression()`."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="gradekit-clock-"))
        self.dir.chmod(0o755)  # readable by the app user, writable by root only
        self.path = self.dir / "now"
        self._now = 0.0
        self.now = now

    @property
    def now(self) -> float:
        return self._now

    @now.setter
    def now(self, value: float) -> None:
        value = float(value)
        tmp = self.dir / f".now-{os.getpid()}"
        tmp.write_text(repr(value))
        tmp.chmod(0o644)
        os.replace(tmp, self.path)  # a reader sees the old time or the new one, never half of it
        self._now = value

    def advance(self, seconds: float) -> float:
        self.now = self._now + seconds
        return self._now

    def __call__(self) -> float:
        return self._now

    def expression(self) -> str:
        """Python source of a zero-argument callable returning the clock's time, for the code
        under test (e.g. `create_app(clock=<this>)` in the command that starts its server)."""
        return f"(lambda _path=__import__('pathlib').Path({str(self.path)!r}): float(_path.read_text()))"
