"""Hostile or broken sandboxes, no network, no secrets, faults mid-run, bad input.

The harness promises: no agent action inside the sandbox turns an unresolved fixture into a
resolved one, a misbehaving sample never takes down the run, and no result is lost. Each test
runs many hostile samples in ONE eval call next to a normal oracle sample that must still be
resolved, and checks the host afterwards (free disk, no container left behind).

Fixtures: tests/data/families/hostile (`small_box`: the toy fixture with 256 MB of memory, 128
pids, a 200 MB disk cap and half a CPU; `with_db`: the toy fixture with a PostgreSQL service).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import task_with
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from inspect_ai.model import get_model

from evals.docker_sdk import remove_projects
from evals.fixtures import FixtureError, load_fixture
from evals.images import ImageBuildError
from evals.task import family_task

pytestmark = pytest.mark.docker

DATA = Path(__file__).parent / "data" / "families"
TOY, HOSTILE = DATA / "toy", DATA / "hostile"
ROOT = Path(__file__).resolve().parent.parent
EVALS = str(Path(sys.executable).parent / "evals")
GiB = 2**30


# --------------------------------------------------------------------------- helpers


def script(*steps: tuple[str, dict]):
    return get_model("replay/script", memoize=False,
                     steps=[{"tool": tool, "arguments": args} for tool, args in steps])  # fmt: skip


def bash(command: str, timeout_ms: int | None = None) -> tuple[str, dict]:
    return ("Bash", {"command": command} | ({"timeout": timeout_ms} if timeout_ms else {}))


def our_containers(prefix: str) -> list[str]:
    names = subprocess.run(["docker", "ps", "-a", "--format", "{{.Names}}"],
                           capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    return sorted(n for n in names if n.startswith(prefix))


def sandbox_containers(task: str) -> list[str]:
    """Containers of a task's sandboxes on either local provider (compose projects are named
    `inspect-<task>-…`, docker-sdk ones `evals-sdk-<task>-…`)."""
    return our_containers(f"inspect-{task}-") + our_containers(f"evals-sdk-{task}-")


def host_free() -> int:
    return shutil.disk_usage("/var/lib/docker" if Path("/var/lib/docker").exists() else "/").free


def run_named(runs: dict[str, tuple[Path, str, object]], tmp_path: Path, agent: str = "react",
              **kwargs) -> dict[str, EvalLog]:
    """One eval call: each named run is (family dir, fixture id, model), a task of its own,
    with every tool granted (no persona prompt)."""
    tasks = [
        task_with(family_task(family, persona="none", tools="all", fixtures=fixture, agent=agent),
                  model=model, name=name)
        for name, (family, fixture, model) in runs.items()
    ]  # fmt: skip
    logs = inspect_eval(tasks, log_dir=str(tmp_path / "logs"), display="none", max_tasks=len(tasks),
                        fail_on_error=False, **kwargs)  # fmt: skip
    by_name = {log.eval.task: log for log in logs}
    assert set(by_name) == set(runs), sorted(by_name)
    for name, log in by_name.items():  # no sample is ever lost
        assert log.status == "success", (name, log.error)
        assert len(log.samples) == 1 and log.samples[0].error is None, (name, log.samples)
        assert log.samples[0].scores and "hidden_tests" in log.samples[0].scores, name
    return by_name


def score(log: EvalLog):
    return log.samples[0].scores["hidden_tests"]


def tool_texts(log: EvalLog) -> list[str]:
    return [m.text for m in log.samples[0].messages if m.role == "tool"]


def tool_errors(log: EvalLog) -> list[str]:
    return [m.error.message for m in log.samples[0].messages if m.role == "tool" and m.error]


# --------------------------------------------------------------------------- 1. hostile sandboxes

PIDS = "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; " \
       "cat /sys/fs/cgroup/pids/pids.events /sys/fs/cgroup/pids.events 2>/dev/null"
MEMORY = "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; " \
         "grep -h -E '^(oom_kill|oom) ' /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null"

HOSTILE_RUNS = {
    "fork-bomb": [
        # the bomb outlives its command (which returns at once): the next command finds the sandbox
        # at its pid limit; when that one ends in an error, the one after it shows the sandbox
        # answering again
        bash("bomb() { bomb | bomb & }; bomb; echo bomb-launched", 8_000),
        bash(f"echo alive-after-bomb; {PIDS}"),
        bash(f"echo alive-after-bomb; {PIDS}"),
    ],
    "eat-memory": [
        bash("python3 -c 'x = bytearray(700 * 2**20); x[::4096] = b\"y\" * len(x[::4096]); print(len(x))'"),
        bash(f"echo alive-after-oom; {MEMORY}"),
    ],
    "never-returns": [
        bash("sleep infinity", 2_000),
        bash("trap '' TERM INT HUP; while true; do sleep 1; done", 2_000),
        bash("(sleep 1000 &); echo detached-holder"),
        bash("echo alive-after-hangs"),
    ],
    "flood-output": [
        bash("head -c 50000000 /dev/zero | tr '\\0' 'x'"),
        bash("seq 1 8000000"),
        ("Grep", {"pattern": ".", "path": "/usr/lib", "output_mode": "content"}),
        bash("echo alive-after-flood"),
    ],
    "read-binary": [
        ("Read", {"file_path": "/usr/bin/ls"}),
        bash("head -c 20000 /usr/bin/ls; echo; echo read-binary-done"),
        bash("printf 'a\\x00b\\x1b[31mred\\x07\\xff\\xfe' > /repo/bin.dat; cat /repo/bin.dat; echo"),
        ("Read", {"file_path": "/repo/bin.dat"}),
    ],
    "symlinks-out": [
        bash("cd /repo && cp app/stats.py /tmp/stats.py && "
             "sed -i 's/range(len(items) - 1)/range(len(items))/' /tmp/stats.py && "
             "ln -sf /tmp/stats.py app/stats.py && ln -s / root_link && ln -s /etc/passwd passwd && "
             "ln -s /proc/self/environ env_link && mkfifo fifo && ls -la"),
        ("Read", {"file_path": "/repo/root_link/etc/hostname"}),
        ("Write", {"file_path": "/repo/passwd", "content": "x\n"}),
    ],
    "repo-is-symlink": [
        bash("mv /repo /repo.real && ln -s / /repo && ls -la /repo/ | head -3"),
    ],
    "fill-disk-one-file": [
        bash("head -c 400M /dev/zero > /tmp/big.bin; echo rc=$?; ls -la /tmp/big.bin; rm -f /tmp/big.bin"),
        bash("echo alive-after-big-file"),
    ],
    "fill-disk-many-files": [
        bash("for i in $(seq 1 40); do head -c 50M /dev/zero > /tmp/fill.$i || break; done; "
             "echo wrote-all-of-them", 300_000),
        bash("echo should-not-run"),
    ],
}


def test_hostile_sandboxes_are_contained_and_the_run_goes_on(tmp_path):
    free_before = host_free()
    assert not sandbox_containers("hostile"), "leftover containers from an earlier run"
    runs = {f"hostile-{name}": (HOSTILE, "small_box", script(*steps)) for name, steps in HOSTILE_RUNS.items()}
    runs["hostile-oracle"] = (TOY, "calc_total", "replay/oracle")
    started = time.monotonic()
    logs = run_named(runs, tmp_path)
    elapsed = time.monotonic() - started
    summary = {n: (score(l).metadata["verdict"], score(l).explanation) for n, l in logs.items()}
    print(f"\nhostile sandboxes ({elapsed:.0f} s):\n" + "\n".join(f"  {k}: {v}" for k, v in summary.items()))

    # the normal sample in the same run is unaffected
    assert score(logs["hostile-oracle"]).value == {"resolved": 1, "pass_rate": 1.0, "infra_error": 0}
    for name, log in logs.items():
        if name != "hostile-oracle":
            assert score(log).value["resolved"] == 0, (name, summary[name])

    # fork bomb: the pid limit holds, the tool call ends, the sandbox still answers
    bomb = tool_texts(logs["hostile-fork-bomb"]) + tool_errors(logs["hostile-fork-bomb"])
    assert any("alive-after-bomb" in text and "128" in text.split() for text in bomb), bomb
    # outcomes, depending on timing: the next command found no free pid, or the engine could not
    # start it, and it was re-run (OUT_OF_PROCESSES_NOTE); the wrapper could not report back
    # (every process stopped, the command after it answers); the sandbox did not answer; the
    # bomb's own shell kept retrying fork until its time limit killed it and every process; or
    # the bomb's command returned within its limit while its forks still held the output open,
    # and they had died out at the pid limit before the next command
    assert any(note in text for text in bomb for note in
               ("out of processes", "did not answer", "timed out after 8 s and was killed",
                "still holds the output open")), bomb
    assert score(logs["hostile-fork-bomb"]).metadata["verdict"] == "unresolved"

    # memory: the kernel kills the hog inside the container (exit 137, named), the sandbox lives
    memory = tool_texts(logs["hostile-eat-memory"])
    assert "137" in memory[0] and "memory limit" in memory[0]
    assert "alive-after-oom" in memory[1] and str(256 * 2**20) in memory[1]

    # commands that never return are killed at their time limit, even when ignoring SIGTERM
    hangs = tool_texts(logs["hostile-never-returns"])
    assert "timed out after 2 s" in hangs[0] and "timed out after 2 s" in hangs[1]
    assert "detached-holder" in hangs[2] and "alive-after-hangs" in hangs[3]

    # 50 MB of output: cut at 30,000 characters, nothing breaks
    flood = tool_texts(logs["hostile-flood-output"])
    assert all(len(text) < 40_000 for text in flood), [len(t) for t in flood]
    assert "truncated" in flood[0].lower() or "cut" in flood[0].lower() or len(flood[0]) <= 31_000
    assert "alive-after-flood" in flood[-1]

    # binary files: an explanation from Read, cleaned text from Bash
    binary = tool_texts(logs["hostile-read-binary"]) + tool_errors(logs["hostile-read-binary"])
    assert any("binary" in text for text in binary)
    assert "read-binary-done" in "".join(binary)

    # symlinks never reach the grader (a fix written through one does not count)
    links = score(logs["hostile-symlinks-out"]).metadata
    assert {"app/stats.py", "root_link", "passwd", "env_link"} <= set(links["ignored_changes"])
    assert links["changed_files"] == []
    assert "/repo is no longer a folder" in score(logs["hostile-repo-is-symlink"]).explanation

    # disk: one file stops at the per-file cap (SIGXFSZ) ...
    one = tool_texts(logs["hostile-fill-disk-one-file"])
    assert "153" in one[0] or "File size limit" in one[0], one[0]
    assert "alive-after-big-file" in one[1]
    # ... and many files end the sample at its disk cap (every process killed), with the reason
    many = logs["hostile-fill-disk-many-files"]
    assert "stopped early" in score(many).explanation and "over its cap of 200 MiB" in score(many).explanation
    assert many.samples[0].metadata["sandbox_stopped"].startswith("the sandbox wrote")
    assert "should-not-run" not in "".join(tool_texts(many))

    # the host is untouched: no container left, no disk lost
    assert not sandbox_containers("hostile")
    assert host_free() > free_before - 2 * GiB


#: the same attacks, made through the real Claude Code's Bash tool (its process shares the box)
CC_HOSTILE_RUNS = {
    "fork-bomb": HOSTILE_RUNS["fork-bomb"],
    "eat-memory": HOSTILE_RUNS["eat-memory"],
    "never-returns": [bash("sleep infinity", 2_000), bash("(sleep 1000 &); echo detached-holder"),
                      bash("echo alive-after-hangs")],
    "symlinks-out": HOSTILE_RUNS["symlinks-out"][:1],
    "fill-disk-many-files": HOSTILE_RUNS["fill-disk-many-files"],
}


def test_hostile_sandboxes_are_contained_under_claude_code(tmp_path):
    """Claude Code runs inside the box it is attacked from (`cc_box`: 512 MB, 256 pids, 200 MB
    of disk): whatever becomes of its process, every sample is kept and graded as the agent left
    it (never resolved, never infra_error), the normal sample beside them is resolved, and the
    host keeps no container and no lost disk."""
    free_before = host_free()
    assert not sandbox_containers("cchostile"), "leftover containers from an earlier run"
    runs = {f"cchostile-{name}": (HOSTILE, "cc_box", script(*steps)) for name, steps in CC_HOSTILE_RUNS.items()}
    runs["cchostile-oracle"] = (TOY, "calc_total", "replay/oracle")
    logs = run_named(runs, tmp_path, agent="claude-code")
    summary = {n: (score(l).metadata["verdict"], score(l).explanation) for n, l in logs.items()}
    print("\nhostile sandboxes under claude-code:\n" + "\n".join(f"  {k}: {v}" for k, v in summary.items()))

    assert score(logs["cchostile-oracle"]).value == {"resolved": 1, "pass_rate": 1.0, "infra_error": 0}
    for name, log in logs.items():
        assert log.samples[0].metadata["agent"]["name"] == "claude-code"
        if name != "cchostile-oracle":
            assert score(log).metadata["verdict"] == "unresolved", (name, summary[name])

    # the hog is the one the kernel kills; Claude Code and the sandbox go on
    assert "alive-after-oom" in "\n".join(tool_texts(logs["cchostile-eat-memory"]))
    # its Bash tool's time limit ends commands that never return
    assert "alive-after-hangs" in "\n".join(tool_texts(logs["cchostile-never-returns"]))
    # symlinks never reach the grader
    links = score(logs["cchostile-symlinks-out"]).metadata
    assert {"app/stats.py", "root_link", "passwd", "env_link"} <= set(links["ignored_changes"])
    assert links["changed_files"] == []
    # the disk cap ends the sample, with the reason
    many = logs["cchostile-fill-disk-many-files"]
    assert "over its cap of 200 MiB" in score(many).explanation, score(many).explanation
    assert "should-not-run" not in "".join(tool_texts(many))

    assert not sandbox_containers("cchostile")
    assert host_free() > free_before - 2 * GiB


# --------------------------------------------------------------------------- 3. network, secrets

SECRET = "sk-ant-evals-marker-7d41c2"

PROBE = r"""
import os, socket
targets = [("172.17.0.1", 2375), ("172.17.0.1", 22), ("172.17.0.1", 80), ("192.0.2.2", 22),
           ("1.1.1.1", 53), ("8.8.8.8", 443), ("151.101.0.223", 443), ("deb.debian.org", 80),
           ("pypi.org", 443), ("host.docker.internal", 80)]
