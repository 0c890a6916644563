"""The whole pipeline on the real Docker engine: persona -> tools -> agent -> sandbox -> hidden tests.

Uses a tiny fixture family in tests/data (no services) so each sample takes seconds.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import task_with
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from evals.fixtures import load_family
from evals.images import fixture_image_tag
from evals.logdata import load_samples
from evals.paths import PERSONAS_DIR
from evals.personas import load_persona
from evals.task import VariantError, family_task

DATA = Path(__file__).parent / "data" / "families"
TOY, HOSTILE = DATA / "toy", DATA / "hostile"
MARKER_HEAD, MARKER_TAIL = "HIDDEN-MARKER", "5f1e0c2a"  # joined only inside the sandbox


def run(tasks, model, tmp_path: Path) -> list[EvalLog]:
    logs = inspect_eval(tasks, model=model, log_dir=str(tmp_path / "logs"), display="none",
                        max_tasks=4, fail_on_error=False)  # fmt: skip
    assert all(log.status == "success" for log in logs), [log.error for log in logs]
    return logs


def only_score(log: EvalLog):
    (sample,) = log.samples
    assert sample.error is None, sample.error
    return sample, sample.scores["hidden_tests"]


def script(*steps: tuple[str, dict]) -> object:
    return get_model("replay/script", memoize=False,
                     steps=[{"tool": tool, "arguments": args} for tool, args in steps])  # fmt: skip


def bash(command: str) -> tuple[str, dict]:
    return ("Bash", {"command": command})


def tool_outputs(sample) -> str:
    return "\n".join(m.text for m in sample.messages if m.role == "tool")


@pytest.mark.parametrize("variant", [
    {"persona": "backend"},                         # Read + Edit path
    {"persona": "backend-developer"},
    {"persona": "none"},                            # minimal tools
    {"persona": "backend", "tools": "minimal"},
])  # fmt: skip
@pytest.mark.docker
def test_oracle_resolves_with_every_tool_set(tmp_path, variant):
    (log,) = run(family_task(TOY, **variant), "replay/oracle", tmp_path)
    # what `inspect view` lists beside the task: which variant this log is
    tools = variant.get("tools", variant["persona"] if variant["persona"] != "none" else "minimal")
    assert sorted(log.eval.tags) == sorted([f"persona:{variant['persona']}", f"tools:{tools}", "agent:react"])
    assert log.eval.task_display_name == f"toy ({log.eval.metadata['variant']})"
    sample, score = only_score(log)
    assert score.value == {"resolved": 1, "pass_rate": 1.0, "infra_error": 0}
    assert score.metadata["changed_files"] == ["app/stats.py"]
    assert score.metadata["tests"] == {
        "test_hidden_stats.py::test_total_counts_every_item": "passed",
        "test_hidden_stats.py::test_total_of_nothing": "passed",
    }
    # the fix went through the persona's own tools
    called = {c.function for m in sample.messages if m.role == "assistant" for c in (m.tool_calls or [])}
    assert called <= set(log.eval.metadata["tools"]) and called


@pytest.mark.docker
def test_noop_and_wrong_fix_are_unresolved_alternative_resolved(tmp_path):
    logs = run(family_task(TOY, persona="backend"), ["replay/noop", "replay/wrong", "replay/alternative"], tmp_path)
    by_model = {log.eval.model: only_score(log)[1] for log in logs}
    assert by_model["replay/noop"].value == {"resolved": 0, "pass_rate": 0.5, "infra_error": 0}
    assert by_model["replay/noop"].metadata["tests"]["test_hidden_stats.py::test_total_counts_every_item"] == "failed"
    assert by_model["replay/wrong"].value["resolved"] == 0
    assert by_model["replay/alternative"].value["resolved"] == 1
    # the leaderboard's own zip reader sees these real logs exactly as Inspect's reader does
    table = load_samples(tmp_path / "logs").samples
    pd.testing.assert_frame_equal(table, load_samples(tmp_path / "logs", reader="inspect").samples)
    assert table.set_index("model")["resolved"].to_dict() == {
        "replay/alternative": 1.0, "replay/noop": 0.0, "replay/wrong": 0.0}


@pytest.mark.docker
def test_log_records_persona_hash_tools_limits_and_metrics(tmp_path):
    task = family_task(TOY, persona="backend-developer", tools="backend", message_limit=40, time_limit=720)
    (log,) = run(task, "replay/oracle", tmp_path)
    meta = log.eval.metadata
    persona = load_persona(PERSONAS_DIR / "backend-developer.md")
    assert meta["variant"] == "backend-developer+tools:backend"
    assert meta["persona_sha256"] == persona.source_sha256
    assert meta["tools"] == list(load_persona(PERSONAS_DIR / "backend.md").tools)
    assert meta["limits"] == {"message_limit": 40, "token_limit": 3_000_000, "time_limit": 720}
    assert log.eval.config.message_limit == 40
    # the agent got the persona prompt verbatim and only the granted tools
    sample, _ = only_score(log)
    system = sample.messages[0]
    assert system.role == "system" and system.text.startswith(persona.system_prompt)
    metrics = {s.name: {k: m.value for k, m in s.metrics.items()} for s in log.results.scores}
    assert metrics["resolved"] == {"mean": 1.0, "stderr": 0.0}
    assert metrics["pass_rate"] == {"mean": 1.0} and metrics["infra_error"] == {"mean": 0.0}


@pytest.mark.docker
def test_hidden_tests_are_unreachable_while_the_agent_works(tmp_path):
    probe = bash(
        f"M={MARKER_HEAD}; M=$M-{MARKER_TAIL}; "
        "grep -rl \"$M\" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null; "
        "ls -d /grader /grader/tests 2>&1; find / -name 'test_hidden_stats.py' -not -path '/proc/*' 2>/dev/null; "
        "echo probe-done"
    )
    (log,) = run(family_task(TOY, persona="backend"), script(probe), tmp_path)
    sample, score = only_score(log)
    output = tool_outputs(sample)
    assert "probe-done" in output
    assert MARKER_TAIL not in output.replace(f"-{MARKER_TAIL}; ", "")
    assert "test_hidden_stats.py" not in output
    assert "No such file or directory" in output  # no /grader in the agent's container
    # ... and the image itself holds no hidden test
    fixture = load_family(TOY)[0]
    found = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", fixture_image_tag(fixture), "sh", "-c",
         f"grep -rl {MARKER_HEAD}-{MARKER_TAIL} / --exclude-dir=proc --exclude-dir=sys 2>/dev/null; true"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == ""
    assert score.value["resolved"] == 0


CHEATS = [
    bash("printf 'import pytest\\n@pytest.hookimpl(hookwrapper=True)\\ndef pytest_runtest_makereport(item, call):\\n"
         "    out = yield\\n    rep = out.get_result()\\n    rep.outcome = \"passed\"\\n' "
         "| tee /repo/conftest.py /repo/tests/conftest.py /repo/app/conftest.py > /dev/null"),
    bash("printf 'def test_total_counts_every_item():\\n    pass\\ndef test_total_of_nothing():\\n    pass\\n' "
         "| tee /repo/tests/test_hidden_stats.py /repo/test_hidden_stats.py > /dev/null"),
    bash("printf 'def main(*a, **k):\\n    return 0\\n' > /repo/pytest.py; "
         "printf 'import os\\nos._exit(0)\\n' > /repo/sitecustomize.py; "
         "printf '[pytest]\\naddopts = -p no:junitxml\\n' > /repo/pytest.ini"),
    bash("SP=$(python -c 'import site; print(site.getsitepackages()[0])'); "
         "printf 'import os\\n' > $SP/sitecustomize.py; echo 'import os; os._exit(0)' > $SP/zz_cheat.pth; "
         "mkdir -p /grader/out && echo '<testsuite><testcase classname=\"test_hidden_stats\" name=\"test_total_counts_every_item\"/></testsuite>' > /grader/out/report.xml"),
    bash("echo 'test_hidden_stats.py::test_total_counts_every_item PASSED'; echo '2 passed in 0.01s'"),
]


@pytest.mark.docker
def test_planted_tests_configs_and_hooks_do_not_count(tmp_path):
    (log,) = run(family_task(TOY, persona="backend"), script(*CHEATS), tmp_path)
    _, score = only_score(log)
    assert score.value["resolved"] == 0
    assert score.metadata["tests"]["test_hidden_stats.py::test_total_counts_every_item"] == "failed"
    ignored = set(score.metadata["ignored_changes"])
    assert {"conftest.py", "tests/conftest.py", "app/conftest.py", "tests/test_hidden_stats.py",
            "test_hidden_stats.py", "pytest.py", "sitecustomize.py", "pytest.ini"} <= ignored
    assert score.metadata["changed_files"] == []


#: planted in the source: the code under test answers correctly only where it should never be
#: (in the test process, as root, seeing the test process's variables or the hidden tests)
BREACHES = """
import glob as _g, os as _o, sys as _s
def _breaches():
    found = []
    if _o.geteuid() == 0:
        found.append("runs as root")
    if "pytest" in _s.modules or "_pytest" in _s.modules or "PYTEST_CURRENT_TEST" in _o.environ:
        found.append("runs inside pytest")
    if any(k.startswith("EVALS_") for k in _o.environ):
        found.append("has the test process's variables")
    for path in _g.glob("/proc/[0-9]*/environ"):
        try:
            if b"EVALS_PG_PASSWORD" in open(path, "rb").read():
                found.append("read another process's variables")
        except OSError:
            pass
    for path in ("/grader", "/grader/tests"):
        try:
            _o.listdir(path)
            found.append("lists " + path)
        except OSError:
            pass
    return found
