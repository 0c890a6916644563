"""A warm interpreter of the code under test's Python that starts every command as a fresh fork.

Starting a Python process of the code under test costs CPU before it does anything: the
interpreter, then the libraries it imports (psycopg and redis: ~0.3 CPU-s; SQLAlchemy, FastAPI,
Alembic: 0.5-1.5 CPU-s), every time. A hidden test that runs many short commands (driver calls,
`gradekit.python`) pays that for each. A fork server imports the third-party libraries once, as
the app user, then forks a child for every command: the child is a new process of the code under
test, as the app user, in a session of its own (signal it, kill it), with nothing of an earlier
command's memory, importing the repository's modules itself, started in milliseconds.

Preload third-party libraries only, never the repository's modules: each child imports the code
under test afresh, as a new interpreter would. What differs from `python -c ...` started anew:
the preloaded modules are already imported (once, from the repository's root, when the server
starts), every child has the server's environment and hash seed, and stdin is /dev/null.

    import gradekit
    from gradekit import driver, forkserver

    with forkserver.start(["psycopg", "redis", "fastapi", "uvicorn.main"]) as warm:
        done = warm.python("from app.db import init_db; init_db()")  # as gradekit.python
        handled = warm.call(CODE, {"name": "worker-0"})               # as driver.call
        proc = warm.spawn_driver(LOOP, {"name": "worker-1"})          # as driver.spawn
        outcome = driver.finish(proc)
        with warm.serve(gradekit.uvicorn("app.main:app"), health="/health") as server:
            ...                                                       # as gradekit.serve

Commands are `python -c CODE ARGS...`, `python -m MODULE ARGS...` or `python SCRIPT ARGS...`
argument lists (the first item, the interpreter, is ignored: the server's is used). A child's
output goes to a file only root can open, as with `gradekit.spawn`.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import driver
from .http import wait_http
from .process import START_TIMEOUT, _log_file, _popen_kwargs, free_port

_ZYGOTE = r'''
import json, os, select, signal, socket, sys

_sock = socket.socket(fileno=0)  # a SOCK_SEQPACKET socket to the test process
_preloaded, _failed = [], {}
for _name in json.loads(sys.argv[1]):
    try:
        __import__(_name)
        _preloaded.append(_name)
    except BaseException as _ex:  # the children import it themselves, and fail as they would
        _failed[_name] = repr(_ex)
_wake_r, _wake_w = os.pipe()
os.set_blocking(_wake_r, False)
os.set_blocking(_wake_w, False)
signal.set_wakeup_fd(_wake_w)
signal.signal(signal.SIGCHLD, lambda *_: None)
_children = {}


def _send(message):
    _sock.send(json.dumps(message).encode())


def _exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        print(code, file=sys.stderr)
    except BaseException:
        pass
    return 1


def _child(request, fds, started):
    code = 1
    try:
        os.setsid()
        os.write(started, b"s")  # its session exists: the test may signal it from now on
        os.close(started)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.close(_wake_r)
        os.close(_wake_w)
        _sock.detach()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[-1], 2)
        for fd in {null, *fds}:
            if fd > 2:
                os.close(fd)
        import types
        argv = request["argv"]
        main = types.ModuleType("__main__")
        main.__dict__["__builtins__"] = __builtins__
        sys.modules["__main__"] = main
        try:
            if argv[0] == "-c":
                sys.argv = ["-c", *argv[2:]]
                exec(compile(argv[1], "<string>", "exec"), main.__dict__)
            elif argv[0] == "-m":
                import runpy
                sys.argv = [argv[1], *argv[2:]]
                sys.path[0] = os.getcwd()
                runpy._run_module_as_main(argv[1])
            else:
                import runpy
                sys.argv = list(argv)
                sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))
                runpy.run_path(argv[0], run_name="__main__")
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:
            kind, exc, tb = sys.exc_info()
            sys.excepthook(kind, exc, tb.tb_next or tb)  # without this function's frame
            code = 1
        # what the interpreter does at its end: join the threads, run atexit, flush
        if "threading" in sys.modules:
            try:
                sys.modules["threading"]._shutdown()
            except BaseException:
                pass
        import atexit
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
    except BaseException:  # the child could not be set up
        try:
            import traceback
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        os._exit(code)


_send({"ready": True, "pid": os.getpid(), "preloaded": _preloaded, "failed": _failed})
while True:
    readable, _, _ = select.select([_sock, _wake_r], [], [])
    if _wake_r in readable:
        try:
            while os.read(_wake_r, 512):
                pass
        except BlockingIOError:
            pass
    while _children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        _send({"id": _children.pop(pid), "exit": os.waitstatus_to_exitcode(status)})
    if _sock in readable:
        message, fds, _, _ = socket.recv_fds(_sock, 1 << 20, 4)
        if not message:
            break
        request = json.loads(message)
        sys.stdout.flush()
        sys.stderr.flush()
        started_r, started_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(started_r)
            _child(request, fds, started_w)
        os.close(started_w)
        os.read(started_r, 1)  # b"" when the child died before
        os.close(started_r)
        for fd in fds:
            os.close(fd)
        _children[pid] = request["id"]
        _send({"id": request["id"], "pid": pid})
for pid in _children:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
'''


class ForkServerGone(RuntimeError):
    """The fork server is no longer running (something killed it)."""


class _Returncode:
    """`popen.returncode` for code that reads it off an AppProcess (wait_http's messages)."""

    def __init__(self, proc: "ForkedProcess") -> None:
        self._proc = proc

    @property
    def returncode(self) -> int | None:
        return self._proc.returncode


class ForkedProcess:
    """A command forked by the server: the interface of `gradekit.AppProcess` (its output in a
    file only root can open; `signal` reaches its whole session)."""

    def __init__(self, argv: Sequence[str], name: str, logs: list) -> None:
        self.argv = [str(a) for a in argv]
        self.name = name
        self._logs = logs
        self._log = logs[0]
        self.log_path = Path(self._log.name)
        self.pid = 0
        self.returncode: int | None = None
        self._started = threading.Event()
        self._ended = threading.Event()
        self.popen = _Returncode(self)

    def _ended_with(self, code: int) -> None:
        self.returncode = code
        self._ended.set()

    def alive(self) -> bool:
        return not self._ended.is_set()

    def output(self) -> str:
        """Everything the process (and its children) wrote to stdout and stderr so far."""
        self._log.flush()
        return self.log_path.read_bytes().decode("utf-8", "replace")

    def signal(self, sig: int = signal.SIGTERM) -> None:
        """Send `sig` to the process's whole session (its process group)."""
        if self.pid and self.alive():
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.argv, timeout)
        assert self.returncode is not None
        return self.returncode

    def stop(self, grace: float = 5.0) -> int | None:
        """SIGTERM to the group, SIGKILL after `grace` seconds; the exit code."""
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                return self.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        return self.returncode

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        try:
            self.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self) -> "ForkedProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ForkedProcess {shlex.join(self.argv)[:80]} pid={self.pid}>"