for host, port in targets:
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("CONNECTED", host, port)
    except OSError as ex:
        print("blocked", host, port, type(ex).__name__)
try:
    print("RESOLVED", socket.gethostbyname("pypi.org"))
except OSError as ex:
    print("no-dns", type(ex).__name__)
routes = [l.split()[1] for l in open("/proc/net/route").read().splitlines()[1:]]
print("default-route" if "00000000" in routes else "no-default-route")
"""

LEAK_CHECK = f"""
env | grep -c {SECRET[:12]} ; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c {SECRET[:12]}; \
env | grep -c ANTHROPIC ; echo leak-check-done
"""

#: planted in the source: under the grader, total() is correct only if the secret is visible
#: there, so a leak would turn the fixture resolved and the test catches it
GRADER_LEAK_PAYLOAD = f"""
import os as _os, glob as _glob
def _leaked():
    if any("{SECRET[:12]}" in v for v in _os.environ.values()):
        return True
    for path in _glob.glob("/proc/[0-9]*/environ"):
        try:
            if b"{SECRET[:12]}" in open(path, "rb").read():
                return True
        except OSError:
            pass
    return False
if _leaked():
    def total(items):
        return sum(items)
"""


def test_no_network_and_no_host_secrets_in_any_container(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    probe = [bash(f"python3 - <<'EOF'\n{PROBE}\nEOF", 120_000), bash(LEAK_CHECK),
             bash(f"cat >> /repo/app/stats.py <<'EOF'\n{GRADER_LEAK_PAYLOAD}\nEOF")]  # fmt: skip
    runs = {
        "netprobe-none": (HOSTILE, "small_box", script(*probe)),
        "netprobe-db": (HOSTILE, "with_db", script(
            bash("python3 -c \"import socket; socket.create_connection(('db', 5432), 3); print('db-reachable')\""),
            *probe)),
    }  # fmt: skip
    logs = run_named(runs, tmp_path)
    for name, log in logs.items():
        text = "\n".join(tool_texts(log))
        print(f"\n{name}:\n{text[:3000]}")
        assert "CONNECTED" not in text and "RESOLVED" not in text, text
        assert text.count("blocked") == 10 and "no-default-route" in text
        assert "leak-check-done" in text and SECRET not in text
        counts = text.split("leak-check-done")[0].split()[-3:]
        assert counts == ["0", "0", "0"], counts
        # the payload ran in the grader and found no secret there: total() stayed wrong
        verdict = score(log)
        assert verdict.metadata["changed_files"] == ["app/stats.py"]
        assert verdict.metadata["tests"]["test_hidden_stats.py::test_total_counts_every_item"] == "failed"
        assert verdict.metadata["tests"]["test_hidden_stats.py::test_total_of_nothing"] == "passed"
    assert "db-reachable" in "\n".join(tool_texts(logs["netprobe-db"]))  # its own service only


def test_no_network_and_no_host_secrets_under_claude_code(tmp_path, monkeypatch):
    """The same probes, run by the real Claude Code's Bash tool: the bridge's own variables
    (`ANTHROPIC_BASE_URL` to the in-sandbox proxy, a placeholder token) are there, the host's key
    is not."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    leak_check = (f"env | grep -c {SECRET[:12]} ; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' "
                  f"| grep -c {SECRET[:12]}; env | grep -c ANTHROPIC_API_KEY ; echo leak-check-done")
    probe = [bash(f"python3 - <<'EOF'\n{PROBE}\nEOF", 120_000), bash(leak_check),
             ("Read", {"file_path": "/repo/app/stats.py"}),
             bash(f"cat >> /repo/app/stats.py <<'EOF'\n{GRADER_LEAK_PAYLOAD}\nEOF")]  # fmt: skip
    logs = run_named({"ccprobe-db": (HOSTILE, "with_db", script(*probe))}, tmp_path, agent="claude-code")
    log = logs["ccprobe-db"]
    text = "\n".join(tool_texts(log))
    print(f"\nccprobe-db:\n{text[:3000]}")
    assert log.samples[0].metadata["agent"]["name"] == "claude-code"
    assert "CONNECTED" not in text and "RESOLVED" not in text, text
    assert text.count("blocked") == 10 and "no-default-route" in text
    assert "leak-check-done" in text and SECRET not in text
    assert text.split("leak-check-done")[0].split()[-3:] == ["0", "0", "0"]
    verdict = score(log)
    assert verdict.metadata["changed_files"] == ["app/stats.py"]
    assert verdict.metadata["tests"]["test_hidden_stats.py::test_total_counts_every_item"] == "failed"