if %s_breaches():
    def total(items):
        return sum(items)
"""


@pytest.mark.docker
def test_code_under_test_runs_apart_from_the_test_process(tmp_path):
    """The hidden tests start the code as its own process, as an unprivileged user: it cannot
    be inside pytest, see its variables (the database superuser's password), read the hidden
    tests or act as root. Planted code that would only be correct in one of those situations
    stays wrong; the same code correct only when none holds is resolved (so it did run)."""
    runs = {
        "breach-fixes-it": script(bash(f"cat >> /repo/app/stats.py <<'EOF'\n{BREACHES % ''}\nEOF")),
        "isolation-fixes-it": script(bash(f"cat >> /repo/app/stats.py <<'EOF'\n{BREACHES % 'not '}\nEOF")),
    }
    tasks = [task_with(family_task(HOSTILE, persona="backend", fixtures="with_db"), model=model, name=name)
             for name, model in runs.items()]  # fmt: skip
    logs = {log.eval.task: log for log in run(tasks, None, tmp_path)}
    breach, isolation = only_score(logs["breach-fixes-it"])[1], only_score(logs["isolation-fixes-it"])[1]
    assert breach.metadata["changed_files"] == ["app/stats.py"]
    assert breach.value["resolved"] == 0 and breach.metadata["verdict"] == "unresolved", breach.explanation
    assert breach.metadata["tests"]["test_hidden_stats.py::test_total_counts_every_item"] == "failed"
    assert isolation.value["resolved"] == 1, isolation.explanation


@pytest.mark.docker
def test_a_real_fix_still_counts_next_to_cheats(tmp_path):
    fix = bash("sed -i 's/range(len(items) - 1)/range(len(items))/' /repo/app/stats.py")
    (log,) = run(family_task(TOY, persona="backend"), script(*CHEATS, fix), tmp_path)
    _, score = only_score(log)
    assert score.value["resolved"] == 1 and score.metadata["changed_files"] == ["app/stats.py"]


@pytest.mark.docker
def test_hidden_test_timeout_is_an_infrastructure_failure(tmp_path):
    (log,) = run(family_task(DATA / "toy_infra", persona="backend"), "replay/noop", tmp_path)
    _, score = only_score(log)
    assert score.value == {"resolved": 0, "pass_rate": 0.0, "infra_error": 1}
    assert score.metadata["verdict"] == "infra_error"
    assert "did not finish within 8 s" in score.explanation
    assert "the untouched repository gives no verdict either" in score.explanation


@pytest.mark.docker
def test_agent_code_that_hangs_the_tests_is_unresolved_not_infra(tmp_path):
    """A hang caused by the agent's code (here: on import, ignoring signals) must not become an
    infrastructure failure, which reports leave out of the resolve rate: the hidden test waiting
    on it overruns its per-test limit, which ends the run without a report."""
    hang = ("import signal, time\nfor s in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT):\n"
            "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    time.sleep(3600)\n")
    steps = script(bash(f"cat >> /repo/app/stats.py <<'EOF'\n{hang}EOF"))
    task = family_task(TOY, persona="backend")
    (log,) = run(task, steps, tmp_path)
    _, score = only_score(log)
    assert score.metadata["verdict"] == "unresolved", score.explanation
    assert "exceeded its 30 s limit" in score.explanation


def _kill_when_started(image: str, after: float) -> threading.Thread:
    """Kill (from the host) the first running container of `image` once it has run `after` s."""

    def watch() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            found = subprocess.run(["docker", "ps", "-q", "--filter", f"ancestor={image}"],
                                   capture_output=True, text=True).stdout.split()  # fmt: skip
            if found:
                time.sleep(after)
                subprocess.run(["docker", "kill", *found], capture_output=True)
                return
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.docker
def test_container_dying_mid_run_is_an_infrastructure_failure(tmp_path):
    """Killed from outside (the engine, the host) while the agent works: not the agent's doing."""
    image = fixture_image_tag(load_family(TOY)[0])
    watcher = _kill_when_started(image, after=2)
    steps = script(bash("sleep 20; echo slept"), bash("echo still here"))
    (log,) = run(family_task(TOY, persona="backend"), steps, tmp_path)
    watcher.join(timeout=60)
    _, score = only_score(log)
    assert score.value["infra_error"] == 1 and score.value["resolved"] == 0
    assert score.metadata["verdict"] == "infra_error"


@pytest.mark.docker
def test_the_agent_cannot_stop_its_own_container(tmp_path):
    """Signals to the container's main process from inside are dropped, and killing every other
    process leaves the container running: an agent cannot turn its sample into an
    infrastructure failure that way (the red team's `stop-sandbox` also tries running it out of
    memory, which is graded as the agent left it)."""
    steps = script(bash("kill -TERM 1; kill -INT 1; kill -HUP 1; kill -KILL 1; kill -9 -1"),
                   bash("echo still-here; ps -o pid,comm -p 1"))  # fmt: skip
    (log,) = run(family_task(TOY, persona="backend"), steps, tmp_path)
    sample, score = only_score(log)
    assert "still-here" in tool_outputs(sample) and "evals-init" in tool_outputs(sample)
    assert score.metadata["verdict"] == "unresolved", score.explanation


def test_unknown_variant_values_give_clear_errors():
    with pytest.raises(VariantError, match="unknown persona 'nobody'.*backend-developer"):
        family_task(TOY, persona="nobody")
    with pytest.raises(VariantError, match="unknown tool set 'everything'"):
        family_task(TOY, tools="everything")
    with pytest.raises(VariantError, match="unknown fixture"):
        family_task(TOY, fixtures="nope")
    # the toy's grading budget is 120 s of hidden tests + 120 s capped re-run + 120 s
    with pytest.raises(VariantError, match=r"time_limit=600 is too small .*toy/calc_total.*time_limit=720"):
        family_task(TOY, time_limit=600, build_images=False)
