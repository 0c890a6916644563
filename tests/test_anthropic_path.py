"""The real Anthropic path, proven offline.

The real `anthropic` SDK, through Inspect's `anthropic/` provider with its base URL pointed at a
local stand-in for the Messages API (tests/anthropic_stub.py), drives the persona agent to
resolve the toy fixture in its Docker sandbox: Read, Edit, then a final answer. The stub checks
the protocol (tool_result answers, roles, tool definitions) and records every request, so the
test can check what Inspect actually sent and that the log's usage is what the "API" reported.
Prompt caching is on (the task's `GenerateConfig(cache_prompt=True)`): every request carries
`cache_control` breakpoints on the system prompt and the last tool, the stub caches prefixes as the
API does, and the cache writes and reads reach the log and the leaderboard.
"""

from __future__ import annotations

import time
from pathlib import Path

import anthropic
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from evals.paths import PERSONAS_DIR
from evals.task import family_task

from anthropic_stub import AnthropicStub, Fault, estimate_tokens, text, tool_use

ROOT = Path(__file__).resolve().parents[1]
TOY = Path(__file__).parent / "data" / "families" / "toy"
MODEL = "anthropic/claude-sonnet-4-5"
API_KEY = "sk-ant-test-dummy-not-a-key"
STATS = "/repo/app/stats.py"
BUGGY = "    for i in range(len(items) - 1):\n        result += items[i]\n"
FIXED = "    for item in items:\n        result += item\n"

SESSION = [
    tool_use(("Read", {"file_path": STATS}), text="Let me look at the function first."),
    tool_use(("Edit", {"file_path": STATS, "old_string": BUGGY, "new_string": FIXED})),
    text("Fixed: `total()` looped over `range(len(items) - 1)` and skipped the last item; "
         "it now sums every item."),
]  # fmt: skip


def persona_body(name: str) -> str:
    """The body of a Claude Code subagent file (what follows the front matter), read directly."""
    _, _, body = (PERSONAS_DIR / f"{name}.md").read_text().split("---", 2)
    return body.strip()


def persona_tools(name: str) -> list[str]:
    (line,) = [l for l in (PERSONAS_DIR / f"{name}.md").read_text().splitlines() if l.startswith("tools:")]
    return [t.strip() for t in line.removeprefix("tools:").split(",")]


