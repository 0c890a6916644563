"""The code under test as its own processes, run as the unprivileged user `app`.

Running as another user is what keeps the code away from the test process: it cannot signal
or trace pytest, read its environment (the database superuser's password), or open the hidden
tests, the JUnit report or the logs, which live under root-only folders. Every process it
starts goes in a session of its own, so a stop ends the whole tree; `kill_app_processes` ends
everything the user still runs (daemons that left their session included).
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(os.environ.get("EVALS_REPO", "/repo"))
APP_USER = os.environ.get("EVALS_APP_USER", "app")
START_TIMEOUT = 180.0
"""seconds a server may take to answer its health check (the grading machine may be busy)"""

_BASE_VARS = ("PATH", "LANG", "LC_ALL", "TZ")
_LOG_DIR: Path | None = None


def _as_app() -> bool:
    """Switch user only when there is one to switch to (root in the grader); elsewhere (a
    developer running a hidden test by hand) processes run as the caller."""
    if os.geteuid() != 0:
        return False
    try:
        import pwd

        pwd.getpwnam(APP_USER)
        return True
    except KeyError:
        return False


def _home() -> str:
    try:
        import pwd

        return pwd.getpwnam(APP_USER).pw_dir if _as_app() else os.environ.get("HOME", "/tmp")
    except KeyError:
        return "/tmp"


def app_env(**extra: str) -> dict[str, str]:
    """The environment of the code under test: the service variables the agent's container had
    (names in EVALS_APP_ENV), a PATH and a home; never the test process's own variables."""
    names = [n for n in os.environ.get("EVALS_APP_ENV", "").split(",") if n]
    env = {name: os.environ[name] for name in (*_BASE_VARS, *names) if name in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    env |= {"HOME": _home(), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return env | {k: str(v) for k, v in extra.items()}


def _log_file(name: str):
    """A file only root can open; the process gets a descriptor to write to it."""
    global _LOG_DIR
    if _LOG_DIR is None:
        _LOG_DIR = Path(tempfile.mkdtemp(prefix="gradekit-logs-"))
        _LOG_DIR.chmod(0o700)
    safe = "".join(c if c.isalnum() else "-" for c in name)[:40] or "process"
    return tempfile.NamedTemporaryFile("w+b", dir=_LOG_DIR, prefix=safe + "-", suffix=".log", delete=False)


def _popen_kwargs(env: dict[str, str] | None, cwd: Path | str | None) -> dict:
    kwargs: dict = {
        "cwd": str(cwd or REPO),
        "env": app_env() if env is None else env,
        "start_new_session": True,
        "close_fds": True,
    }
    if _as_app():
        kwargs |= {"user": APP_USER, "group": APP_USER, "extra_groups": [], "umask": 0o022}
    return kwargs


class AppProcess:
    """One started process of the code under test (and the session it leads)."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | str | None = None,
                 name: str | None = None) -> None:
        self.argv = [str(a) for a in argv]
        self._log = _log_file(name or Path(self.argv[0]).name)
        self.log_path = Path(self._log.name)
        self.popen = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            **_popen_kwargs(env, cwd),
        )
        self.pid = self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        """Everything the process (and its children) wrote to stdout and stderr so far."""
        self._log.flush()
        return self.log_path.read_bytes().decode("utf-8", "replace")

    def signal(self, sig: int = signal.SIGTERM) -> None:
        """Send `sig` to the process's whole session (its process group)."""
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float | None = None) -> int:
        return self.popen.wait(timeout=timeout)

    def stop(self, grace: float = 5.0) -> int | None:
        """SIGTERM to the group, SIGKILL after `grace` seconds; the exit code (None if it had to
        be killed)."""
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                return self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        return self.popen.returncode

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self) -> "AppProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<AppProcess {shlex.join(self.argv)[:80]} pid={self.pid}>"


def spawn(argv: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | str | None = None,
          name: str | None = None) -> AppProcess:
    """Start a long-running process of the code under test (a worker, a consumer)."""
    return AppProcess(argv, env=env, cwd=cwd, name=name)


def run(argv: Sequence[str], *, timeout: float = 120, env: dict[str, str] | None = None,
        cwd: Path | str | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run a command of the code under test to its end (a CLI, a migration): its exit code and
    output (stdout, stderr as text). Past `timeout` its whole session is killed and
    TimeoutError is raised with what it printed."""
    proc = subprocess.Popen(
        [str(a) for a in argv], stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        **_popen_kwargs(env, cwd),
    )
    try:
        out, err = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        raise TimeoutError(f"{shlex.join(map(str, argv))[:200]} did not finish in {timeout:.0f} s; "
                           f"it printed:\n{(out + err)[-2000:]}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def python(code: str, *, timeout: float = 120, env: dict[str, str] | None = None,
           cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """Run Python code in a fresh interpreter of the code under test, from the repository's root
    (so `import app` finds the repository): how a hidden test calls a library function or an
    init script as its own process."""
    return run(["python", "-c", code], timeout=timeout, env=env, cwd=cwd)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(AppProcess):
    """A web server of the code under test listening on 127.0.0.1:`port`."""

    def __init__(self, argv: Sequence[str], port: int, **kwargs) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        super().__init__([str(a).replace("{port}", str(port)) for a in argv], **kwargs)


@contextmanager
def serve(argv: Sequence[str], *, health: str = "/", env: dict[str, str] | None = None,
          cwd: Path | str | None = None, timeout: float = START_TIMEOUT, port: int | None = None,
          ready: tuple[int, ...] = (200,)) -> Iterator[Server]:
    """Start a server (`{port}` in `argv` is replaced by a free port), wait until `health`
    answers with a status in `ready`, yield it, and stop it (its whole session) afterwards.
    A server that exits or never becomes ready raises RuntimeError with its output."""
    from .http import wait_http

    server = Server(argv, port or free_port(), env=env, cwd=cwd, name=Path(str(argv[0])).name)
    try:
        wait_http(server.url + health, server, timeout=timeout, ready=ready)
        yield server
    finally:
        server.stop()


def uvicorn(target: str, *extra: str) -> list[str]:
    """Command line of an ASGI app under uvicorn (`module:attribute`)."""
    return ["python", "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", "{port}",
            "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "120", *extra]  # fmt: skip


def flask(target: str, *extra: str) -> list[str]:
    """Command line of a Flask app under its threaded development server."""
    return ["python", "-m", "flask", "--app", target, "run", "--host", "127.0.0.1", "--port", "{port}",
            "--no-reload", "--no-debugger", "--with-threads", *extra]  # fmt: skip


def django(manage: str = "manage.py", *extra: str) -> list[str]:
    """Command line of a Django project under runserver."""
    return ["python", manage, "runserver", "127.0.0.1:{port}", "--noreload", "--skip-checks", *extra]


def kill_app_processes() -> None:
    """SIGKILL every process the app user runs (what stopping sessions cannot reach: daemons that
    started sessions of their own)."""
    if not _as_app():
        return
    subprocess.run(["python3", "-c", "import os, signal; os.kill(-1, signal.SIGKILL)"],
                   user=APP_USER, group=APP_USER, extra_groups=[], env={"PATH": "/usr/bin:/bin"},
                   cwd="/", check=False)  # fmt: skip
    time.sleep(0.1)