class ForkedServer(ForkedProcess):
    """A forked web server listening on 127.0.0.1:`port` (the interface of `gradekit.Server`)."""

    def __init__(self, argv: Sequence[str], name: str, logs: list, port: int) -> None:
        super().__init__(argv, name, logs)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


class ForkServer:
    """One warm interpreter (a process of the app user) and the commands it forked."""

    def __init__(self, preload: Sequence[str] = (), *, env: dict[str, str] | None = None,
                 cwd: Path | str | None = None, timeout: float = START_TIMEOUT) -> None:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._log = _log_file("forkserver")
        try:
            self.popen = subprocess.Popen(
                ["python", "-c", _ZYGOTE, json.dumps(list(preload))], stdin=theirs.fileno(),
                stdout=self._log, stderr=subprocess.STDOUT, **_popen_kwargs(env, cwd),
            )
        finally:
            theirs.close()
        self._sock = mine
        self._send_lock = threading.Lock()
        self._ids = iter(range(1, 1 << 62))
        self._procs: dict[int, ForkedProcess] = {}
        self._gone = False
        mine.settimeout(timeout)
        try:
            ready = json.loads(mine.recv(1 << 16) or b"{}")
        except (TimeoutError, OSError, ValueError):
            ready = {}
        if not ready.get("ready"):
            self.popen.kill()
            raise RuntimeError(f"the fork server did not start:\n{self.output()[-3000:]}")
        mine.settimeout(None)
        self.preloaded: list[str] = ready["preloaded"]
        self.failed: dict[str, str] = ready["failed"]
        self._reader = threading.Thread(target=self._read, name="forkserver-reader", daemon=True)
        self._reader.start()

    # --- the server --------------------------------------------------------------------------

    def output(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_bytes().decode("utf-8", "replace")

    def _read(self) -> None:
        try:
            while True:
                message = self._sock.recv(1 << 16)
                if not message:
                    break
                event = json.loads(message)
                proc = self._procs.get(event["id"])
                if proc is None:
                    continue
                if "pid" in event:
                    proc.pid = event["pid"]
                    proc._started.set()
                elif "exit" in event:
                    self._procs.pop(event["id"], None)
                    proc._ended_with(event["exit"])
        except OSError:
            pass
        finally:
            self._gone = True
            for proc in list(self._procs.values()):
                proc._started.set()
                threading.Thread(target=self._orphaned, args=(proc,), daemon=True).start()

    @staticmethod
    def _orphaned(proc: ForkedProcess) -> None:
        """The server died: the exit code of its children is lost; wait until they are gone."""
        while proc.pid and Path(f"/proc/{proc.pid}").exists():
            try:
                state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                break
            if state in ("Z", "X"):
                break
            time.sleep(0.05)
        proc._ended_with(255)

    def _fork(self, argv: Sequence[str], name: str, logs: list, port: int | None = None) -> ForkedProcess:
        argv = [str(a) for a in argv]
        if not argv or not Path(argv[0]).name.startswith("python"):
            raise ValueError(f"a fork server runs Python commands only, not {argv[:1]}")
        option = argv[1] if len(argv) > 1 and argv[1].startswith("-") else None
        if len(argv) < 2 or option not in (None, "-c", "-m") or (option and len(argv) < 3):
            raise ValueError(f"a fork server runs `python -c CODE`, `python -m MODULE` or `python SCRIPT`: {argv[:2]}")
        proc = ForkedProcess(argv, name, logs) if port is None else ForkedServer(argv, name, logs, port)
        if self._gone:
            raise ForkServerGone(f"the fork server is gone; it printed:\n{self.output()[-3000:]}")
        with self._send_lock:
            ident = next(self._ids)
            self._procs[ident] = proc
            message = json.dumps({"id": ident, "argv": argv[1:]}).encode()
            try:
                socket.send_fds(self._sock, [message], [log.fileno() for log in logs])
            except OSError as ex:
                self._procs.pop(ident, None)
                raise ForkServerGone(f"the fork server is gone ({ex}); it printed:\n{self.output()[-3000:]}") from None
        if not proc._started.wait(60) or not proc.pid:
            raise ForkServerGone(f"the fork server did not start {proc!r}; it printed:\n{self.output()[-3000:]}")
        return proc

    def close(self) -> None:
        """Kill every command still running, then the server."""
        for proc in list(self._procs.values()):
            proc.signal(signal.SIGKILL)
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)

    def __enter__(self) -> "ForkServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what gradekit.process offers, forked ---------------------------------------------------

    def spawn(self, argv: Sequence[str], *, name: str | None = None) -> ForkedProcess:
        """Start a long-running command (a worker, a consumer, a driver loop) beside the test."""
        label = name or (argv[2] if len(argv) > 2 and argv[1] == "-m" else Path(str(argv[0])).name)
        return self._fork(argv, label, [_log_file(label)])

    def run(self, argv: Sequence[str], *, timeout: float = 120, input: None = None) -> subprocess.CompletedProcess:
        """Run a command to its end: its exit code, stdout and stderr (as `gradekit.run`). Past
        `timeout` its whole session is killed and TimeoutError is raised with what it printed."""
        if input is not None:
            raise ValueError("a forked command's stdin is /dev/null")
        out, err = _log_file("run-out"), _log_file("run-err")
        proc = self._fork(argv, "run", [out, err])
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            printed = _read(out) + _read(err)
            raise TimeoutError(f"{shlex.join(proc.argv)[:200]} did not finish in {timeout:.0f} s; "
                               f"it printed:\n{printed[-2000:]}") from None  # fmt: skip
        return subprocess.CompletedProcess(proc.argv, code, _read(out), _read(err))

    def python(self, code: str, *, timeout: float = 120) -> subprocess.CompletedProcess:
        """`gradekit.python`, forked."""
        return self.run(["python", "-c", code], timeout=timeout)

    @contextmanager
    def serve(self, argv: Sequence[str], *, health: str = "/", timeout: float = START_TIMEOUT,
              port: int | None = None, ready: tuple[int, ...] = (200,)) -> Iterator[ForkedServer]:
        """`gradekit.serve`, forked: start a server (`{port}` in `argv` is replaced by a free
        port), wait until `health` answers with a status in `ready`, yield it, stop it (its whole
        session) afterwards. RuntimeError with its output when it exits or is never ready."""
        port = port or free_port()
        argv = [str(a).replace("{port}", str(port)) for a in argv]
        label = argv[2] if len(argv) > 2 and argv[1] == "-m" else Path(argv[1] if len(argv) > 1 else argv[0]).name
        server = self._fork(argv, label, [_log_file(label)], port)
        assert isinstance(server, ForkedServer)
        try:
            wait_http(server.url + health, server, timeout=timeout, ready=ready)
            yield server
        finally:
            server.stop()

    # --- what gradekit.driver offers, forked ----------------------------------------------------

    def call(self, code: str, args: Any = None, *, timeout: float = 120) -> Any:
        """`driver.call`, forked: the driver's result; AssertionError (with its output) when it
        fails, TimeoutError past `timeout`."""
        done = self.run(driver.argv(code, args), timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"the driver exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}")
        return driver.result_of(done.stdout + "\n" + done.stderr)

    def spawn_driver(self, code: str, args: Any = None, *, name: str = "driver") -> ForkedProcess:
        """`driver.spawn`, forked; collect it with `driver.finish`."""
        return self.spawn(driver.argv(code, args), name=name)


def _read(log) -> str:
    log.flush()
    return Path(log.name).read_bytes().decode("utf-8", "replace")


@contextmanager
def start(preload: Sequence[str] = (), *, env: dict[str, str] | None = None,
          cwd: Path | str | None = None) -> Iterator[ForkServer]:
    """A fork server with `preload` (third-party modules) imported, as the app user with the
    environment of the code under test (`env`, default `gradekit.app_env()`) from the
    repository's root (`cwd`); every command it still runs is killed at the end."""
    server = ForkServer(preload, env=env, cwd=cwd)
    try:
        yield server
    finally:
        server.close()