@pytest.fixture
def anthropic_env(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    for var in ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                "http_proxy", "https_proxy", "all_proxy"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def run_against(stub: AnthropicStub, tmp_path: Path, **config) -> EvalLog:
    (log,) = inspect_eval(
        family_task(TOY, persona="backend"),
        model=MODEL,
        model_base_url=stub.url,
        log_dir=str(tmp_path / "logs"),
        display="none",
        **config,
    )
    assert log.status == "success", log.error
    return log


def resolved_sample(log: EvalLog):
    (sample,) = log.samples
    assert sample.error is None, sample.error
    score = sample.scores["hidden_tests"]
    assert "infra_error" not in sample.metadata, sample.metadata.get("infra_error")
    assert score.value["resolved"] == 1, (score.value, score.explanation)
    assert score.value["infra_error"] == 0
    assert score.metadata["changed_files"] == ["app/stats.py"]
    return sample


def system_text(body: dict) -> str:
    system = body["system"]
    return system if isinstance(system, str) else "".join(block["text"] for block in system)


def tool_results(body: dict) -> list[dict]:
    last = body["messages"][-1]
    assert last["role"] == "user"
    return [b for b in last["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]


def test_stub_answers_and_refuses_like_the_messages_api():
    """The stub itself, driven by the SDK directly (no Docker): JSON and streamed answers,
    token counting, and 400/401 errors in the API's shape for protocol violations."""
    tools = [{"name": "Read", "description": "Read a file.",
              "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}}}]  # fmt: skip
    issue = {"role": "user", "content": "total() drops the last item"}
    with AnthropicStub(SESSION, api_key=API_KEY) as stub:
        client = anthropic.Anthropic(api_key=API_KEY, base_url=stub.url, max_retries=0)
        ask = dict(model="claude-sonnet-4-5", max_tokens=1024, tools=tools)
        first = client.messages.create(messages=[issue], **ask)  # non-streaming JSON
        assert first.stop_reason == "tool_use" and first.usage.input_tokens > 0
        (call,) = [b for b in first.content if b.type == "tool_use"]
        assert (call.name, call.input) == SESSION[0].tool_uses[0]
        answered = [issue, {"role": "assistant", "content": first.content},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "x"}]}]  # fmt: skip
        assert client.messages.count_tokens(model=ask["model"], messages=answered, tools=tools).input_tokens > 0

        def refused(messages, status=400, **overrides):
            error = {400: anthropic.BadRequestError, 401: anthropic.AuthenticationError}[status]
            with pytest.raises(error) as caught:
                (overrides.pop("client", client)).messages.create(messages=messages, **(ask | overrides))
            assert caught.value.status_code == status
            return caught.value.body["error"]

        wrong_id = [*answered[:2], {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_other", "content": "x"}]}]  # fmt: skip
        error = refused(wrong_id)
        assert error["type"] == "invalid_request_error" and "unexpected `tool_use_id`" in error["message"]
        assert "without `tool_result`" in refused([*answered[:2], {"role": "user", "content": "go on"}])["message"]
        assert "alternate" in refused([issue, issue])["message"]
        assert refused([issue], tools=[{"name": "Read", "description": "d"}])["type"] == "invalid_request_error"
        assert refused([issue], tools=[{"name": "Read", "input_schema": {"type": "object"}}])["message"].endswith(
            "description: Field required")
        bad_key = anthropic.Anthropic(api_key="sk-wrong", base_url=stub.url, max_retries=0)
        assert refused([issue], status=401, client=bad_key)["type"] == "authentication_error"

        with client.messages.stream(messages=answered, **ask) as stream:  # server-sent events
            second = stream.get_final_message()
        (edit,) = [b for b in second.content if b.type == "tool_use"]
        assert (edit.name, edit.input) == SESSION[1].tool_uses[0]  # reassembled from input_json_delta
        assert second.usage.model_dump(include={"input_tokens", "output_tokens"}) == {
            k: stub.messages_requests(ok_only=True)[-1].usage[k] for k in ("input_tokens", "output_tokens")}  # fmt: skip
    assert sum(1 for r in stub.requests if r.status == 400) == 5


def test_stub_caches_prompt_prefixes_like_the_api():
    """Writes on the first request, reads the prefix back on later ones, misses when an earlier
    block changes, and nothing below the minimum cacheable length (no Docker)."""
    ephemeral = {"type": "ephemeral"}
    tools = [{"name": f"Tool{i}", "description": "Does a thing. " * 150,
              "input_schema": {"type": "object"}} for i in range(3)]  # fmt: skip
    marked_tools = [*tools[:-1], dict(tools[-1], cache_control=ephemeral)]
    system = [{"type": "text", "text": "You are a backend engineer. " * 100, "cache_control": ephemeral}]
    issue = {"role": "user", "content": "total() drops the last item"}
    with AnthropicStub(SESSION, api_key=API_KEY) as stub:
        client = anthropic.Anthropic(api_key=API_KEY, base_url=stub.url, max_retries=0)
        ask = dict(model="claude-sonnet-4-5", max_tokens=1024, tools=marked_tools, system=system,
                   extra_body={"cache_control": ephemeral})  # fmt: skip
        first = client.messages.create(messages=[issue], **ask).usage
        assert first.cache_creation_input_tokens > 1024 and first.cache_read_input_tokens == 0
        assert stub.requests[-1].breakpoints == ["tools[2]", "system[0]", "auto"]
        (call,) = [b for b in client.messages.create(messages=[issue], **ask).content if b.type == "tool_use"]
        again = stub.requests[-1].usage
        assert again["cache_read_input_tokens"] == first.cache_creation_input_tokens
        assert again["cache_creation_input_tokens"] == 0
        history = [issue, {"role": "assistant", "content": [{"type": "tool_use", "id": call.id,
                   "name": call.name, "input": call.input}]},
                   {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "x"}]}]  # fmt: skip
        later = client.messages.create(messages=history, **ask).usage
        assert later.cache_read_input_tokens == first.cache_creation_input_tokens  # the whole first prompt
        assert later.cache_creation_input_tokens > 0  # and the new turns are written
        # another system prompt: only the tools (before it) are read back
        other = client.messages.create(messages=history, **(ask | {"system": "Another persona."})).usage
        assert 0 < other.cache_read_input_tokens < first.cache_creation_input_tokens
        # no cache_control at all: everything is uncached input
        plain = client.messages.create(messages=history, model="claude-sonnet-4-5", max_tokens=1024,
                                       tools=tools, system=system[0]["text"]).usage  # fmt: skip
        assert plain.cache_read_input_tokens == plain.cache_creation_input_tokens == 0
        assert plain.input_tokens == (later.input_tokens + later.cache_read_input_tokens
                                      + later.cache_creation_input_tokens)  # the same prompt, unmarked
    with AnthropicStub(SESSION, api_key=API_KEY) as small:  # below 1024 tokens nothing is cached
        client = anthropic.Anthropic(api_key=API_KEY, base_url=small.url, max_retries=0)
        usage = client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, messages=[issue],
                                       system=[{"type": "text", "text": "short", "cache_control": ephemeral}]).usage  # fmt: skip
        assert usage.cache_creation_input_tokens == usage.cache_read_input_tokens == 0


def test_tasks_turn_prompt_caching_on():
    """Explicitly, not by Inspect's default: the anthropic provider then marks the system prompt
    and the last tool with cache_control."""
    task = family_task(TOY, persona="backend", build_images=False)
    assert task.config.cache_prompt is True


@pytest.mark.docker
def test_real_sdk_against_local_messages_api_resolves_the_fixture(tmp_path, anthropic_env):
    with AnthropicStub(SESSION, api_key=API_KEY) as stub:
        log = run_against(stub, tmp_path)
    sample = resolved_sample(log)

    # nothing the stub refused, and one request per scripted turn
    assert [r.error for r in stub.requests if r.error] == []
    calls = stub.messages_requests(ok_only=True)
    assert [r.turn for r in calls] == [0, 1, 2]
    first = calls[0]
    # the SDK's own request: anthropic 2.x sends the key as a bearer token, streams (Inspect asks
    # for max_tokens 32000 and streams from 8192 on) through its `messages.stream` helper
    assert first.headers["authorization"] == f"Bearer {API_KEY}"
    assert first.headers["anthropic-version"] and first.headers["user-agent"].startswith("AsyncAnthropic/Python")
    assert all(r.body["stream"] is True for r in calls)
    assert first.body["model"] == "claude-sonnet-4-5"

    # the persona's system prompt verbatim, then the environment facts
    for call in calls:
        system = system_text(call.body)
        assert system.startswith(persona_body("backend")), system[:200]
        assert "Working directory: /repo" in system
    # exactly the persona's tools, each a proper client tool definition
    assert [t["name"] for t in first.body["tools"]] == persona_tools("backend")
    assert all(t["description"] and t["input_schema"]["type"] == "object" for t in first.body["tools"])
    # prompt caching: a breakpoint on the system prompt and on the last tool (the whole tool list),
    # the same in every request, plus Inspect's automatic message caching
    assert log.plan.config.cache_prompt is True
    for call in calls:
        assert call.body["system"][-1]["cache_control"]["type"] == "ephemeral"
        *others, last = call.body["tools"]
        assert last["cache_control"]["type"] == "ephemeral"
        assert not [t["name"] for t in others if "cache_control" in t]
        assert call.breakpoints[:2] == [f"tools[{len(others)}]", "system[0]"]
        assert call.body["cache_control"]["type"] == "ephemeral"
    # the first request writes the cache, later ones read the tools + system prompt (and more) back
    usages = [call.usage for call in calls]
    assert usages[0]["cache_creation_input_tokens"] > 0 and usages[0]["cache_read_input_tokens"] == 0
    prefix = sum(estimate_tokens({k: v for k, v in t.items() if k != "cache_control"}) for t in first.body["tools"])
    prefix += estimate_tokens({k: v for k, v in first.body["system"][0].items() if k != "cache_control"})
    for before, after in zip(usages, usages[1:]):
        assert after["cache_read_input_tokens"] >= prefix, (prefix, usages)
        assert after["cache_read_input_tokens"] == (
            before["cache_read_input_tokens"] + before["cache_creation_input_tokens"]), usages

    # the user turn is the issue
    issue = (TOY / "fixtures" / "calc_total" / "issue.md").read_text().strip()
    assert issue in str(first.body["messages"][0]["content"])

    # each later request answered the previous turn's tool_use ids
    (read_id,) = stub.tool_use_ids(0)
    (edit_id,) = stub.tool_use_ids(1)
    (read_result,) = tool_results(calls[1].body)
    assert read_result["tool_use_id"] == read_id
    assert "range(len(items) - 1)" in str(read_result["content"])  # the Read tool's numbered lines
    (edit_result,) = tool_results(calls[2].body)
    assert edit_result["tool_use_id"] == edit_id and not edit_result.get("is_error")

    # the transcript shows the calls as the SDK parsed them (streamed input_json_delta included)
    made = [(c.function, c.arguments) for m in sample.messages if m.role == "assistant" for c in (m.tool_calls or [])]
    assert made == [("Read", SESSION[0].tool_uses[0][1]), ("Edit", SESSION[1].tool_uses[0][1])]
    assert sample.output.completion.startswith("Fixed:")

    # the log's token usage is exactly what the API reported, summed over the turns
    reported = stub.usage_totals()
    assert reported["cache_creation_input_tokens"] > 0 and reported["cache_read_input_tokens"] > 0
    usage = sample.model_usage[MODEL]
    assert usage.input_tokens == reported["input_tokens"]
    assert usage.output_tokens == reported["output_tokens"]
    assert usage.input_tokens_cache_write == reported["cache_creation_input_tokens"]
    assert usage.input_tokens_cache_read == reported["cache_read_input_tokens"]
    assert usage.total_tokens == sum(reported.values())
    assert log.stats.model_usage[MODEL].total_tokens == usage.total_tokens

    # ... and tokens and dollars flow into the leaderboard (sonnet 4.5 prices of the table)
    from evals.leaderboard import build_report
    from evals.logdata import load_samples
    from evals.personas import load_personas
    from evals.prices import load_prices

    data = load_samples(tmp_path / "logs", load_prices())
    row = build_report(data.samples, load_personas(ROOT / "personas")).overall.iloc[0]
    expected = (reported["input_tokens"] * 3.0 + reported["output_tokens"] * 15.0
                + reported["cache_creation_input_tokens"] * 3.75 + reported["cache_read_input_tokens"] * 0.30) / 1e6
    assert row["model"] == MODEL and row["resolved"] == 1
    assert row["tokens_per_sample"] == usage.total_tokens
    assert row["cost_usd"] == pytest.approx(expected)
    assert row["cache_read_tokens"] == reported["cache_read_input_tokens"]
    assert row["cache_write_tokens"] == reported["cache_creation_input_tokens"]
    assert row["input_tokens"] == reported["input_tokens"] and row["output_tokens"] == reported["output_tokens"]


@pytest.mark.docker
def test_overloaded_api_is_retried_by_inspect_and_the_run_still_resolves(tmp_path, anthropic_env):
    # 529 overloaded on the Edit turn, with `x-should-retry: false` so the SDK does not retry it
    # itself: Inspect's own retry (exponential backoff from 3 s) has to bring the run through.
    overloaded = Fault(turn=1, status=529, type="overloaded_error", message="Overloaded",
                       headers={"x-should-retry": "false"})  # fmt: skip
    started = time.monotonic()
    with AnthropicStub(SESSION, faults=[overloaded], api_key=API_KEY) as stub:
        log = run_against(stub, tmp_path, max_retries=3, timeout=60)
    elapsed = time.monotonic() - started
    sample = resolved_sample(log)

    calls = stub.messages_requests()
    assert [(r.turn, r.status) for r in calls] == [(0, 200), (1, 529), (1, 200), (2, 200)]
    assert calls[1].body == calls[2].body  # the same request, sent again
    assert calls[1].error == "overloaded_error: Overloaded"
    # a new SDK call each time (an SDK-internal retry would count up x-stainless-retry-count)
    assert [r.headers["x-stainless-retry-count"] for r in calls] == ["0"] * 4
    # the transcript keeps the failed attempt (the API's error, status 529) and the retry after
    # Inspect's backoff; the failed attempt's usage is not counted
    model_events = [e for e in sample.events if e.event == "model"]
    failed = [e for e in model_events if e.error]
    assert len(model_events) == 4 and len(failed) == 1
    assert "529" in failed[0].error and "overloaded_error" in failed[0].error
    assert [r.status for r in failed[0].request_ids] == [529]
    (edit_turn,) = [e for e in model_events if not e.error and e.output.message.tool_calls
                    and e.output.message.tool_calls[0].function == "Edit"]  # fmt: skip
    assert (edit_turn.completed - edit_turn.timestamp).total_seconds() >= 2.5  # Inspect's backoff
    reported = stub.usage_totals()
    assert sample.model_usage[MODEL].total_tokens == sum(reported.values())
    assert elapsed < 120
