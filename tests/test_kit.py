"""The hidden tests' kit (kit/gradekit), its pure parts, on the host: every fixture's hidden tests
exercise the rest in the grading container (`evals validate`)."""

from __future__ import annotations

import subprocess
import time
import sys
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1] / "kit"
sys.path.insert(0, str(KIT))

from gradekit import driver, pg  # noqa: E402
from gradekit.clock import FakeClock  # noqa: E402
from gradekit.process import app_env  # noqa: E402


def test_database_urls_in_either_spelling():
    url = pg.parse("postgresql+psycopg://app:p%40ss@db:5432/app")
    assert (url.user, url.password, url.host, url.port, url.database) == ("app", "p@ss", "db", 5432, "app")
    assert url.dsn() == "postgresql://app:p%40ss@db:5432/app"
    assert url.dsn("postgres", "s3cret", "postgres") == "postgresql://postgres:s3cret@db:5432/postgres"
    assert pg.parse("postgres://u:p@h/d").port == 5432


def test_work_counts_statements_that_did_work():
    work = pg.Work([
        pg.Statement("BEGIN", 3, 0, 0), pg.Statement("show standard_conforming_strings", 1, 1, 0),
        pg.Statement("SELECT * FROM users WHERE email = $1", 2, 2, 8),
        pg.Statement("FETCH FORWARD 100 FROM c1", 4, 400, 60), pg.Statement("COMMIT", 3, 0, 0),
    ])  # fmt: skip
    assert (work.calls, work.rows, work.blocks, len(work)) == (6, 403, 68, 6)
    assert work.heaviest(r"\busers\b").blocks_per_call == 4
    assert "FETCH" in work.summary() and "BEGIN" not in work.summary()
    with pytest.raises(AssertionError, match="no statement matching"):
        work.heaviest(r"\borders\b")


def test_the_code_under_test_gets_only_the_services_variables(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:app@db/app")
    monkeypatch.setenv("EVALS_APP_ENV", "DATABASE_URL")
    monkeypatch.setenv("EVALS_PG_PASSWORD", "secret")
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "x")
    env = app_env(FEATURE="on")
    assert env["DATABASE_URL"] == "postgresql://app:app@db/app" and env["FEATURE"] == "on"
    assert "PATH" in env and "HOME" in env
    assert not {"EVALS_PG_PASSWORD", "EVALS_APP_ENV", "PYTEST_CURRENT_TEST"} & set(env)


def test_a_driver_hands_its_result_back_after_whatever_the_code_printed():
    argv = driver.argv("print('noise'); result = {'sum': sum(args)}", [1, 2, 3])
    done = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("noise") and driver.result_of(done.stdout) == {"sum": 6}
    with pytest.raises(AssertionError, match="without a result"):
        driver.result_of("Traceback ...")


def test_a_fake_clock_is_read_by_other_processes():
    clock = FakeClock(1_700_000_000.5)
    clock.advance(60)
    read = f"print(({clock.expression()})())"
    assert float(subprocess.run([sys.executable, "-c", read], capture_output=True, text=True).stdout) == 1_700_000_060.5


# --- the fork server and what uses it (run as the caller here: no `app` user to switch to) -----


@pytest.fixture()
def warm(tmp_path, monkeypatch):
    """A fork server whose `python` is this interpreter, started in an empty folder (as the
    caller, whatever users the machine has)."""
    from gradekit import forkserver, process

    monkeypatch.setattr(process, "APP_USER", "no-such-user-for-gradekit-tests")

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    with forkserver.start(["json", "no_such_module_here"], cwd=tmp_path) as server:
        yield server


def test_a_forked_command_reports_its_output_and_exit_code_like_a_process_of_its_own(warm):
    assert warm.preloaded == ["json"] and "no_such_module_here" in warm.failed
    done = warm.python("import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)")
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    done = warm.python("import sys; sys.exit('bye')")
    assert (done.returncode, done.stderr) == (1, "bye\n")
    done = warm.python("raise KeyError('boom')")
    assert done.returncode == 1 and "Traceback" in done.stderr and "KeyError: 'boom'" in done.stderr
    done = warm.run(["python", "-c", "import sys; print(sys.argv)", "a", "b"])
    assert done.stdout == "['-c', 'a', 'b']\n"
    # what the interpreter does at its end: join the threads, run atexit
    done = warm.python("import atexit, threading, time\n"
                       "atexit.register(print, 'atexit')\n"
                       "threading.Thread(target=lambda: (time.sleep(0.2), print('thread'))).start()")
    assert done.stdout == "thread\natexit\n"
    for wrong in (["sh", "-c", "true"], ["python"], ["python", "-c"], ["python", "-X", "dev", "x.py"]):
        with pytest.raises(ValueError):
            warm.run(wrong)


