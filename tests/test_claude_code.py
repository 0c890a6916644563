"""The `claude-code` agent: the real Claude Code CLI in the sandbox, driven by scripted models
through Inspect's bridge, the persona applied as a subagent to its main thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, resolve_sample_attachments
from inspect_ai.model import get_model

from evals.agents.claude_code import CLAUDE_CODE_BUILTINS, claude_code_setup, classify_failure
from evals.paths import PERSONAS_DIR
from evals.personas import load_personas, parse_persona
from evals.task import family_task, resolve_variant

DATA = Path(__file__).parent / "data" / "families"
TOY = DATA / "toy"
PERSONAS = load_personas(PERSONAS_DIR)


def front_matter(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


# --------------------------------------------------------------------- how a persona is applied


def test_claude_code_file_with_its_own_tools_is_given_as_it_is():
    persona = PERSONAS["backend"]
    source = Path(persona.path).read_text()
    setup = claude_code_setup(persona, persona.tools, "backend")
    assert setup.agent_file == source and setup.agent_name == "backend"
    assert not setup.disallowed_tools and "as written" in setup.applied


def test_markdown_persona_is_converted_to_an_equivalent_subagent():
    persona = PERSONAS["backend-developer"]
    setup = claude_code_setup(persona, persona.tools, persona.name)
    back = parse_persona(setup.agent_file, "converted.md")
    assert back.system_prompt == persona.system_prompt
    assert back.tools == persona.tools and back.format == "claude-code"
    assert "converted from markdown sections" in setup.applied
    assert "activation patterns" in setup.applied  # what was left out is said


def test_tool_sets_rewrite_the_tools_field():
    persona = PERSONAS["backend"]
    minimal = claude_code_setup(persona, ("Bash", "Read", "Edit"), "minimal")
    assert front_matter(minimal.agent_file)["tools"] == "Bash, Read, Edit"
    every = claude_code_setup(persona, persona.tools, "all")
    assert "tools" not in front_matter(every.agent_file)  # no tools: field = every tool
    assert front_matter(every.agent_file)["description"] == persona.description


def test_plain_claude_code_and_its_minimal_control():
    plain = claude_code_setup(None, (), "all")
    assert plain.agent_name is None and plain.agent_file is None and not plain.disallowed_tools
    minimal = claude_code_setup(None, ("Bash", "Read", "Edit"), "minimal")
    assert set(minimal.disallowed_tools) == set(CLAUDE_CODE_BUILTINS) - {"Bash", "Read", "Edit"}


def test_variant_names_carry_the_agent():
    assert resolve_variant("backend", None, PERSONAS, agent="claude-code").name == "claude-code:backend"
    assert resolve_variant("none", None, PERSONAS, agent="claude-code").name == "claude-code:none"
    assert resolve_variant("none", None, PERSONAS).name == "none+tools:minimal"  # react's names are unchanged
    assert resolve_variant("none", "minimal", PERSONAS, agent="claude-code").name == "claude-code:none+tools:minimal"


# --------------------------------------------------------------------- real Claude Code, real engine


def run(tasks, model, tmp_path: Path) -> list[EvalLog]:
    logs = inspect_eval(tasks, model=model, log_dir=str(tmp_path / "logs"), display="none",
                        max_tasks=2, fail_on_error=False)  # fmt: skip
    assert all(log.status == "success" for log in logs), [log.error for log in logs]
    return logs


def model_events(sample) -> list:
    return [e for e in sample.events if e.event == "model"]


@pytest.mark.docker
def test_scripted_models_drive_real_claude_code(tmp_path):
    logs = run(family_task(TOY, agent="claude-code", persona="backend"), ["replay/oracle", "replay/noop"], tmp_path)
    by_model = {log.eval.model: log for log in logs}
    (oracle,) = [resolve_sample_attachments(s) for s in by_model["replay/oracle"].samples]
    (noop,) = by_model["replay/noop"].samples
    assert oracle.scores["hidden_tests"].value["resolved"] == 1
    assert oracle.scores["hidden_tests"].metadata["changed_files"] == ["app/stats.py"]
    assert noop.scores["hidden_tests"].value == {"resolved": 0, "pass_rate": 0.5, "infra_error": 0}

    # the log says which agent, which Claude Code, and how the persona was applied
    agent = oracle.metadata["agent"]
    assert agent["name"] == "claude-code" and agent["claude_code_version"].startswith("2.")
    assert agent["subagent"] == "backend" and "as written" in agent["persona_applied"]
    assert by_model["replay/oracle"].eval.metadata["variant"] == "claude-code:backend"

    # the model saw Claude Code's own requests: the persona's prompt as the system prompt, Claude
    # Code's tool definitions restricted to the persona's tools, and Read came before Edit
    first = model_events(oracle)[0]
    system = "\n".join(m.text for m in first.input if m.role == "system")
    assert PERSONAS["backend"].system_prompt[:200] in system
    offered = {t.name for t in first.tools}
    assert {"Read", "Edit", "Bash"} <= offered <= set(PERSONAS["backend"].tools) | {"Write", "WebSearch", "WebFetch"}
    assert "file_path" in json.dumps(next(t for t in first.tools if t.name == "Edit").parameters.model_dump())
    calls = [c.function for m in oracle.messages if m.role == "assistant" for c in (m.tool_calls or [])]
    assert calls[:2] == ["Read", "Edit"]
    # the Edit was executed by Claude Code itself, not by the harness's tools
    results = [m.text for m in oracle.messages if m.role == "tool"]
    assert results and "has been updated" in results[-1]


def test_a_claude_code_failure_is_infra_only_before_the_agent_acts_or_when_the_model_fails():
    assert classify_failure(model_failed=False, tool_calls=0) == "infra_error"  # nothing done yet
    assert classify_failure(model_failed=True, tool_calls=3) == "infra_error"  # the eval's model failed
    assert classify_failure(model_failed=False, tool_calls=1) == "stopped"  # the agent could have done it


@pytest.mark.docker
def test_an_agent_that_kills_claude_code_is_graded_not_infra_error(tmp_path):
    """Claude Code runs inside the agent's own sandbox, so the agent can kill it: that must not
    turn a run into infra_error (left out of comparisons); it is graded as the agent left it."""
    kill = "import os; [os.kill(int(p), 9) for p in os.popen('pidof claude').read().split()]"
    steps = [{"tool": "Bash", "arguments": {"command": f'python3 -c "{kill}"; sleep 5'}}]
    model = get_model("replay/script", memoize=False, steps=steps)
    (log,) = run(family_task(TOY, agent="claude-code", persona="none", fixtures="calc_total"), model, tmp_path)
    (sample,) = log.samples
    score = sample.scores["hidden_tests"]
    assert score.metadata["verdict"] == "unresolved", score.explanation
    assert "Claude Code ended abnormally" in sample.metadata.get("sandbox_stopped", ""), sample.messages