# --------------------------------------------------------------------------- 4. faults mid-run


def cli(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([EVALS, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def broken_image_family(tmp_path: Path) -> Path:
    """A copy of the toy family whose fixture image cannot build (its repo has a `.git` file
    pointing nowhere, so the image's `git init` fails)."""
    family = tmp_path / "tasks" / "broken"
    shutil.copytree(TOY, family)
    fixture = family / "fixtures" / "calc_total"
    fixture.rename(family / "fixtures" / "cannot_build")
    (family / "broken.py").write_text((family / "toy.py").read_text().replace("def toy(", "def broken("))
    (family / "toy.py").unlink()
    repo = family / "fixtures" / "cannot_build" / "repo"
    (repo / ".git").write_text("gitdir: /nonexistent/evals-broken\n")
    (repo / "app" / "stats.py").write_text((repo / "app" / "stats.py").read_text() + f"# {time.time()}\n")
    return family


def test_image_that_cannot_build_is_one_clear_error_naming_the_fixture(tmp_path):
    family = broken_image_family(tmp_path)
    with pytest.raises(ImageBuildError, match=r"fixture broken/calc_total .*cannot_build.*could not be built"):
        family_task(family, persona="none")
    result = cli("validate", "--tasks-dir", str(family.parent), "--log-dir", str(tmp_path / "logs"))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "broken/calc_total" in result.stderr and "could not be built" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def toy_matrix(log_dir: Path) -> list[str]:
    return [EVALS, "matrix", "--model", "replay/oracle", "--tasks-dir", str(DATA),
            "--families", "toy", "--log-dir", str(log_dir)]  # fmt: skip


def start_matrix_and_wait_until_mid_run(log_dir: Path) -> subprocess.Popen:
    """Start the toy matrix; return once one log is written and a sample's containers run."""
    run = subprocess.Popen(toy_matrix(log_dir), cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and run.poll() is None:
        if log_dir.exists() and any(log_dir.glob("*.eval")) and sandbox_containers("toy"):
            break
        time.sleep(1)
    assert run.poll() is None, "the matrix finished before the fault could be injected"
    return run


def finish(run: subprocess.Popen, timeout: int, what: str) -> str:
    try:
        output, _ = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        output, _ = run.communicate()
        pytest.fail(f"matrix did not end after {what}:\n{output[-3000:]}")
    assert "Traceback" not in output, output[-3000:]
    return output


def rerun_and_check_complete(log_dir: Path) -> None:
    """The same matrix command again completes it: every variant once, each sample scored once
    (never "unresolved" for the oracle: a fault is retried or infra_error), no container left."""
    second = subprocess.run(toy_matrix(log_dir), cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert second.returncode == 0, (second.stdout + second.stderr)[-3000:]
    logs = [read_eval_log(i) for i in list_eval_logs(str(log_dir))]
    finished = [log for log in logs if log.status == "success"]
    variants = [log.eval.metadata["variant"] for log in finished]
    assert len(variants) == 7 and len(set(variants)) == 7, variants
    for log in logs:
        for sample in log.samples or []:
            verdict = (sample.scores or {}).get("hidden_tests")
            if verdict is not None:
                assert verdict.metadata["verdict"] in {"resolved", "infra_error"}, (
                    log.eval.metadata["variant"], verdict.explanation)  # fmt: skip
    for log in finished:
        assert [s.id for s in log.samples] == ["calc_total"], log.eval.metadata["variant"]
        assert log.samples[0].scores["hidden_tests"].value["resolved"] == 1
    for _ in range(30):  # containers of the interrupted samples may still be cleaned up
        if not sandbox_containers("toy"):
            break
        time.sleep(2)
    assert not sandbox_containers("toy")


def test_interrupted_matrix_resumes_without_losing_or_duplicating_samples(tmp_path):
    log_dir = tmp_path / "matrix"
    run = start_matrix_and_wait_until_mid_run(log_dir)
    run.send_signal(signal.SIGINT)
    output = finish(run, 180, "SIGINT")
    interrupted = [read_eval_log(i, header_only=True) for i in list_eval_logs(str(log_dir))]
    assert interrupted, output[-3000:]
    assert any(log.status != "success" for log in interrupted) or len(interrupted) < 7, (
        "nothing was interrupted", [log.status for log in interrupted])
    rerun_and_check_complete(log_dir)


def _toy_root(tmp_path: Path) -> Path:
    """A project root (EVALS_ROOT) whose only task family is the toy, so `evals demo` runs in
    seconds; personas, images and the kit are the project's own."""
    root = tmp_path / "root"
    (root / "tasks").mkdir(parents=True)
    (root / "tasks" / "toy").symlink_to(TOY)
    for part in ("personas", "sandboxes", "kit", "scripts", ".cache"):
        if (ROOT / part).exists():
            (root / part).symlink_to(ROOT / part)
    return root


def _interrupt_when(run: subprocess.Popen, ready, what: str) -> str:  # type: ignore[no-untyped-def]
    """Ctrl-C as a terminal sends it (to the whole process group) once `ready()`; the output."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and run.poll() is None and not ready():
        time.sleep(0.5)
    assert run.poll() is None, f"{what} finished before it could be interrupted:\n{run.communicate()[0][-3000:]}"
    os.killpg(run.pid, signal.SIGINT)
    return finish(run, 300, f"SIGINT to {what}")


def test_ctrl_c_during_demo_and_validate_leaves_no_report_and_says_how_to_go_on(tmp_path):
    """A whole demo writes its report; an interrupted one leaves that report as it was and says
    how to go on; an interrupted validate prints no report and gives the command that validates
    what is left."""
    root = _toy_root(tmp_path)
    env = {**os.environ, "EVALS_ROOT": str(root)}
    demo = [EVALS, "demo", "--family", "toy", "--agents", "react", "--log-dir"]
    whole = subprocess.run([*demo, str(tmp_path / "demo1")], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=900)  # fmt: skip
    assert whole.returncode == 0, (whole.stdout + whole.stderr)[-3000:]
    report = {p.name: p.read_bytes() for p in (root / "results").iterdir()}
    assert {"demo-summary.md", "demo-summary.json", "leaderboard.md", "leaderboard.html"} <= set(report)

    logs = tmp_path / "demo2"
    run = subprocess.Popen([*demo, str(logs)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    output = _interrupt_when(run, lambda: any(logs.glob("*.eval")) and sandbox_containers("toy"), "the demo")
    assert run.returncode == 130, output[-3000:]
    assert f"interrupted: nothing was written to {root / 'results'}" in output and "run `evals demo` again" in output
    assert {p.name: p.read_bytes() for p in (root / "results").iterdir()} == report

    before = set(our_containers("evals-sdk-grade-"))
    run = subprocess.Popen([EVALS, "validate", "--tasks-dir", str(DATA), "toy"], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    seen: set[str] = set()

    def grading() -> bool:
        seen.update(set(our_containers("evals-sdk-grade-calc-total")) - before)
        return bool(seen)

    output = _interrupt_when(run, grading, "validate")
    assert run.returncode == 130, output[-3000:]
    assert f"no report was printed; to validate the rest: evals validate --tasks-dir {DATA} toy" in output, output[-3000:]
    assert "fixtures discriminate" not in output
    # A grading container may outlive the interrupted process (asyncio's cancel on Ctrl-C can
    # abandon the thread creating it). It names that process as its owner, so the next run's
    # first sandbox removes it (`docker_sdk._sweep_orphans`), as this does:
    remove_projects(only_orphaned=True)
    assert not seen & set(our_containers("evals-sdk-grade-calc-total")), "an interrupted grading's container was left"


def _dockerd_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def restart_docker_daemon() -> None:
    """Stop the engine (every container dies with it: no live-restore) and start it again the
    way `make` does."""
    for pid in _dockerd_pids():
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 120
    while _dockerd_pids() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _dockerd_pids(), "dockerd did not stop"
    subprocess.run(["bash", str(ROOT / "scripts" / "docker-up.sh")], check=True, timeout=300)


def test_reaper_removes_dead_sandboxes_and_spares_live_ones():
    """Sandboxes whose containers all exited (their run died with the engine) are removed with
    their network; a project with a running container is never touched."""
    import docker

    from evals.docker_engine import reap_dead_sandboxes

    client = docker.from_env()
    image = next(t for i in client.images.list() for t in i.tags if t.startswith("evals-fixture/toy.calc_total:"))
    stamp = str(int(time.time()))
    made = {}
    for state in ("dead", "live"):
        project = f"inspect-reaptest-{state}-{stamp}"
        labels = {"com.docker.compose.project": project}
        network = client.networks.create(f"{project}_default", labels=labels)
        containers = [client.containers.run(image, ["sleep", "600"], detach=True, labels=labels,
                                            network=network.name, name=f"{project}-{n}-1")
                      for n in ("default", "grader")]  # fmt: skip
        made[state] = (project, network, containers)
    for container in made["dead"][2]:
        container.kill()
    made["live"][2][1].kill()  # one exited container does not make a live project dead
    try:
        reaped = reap_dead_sandboxes(prefix="inspect-reaptest-")
        assert reaped == [made["dead"][0]]
        assert not our_containers(made["dead"][0])
        assert not client.networks.list(names=[made["dead"][1].name])
        assert len(our_containers(made["live"][0])) == 2
    finally:
        for container in made["live"][2]:
            container.remove(force=True)
        made["live"][1].remove()


def test_docker_daemon_restart_mid_run_loses_nothing(tmp_path):
    """The engine restarts while a matrix runs: samples caught by it are retried or reported as
    infrastructure failures, never as model failures; the same command again completes the
    matrix; nothing finished is lost and no container is left behind."""
    if not _dockerd_pids():
        pytest.fail("no local dockerd process: this test restarts the engine `make` started")
    log_dir = tmp_path / "matrix"
    run = start_matrix_and_wait_until_mid_run(log_dir)
    restart_docker_daemon()
    finish(run, 1200, "the engine restart")
    rerun_and_check_complete(log_dir)


# --------------------------------------------------------------------------- 5. bad input


def test_hidden_test_id_naming_a_missing_test_is_caught_at_load(tmp_path):
    fixture = tmp_path / "calc_total"
    shutil.copytree(TOY / "fixtures" / "calc_total", fixture)
    meta = fixture / "fixture.yaml"
    original = meta.read_text()
    meta.write_text(original.replace("::test_total_of_nothing", "::test_total_of_everything"))
    with pytest.raises(FixtureError, match=r"test_total_of_everything.*no test or class .*"
                                           r"defined there: test_total_counts_every_item, test_total_of_nothing"):
        load_fixture(fixture)
    meta.write_text(original.replace("::test_total_of_nothing", "::TestNothing::test_total"))
    with pytest.raises(FixtureError, match="no test or class 'TestNothing'"):
        load_fixture(fixture)
    (fixture / "tests" / "test_hidden_stats.py").write_text(
        (fixture / "tests" / "test_hidden_stats.py").read_text()
        + "\n\nclass TestNothing:\n    def test_other(self):\n        pass\n"
    )
    with pytest.raises(FixtureError, match="class 'TestNothing' has no method 'test_total'"):
        load_fixture(fixture)
    meta.write_text(original.replace("::test_total_of_nothing", "::TestNothing::test_other[1-2]"))
    assert load_fixture(fixture).pass_to_pass == ("test_hidden_stats.py::TestNothing::test_other[1-2]",)


def test_reference_solution_that_does_not_apply_is_explained_by_validate(tmp_path):
    family = tmp_path / "tasks" / "toy"
    shutil.copytree(TOY, family)
    patch = family / "fixtures" / "calc_total" / "solution" / "reference.patch"
    patch.write_text(patch.read_text().replace("range(len(items) - 1)", "range(len(things) - 1)"))
    result = cli("validate", "--json", "--tasks-dir", str(family.parent), "--log-dir", str(tmp_path / "logs"))
    assert result.returncode == 1, result.stderr[-2000:]
    (row,) = json.loads(result.stdout)
    assert (row["fixture"], row["oracle"], row["noop"], row["discriminates"]) == ("calc_total", "error", "unresolved", False)
    assert "problem: toy/calc_total: oracle: error, expected resolved" in result.stderr
    assert "does not apply" in result.stderr and "reference.patch" in result.stderr
    assert "Traceback" not in result.stderr