def test_forked_commands_share_nothing_but_the_preloaded_imports(warm, tmp_path):
    (tmp_path / "mod.py").write_text("COUNT = []\n")
    code = ("import json, mod; mod.COUNT.append(1); json.TOUCHED = getattr(json, 'TOUCHED', 0) + 1\n"
            "print(len(mod.COUNT), json.TOUCHED)")
    assert [warm.python(code).stdout for _ in range(2)] == ["1 1\n", "1 1\n"]
    done = warm.python("import sys; print('json' in sys.modules, 'mod' in sys.modules)")
    assert done.stdout == "True False\n"


def test_a_forked_driver_hands_its_result_back(warm):
    assert warm.call("result = {'sum': sum(args)}", [1, 2, 3]) == {"sum": 6}
    with pytest.raises(AssertionError, match="exited with 1"):
        warm.call("raise RuntimeError('no')")
    proc = warm.spawn_driver("import time; time.sleep(0.2); result = args", "late")
    assert driver.finish(proc, timeout=30) == "late"


def test_a_forked_process_is_signalled_with_its_whole_session(warm):
    import signal as signals
    import time

    proc = warm.spawn(["python", "-c", "import subprocess, time\n"
                       "child = subprocess.Popen(['sleep', '60']); print(child.pid, flush=True); time.sleep(60)"])
    deadline = time.monotonic() + 30
    while not proc.output().strip() and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(proc.output().split()[0])
    proc.signal(signals.SIGTERM)
    assert proc.wait(timeout=30) == -signals.SIGTERM
    deadline = time.monotonic() + 10
    while Path(f"/proc/{grandchild}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{grandchild}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            break
        time.sleep(0.05)
    else:
        assert not Path(f"/proc/{grandchild}").exists(), "the signal did not reach the whole session"
    with pytest.raises(TimeoutError, match="did not finish"):
        warm.run(["python", "-c", "import time; time.sleep(60)"], timeout=0.5)


def test_a_forked_server_is_served_and_stopped(warm):
    import httpx

    with warm.serve(["python", "-m", "http.server", "{port}", "--bind", "127.0.0.1"], health="/") as server:
        assert httpx.get(server.url + "/").status_code == 200 and server.alive()
    assert not server.alive()


def test_a_dead_fork_server_is_reported(warm):
    from gradekit import forkserver

    warm.popen.kill()
    warm.popen.wait()
    with pytest.raises(forkserver.ForkServerGone):
        for _ in range(50):  # the reader notices the closed socket shortly after
            warm.python("pass")


def test_migration_commands_are_forked_when_they_are_python_programs(warm, tmp_path, monkeypatch):
    from gradekit import migrate, process

    monkeypatch.setattr(process, "REPO", tmp_path)

    script = tmp_path / "bin" / "tool"
    script.write_text(f"#!{tmp_path}/bin/python3\nimport sys\nprint('tool', sys.argv[1:])\n")
    script.chmod(0o755)
    (tmp_path / "bin" / "shell-tool").write_text("#!/bin/sh\necho shell\n")
    (tmp_path / "bin" / "shell-tool").chmod(0o755)
    (tmp_path / "bin" / "python3").symlink_to("python")
    (tmp_path / "bin" / "other").write_text("#!/usr/bin/python3\nprint('not this interpreter')\n")
    (tmp_path / "bin" / "other").chmod(0o755)
    assert migrate._as_python(["python", "manage.py", "migrate"]) == ["python", "manage.py", "migrate"]
    assert migrate._as_python(["python3", "-m", "x"]) == ["python", "-m", "x"]
    assert migrate._as_python(["other"]) is None
    assert migrate._as_python(["tool", "x"]) == ["python", str(script), "x"]
    assert migrate._as_python(["shell-tool"]) is None
    migrate._WARM.append(warm)
    try:
        assert migrate.execute(["tool", "x"]).stdout == "tool ['x']\n"
        assert migrate.execute(["shell-tool"], timeout=30).stdout == "shell\n"
        with pytest.raises(migrate.CommandFailed, match="exited with 2"):
            migrate.command(["python", "-c", "raise SystemExit(2)"])
    finally:
        migrate._WARM.remove(warm)


def test_a_journey_runs_each_step_once_and_repeats_a_failure():
    from gradekit.migrate import Journey

    ran = []

    def step(name, fail=False):
        def run():
            ran.append(name)
            if fail:
                raise AssertionError(f"{name} failed")
            return name.upper()
        return run

    journey = Journey([("a", step("a")), ("b", step("b")), ("c", step("c", fail=True)), ("d", step("d"))])
    assert journey.reach("b") == "B" and journey.reach("b") == "B" and ran == ["a", "b"]
    for target in ("c", "d", "c"):
        with pytest.raises(AssertionError, match="c failed"):
            journey.reach(target)
    assert ran == ["a", "b", "c"] and journey.value("a") == "A"
    assert journey.reach("b") == "B" and ran == ["a", "b", "c", "a", "b"]  # the failed step's leftovers: start over
    assert journey.reach("a") == "A" and ran == ["a", "b", "c", "a", "b", "a"]


def test_a_proxy_refuses_stalls_and_restores_a_dependency(monkeypatch):
    """gradekit.proxy between a client and a real TCP server: the URL points at the proxy, an
    outage refuses new connections and closes open ones, a stall holds the bytes, both end."""
    import socket
    import threading

    from gradekit import proxy

    upstream = socket.create_server(("127.0.0.1", 0))

    def echo() -> None:
        while True:
            try:
                conn, _ = upstream.accept()
            except OSError:
                return
            threading.Thread(target=lambda c=conn: [c.sendall(d) for d in iter(lambda: c.recv(1024), b"")],
                             daemon=True).start()  # fmt: skip

    threading.Thread(target=echo, daemon=True).start()
    monkeypatch.setenv("REDIS_URL", f"redis://:secret@127.0.0.1:{upstream.getsockname()[1]}/2")
    with proxy.proxies(redis=("REDIS_URL", 6379)) as proxied:
        port = proxied["redis"].port
        assert proxied.urls["redis"] == f"redis://:secret@127.0.0.1:{port}/2"

        def ask(timeout: float = 2.0) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
                conn.sendall(b"ping")
                return conn.recv(16)

        assert ask() == b"ping"
        with proxy.outage(proxied["redis"]):
            with pytest.raises(ConnectionRefusedError):
                ask()
        assert ask() == b"ping"
        with proxy.outage(proxied["redis"], stall=True):
            with pytest.raises(TimeoutError):
                ask(timeout=0.5)
        assert ask() == b"ping"
    upstream.close()


def test_a_commerce_webhook_receiver_records_answers_and_survives_a_client_that_gave_up(monkeypatch):
    """commercekit.receiver, the webhook endpoints of the worker suites: every POST recorded with
    the delivery headers, queued statuses then 200, a delay longer than the client's timeout."""
    import json
    import urllib.error
    import urllib.request

    monkeypatch.syspath_prepend(str(KIT.parent / "codebases" / "commerce" / "kit"))
    from commercekit.receiver import Receiver, json_body

    def post(url: str, timeout: float = 5.0) -> int:
        request = urllib.request.Request(url, data=json.dumps({"id": "evt_7"}).encode(), method="POST",
                                         headers={"X-Commerce-Event-Id": "evt_7", "X-Commerce-Delivery": "3"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with Receiver() as receiver:
        receiver.statuses["hook"] = [500]
        assert [post(receiver.url("hook")), post(receiver.url("hook"))] == [500, 200]
        hits = receiver.wait_for("hook", 2)
        assert [(h["event"], h["delivery"]) for h in hits] == [("evt_7", "3")] * 2
        assert json_body(hits[0]) == {"id": "evt_7"} and receiver.of("other") == []
        receiver.delay["slow"] = 1.0
        with pytest.raises(OSError):
            post(receiver.url("slow"), timeout=0.2)
        time.sleep(1.2)
        assert receiver.active == 0 and len(receiver.of("slow")) == 1
