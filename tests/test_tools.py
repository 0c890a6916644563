"""The Claude Code tool set (evals/tools) against a real Docker sandbox.

Tool calls go through Inspect's own ``execute_tools`` (schema validation, ToolError handling,
output limits) into a container started by Inspect's docker provider, then by the project's
docker-sdk provider: one container per provider, a fresh workspace directory and a fresh sample
store for every test.
"""

import base64
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from inspect_ai.model import ChatMessageAssistant, execute_tools
from inspect_ai.tool import ToolCall, ToolDef, ToolError
from inspect_ai.util import SandboxEnvironment, store, store_as

from evals.tools import CANONICAL_TOOLS, UNAVAILABLE, ToolState, canonical_tool_name, tool_defs
from evals.tools._bash import MAX_TIMEOUT_MS, not_started, parse_wrapper_output
from evals.tools._common import MAX_OUTPUT_CHARS, truncate_output
from evals.tools._files import format_numbered
from evals.tools._sandbox_fs import Edit, EditError, apply_edits
from evals.tools._search import format_tree, grep_argv
from evals.images import ensure_stack_image
from sandbox_support import docker_sandbox, sample_store

pytestmark = pytest.mark.docker

SANDBOX_STACK = "python-web"
"""The tools are tested in the project's main sandbox image (built once, content-hash tag)."""


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sandbox_image() -> str:
    return ensure_stack_image(SANDBOX_STACK)[0]


def workspace(item: pytest.Item) -> str:
    """The directory one test works in (its own, so tests sharing a container stay apart)."""
    return "/repo/" + re.sub(r"[^A-Za-z0-9_]", "_", item.name)


@pytest.fixture(scope="module", params=["docker", "docker-sdk"])
async def sandbox_env(
    sandbox_image: str, request: pytest.FixtureRequest
) -> AsyncIterator[SandboxEnvironment]:
    """Every tool test runs on Inspect's docker sandbox and on the project's docker-sdk one."""
    async with docker_sandbox(sandbox_image, task_name="test-tools", provider=request.param) as env:
        # one round trip for every test's workspace, rather than one per test
        roots = [workspace(item) for item in request.session.items
                 if item.module is request.module]
        made = await env.exec(["mkdir", "-p", *roots])
        assert made.success, made.stderr
        yield env


@dataclass
class Result:
    text: str
    error: str | None
    error_type: str | None


@dataclass
class Agent:
    """Calls the tools as a model would, inside one test's workspace directory."""

    env: SandboxEnvironment
    root: str
    defs: list[ToolDef]

    async def call(self, name: str, **args: object) -> Result:
        message = ChatMessageAssistant(
            content="", tool_calls=[ToolCall(id="call-1", function=name, arguments=args)]
        )
        result = await execute_tools([message], self.defs)
        reply = result.messages[0]
        error = reply.error  # type: ignore[union-attr]
        return Result(reply.text, error.message if error else None, error.type if error else None)

    async def ok(self, name: str, **args: object) -> str:
        result = await self.call(name, **args)
        assert result.error is None, f"{name} failed: {result.error}"
        return result.text

    async def fails(self, name: str, **args: object) -> str:
        result = await self.call(name, **args)
        assert result.error is not None, f"{name} unexpectedly succeeded: {result.text[:500]}"
        return result.error

    async def sh(self, command: str) -> str:
        """Set up or inspect the sandbox directly (not through the tools)."""
        result = await self.env.exec(["bash", "-c", command], cwd=self.root)
        assert result.success, result.stderr
        return result.stdout

    async def cat(self, path: str) -> str:
        return await self.env.read_file(path)

    def path(self, name: str) -> str:
        return f"{self.root}/{name}"


@pytest.fixture
async def agent(
    sandbox_env: SandboxEnvironment, request: pytest.FixtureRequest
) -> AsyncIterator[Agent]:
    root = workspace(request.node)
    with sample_store():
        yield Agent(sandbox_env, root, tool_defs(CANONICAL_TOOLS, workdir=root))


def state() -> ToolState:
    return store_as(ToolState)


# ---------------------------------------------------------------- registry and schemas

SPEC = {
    "Read": ({"file_path"}, {"file_path", "offset", "limit"}),
    "Write": ({"file_path", "content"}, {"file_path", "content"}),
    "Edit": (
        {"file_path", "old_string", "new_string"},
        {"file_path", "old_string", "new_string", "replace_all"},
    ),
    "MultiEdit": ({"file_path", "edits"}, {"file_path", "edits"}),
    "Bash": ({"command"}, {"command", "timeout", "description", "run_in_background"}),
    "Glob": ({"pattern"}, {"pattern", "path"}),
    "Grep": (
        {"pattern"},
        {"pattern", "path", "glob", "type", "output_mode", "-A", "-B", "-C", "-n", "-i",
         "head_limit", "multiline"},
    ),
    "LS": ({"path"}, {"path", "ignore"}),
    "WebSearch": ({"query"}, {"query", "allowed_domains", "blocked_domains"}),
    "WebFetch": ({"url", "prompt"}, {"url", "prompt"}),
    "TodoWrite": ({"todos"}, {"todos"}),
}


def test_canonical_tools_in_spec_order() -> None:
    assert CANONICAL_TOOLS == (
        "Read", "Write", "Edit", "MultiEdit", "Bash", "Glob", "Grep", "LS",
        "WebSearch", "WebFetch", "TodoWrite",
    )


def test_tool_defs_follow_requested_order_and_normalise_case() -> None:
    defs = tool_defs(["grep", "Read", "BASH", "read"])
    assert [d.name for d in defs] == ["Grep", "Read", "Bash"]
    assert canonical_tool_name(" multiedit ") == "MultiEdit"


def test_tool_defs_reject_unknown_name() -> None:
    with pytest.raises(ValueError, match="NotebookEdit"):
        tool_defs(["Read", "NotebookEdit"])
    with pytest.raises(ValueError, match="absolute"):
        tool_defs(["Read"], workdir="repo")


def test_schemas_match_spec() -> None:
    for tool in tool_defs(CANONICAL_TOOLS):
        required, properties = SPEC[tool.name]
        assert set(tool.parameters.required) == required, tool.name
        assert set(tool.parameters.properties) == properties, tool.name
        assert tool.parameters.additionalProperties is False, tool.name
        assert tool.description and len(tool.description) < 700, tool.name
    multi = {t.name: t for t in tool_defs(["MultiEdit", "TodoWrite"])}
    item = multi["MultiEdit"].parameters.properties["edits"].items
    assert item is not None and item.additionalProperties is False
    assert set(item.required or []) == {"old_string", "new_string"}
    todo = multi["TodoWrite"].parameters.properties["todos"].items
    assert todo is not None and set(todo.required or []) == {"content", "status", "id"}
    assert todo.properties and todo.properties["status"].enum == [
        "pending", "in_progress", "completed"
    ]


@pytest.mark.anyio
async def test_unknown_and_missing_keys_rejected(agent: Agent) -> None:
    for name in CANONICAL_TOOLS:
        result = await agent.call(name, bogus=1)
        assert result.error_type == "parsing", name
        assert "bogus" in (result.error or ""), name
        assert "required" in (result.error or ""), name
    # called directly (not through Inspect's validation) the tools check their input too
    read = tool_defs(["Read"])[0]
    with pytest.raises(ToolError, match="unexpected"):
        await read.tool(file_path="/x", bogus=1)
    with pytest.raises(ToolError, match="file_path"):
        await read.tool()


# ---------------------------------------------------------------- pure helpers


def test_format_numbered_is_cat_n() -> None:
    assert format_numbered(["a", "", "c"], 9) == "     9\ta\n    10\t\n    11\tc"
    assert format_numbered(["x"], 1234567) == "1234567\tx"


def test_apply_edits_sequential_and_atomic() -> None:
    text, _ = apply_edits("a b c", [Edit("a", "x"), Edit("x b", "y")])
    assert text == "y c"
    with pytest.raises(EditError, match="Edit 2 of 2: String to replace not found"):
        apply_edits("a b c", [Edit("a", "x"), Edit("zzz", "y")])
    with pytest.raises(EditError, match="Found 2 matches"):
        apply_edits("a a", [Edit("a", "b")])
    assert apply_edits("a a", [Edit("a", "b", replace_all=True)])[0] == "b b"
    with pytest.raises(EditError, match="substring of a new_string"):
        apply_edits("a", [Edit("a", "foo"), Edit("foo", "bar")])


def test_truncate_output_says_how_much_was_cut() -> None:
    assert truncate_output("short") == "short"
    text = "x" * 10 + "\n" + "y" * 10
    out = truncate_output(text, limit=5)
    assert out.startswith("xxxxx\n") and "1 more lines (16 bytes)" in out
    out = truncate_output("abc", rest_lines=7, rest_bytes=900)
    assert "7 more lines (900 bytes)" in out


def test_grep_argv() -> None:
    assert grep_argv("foo", "/r")[-4:] == ["-e", "foo", "--", "/r"]
    files = grep_argv("foo", "/r", after=2, line_numbers=True)
    assert "--files-with-matches" in files and "-A" not in files and "--line-number" not in files
    content = grep_argv("foo", "/r", output_mode="content", after=2, before=1, context=3,
                        line_numbers=True, ignore_case=True, multiline=True,
                        file_type="py", glob="*.py")
    joined = " ".join(content)
    for part in ("-A 2", "-B 1", "-C 3", "--line-number", "-i", "--type py", "--glob *.py",
                 "-U --multiline-dotall"):
        assert part in joined, part
    assert "--count" in grep_argv("foo", "/r", output_mode="count")


def test_format_tree() -> None:
    tree = format_tree("/repo", ["b.txt", "src/", "src/pkg/", "src/a.py", "src/pkg/m.py"])
    assert tree == "\n".join([
        "- /repo/", "  - b.txt", "  - src/", "    - a.py", "    - pkg/", "      - m.py"
    ])


def test_wrapper_header_must_carry_the_marker() -> None:
    cwd = base64.b64encode(b"/etc").decode()
    good = parse_wrapper_output(f"m1 0 1 0 0 - {cwd}\nout", "m1")
    assert good.cwd == "/etc" and good.output == "out"
    with pytest.raises(RuntimeError):
        parse_wrapper_output(f"m2 0 1 0 0 - {cwd}\nout", "m1")


def test_only_a_command_that_never_started_counts_as_not_started() -> None:
    """Only then is the command run again (after clearing the sandbox): nothing of it ran."""
    error = "/usr/bin/timeout: fork system call failed: Resource temporarily unavailable"
    assert not_started(125, error + "\n") and not_started(125, "timeout: fork system call failed: Resource temporarily unavailable")
    assert not not_started(1, error)  # another exit code: something else failed
    assert not not_started(125, "some output of the command\n" + error)  # the command did run
    assert not not_started(125, "timeout: failed to run command 'x': No such file or directory")
    # the engine could not start the exec'd process (seen at a fork bomb's pid limit)
    oci = ("OCI runtime exec failed: exec failed: unable to start container process: "
           "read init-p: connection reset by peer: unknown")
    assert not_started(126, oci + "\n")
    assert not not_started(126, "bash: ./run.sh: Permission denied")  # 126 from the command itself
    assert not not_started(126, "output of the command\n" + oci)


# ---------------------------------------------------------------- Read


@pytest.mark.anyio
async def test_read_numbers_lines_like_cat_n(agent: Agent) -> None:
    await agent.sh("printf 'alpha\\n\\tbeta\\ngamma' > f.txt")
    assert await agent.ok("Read", file_path=agent.path("f.txt")) == (
        "     1\talpha\n     2\t\tbeta\n     3\tgamma"
    )


@pytest.mark.anyio
async def test_read_offset_limit_and_default_limit(agent: Agent) -> None:
    await agent.sh("seq 1 2500 | sed 's/^/line /' > n.txt")
    text = await agent.ok("Read", file_path=agent.path("n.txt"), offset=10, limit=3)
    assert text == "    10\tline 10\n    11\tline 11\n    12\tline 12"
    whole = (await agent.ok("Read", file_path=agent.path("n.txt"))).splitlines()
    assert len(whole) == 2000 and whole[-1] == "  2000\tline 2000"
    tail = await agent.ok("Read", file_path=agent.path("n.txt"), offset=2499)
    assert tail == "  2499\tline 2499\n  2500\tline 2500"


@pytest.mark.anyio
async def test_read_cuts_long_lines_and_strips_crlf(agent: Agent) -> None:
    await agent.sh("python3 -c \"print('x' * 5000); print('end')\" > long.txt")
    await agent.sh("printf 'one\\r\\ntwo\\r\\n' > crlf.txt")
    lines = (await agent.ok("Read", file_path=agent.path("long.txt"))).split("\n")
    assert lines[0] == "     1\t" + "x" * 2000 and lines[1] == "     2\tend"
    assert await agent.ok("Read", file_path=agent.path("crlf.txt")) == "     1\tone\n     2\ttwo"


@pytest.mark.anyio
async def test_read_empty_file_and_offset_past_end_are_notes(agent: Agent) -> None:
    await agent.sh(": > empty.txt; printf 'a\\nb\\n' > two.txt")
    assert "empty" in await agent.ok("Read", file_path=agent.path("empty.txt"))
    note = await agent.ok("Read", file_path=agent.path("two.txt"), offset=5)
    assert "2 lines" in note and "5" in note


@pytest.mark.anyio
async def test_read_errors(agent: Agent) -> None:
    await agent.sh("head -c 600 /dev/urandom > blob.bin; printf '\\0\\1' >> blob.bin; mkdir d")
    assert "does not exist" in await agent.fails("Read", file_path=agent.path("nope.txt"))
    assert "directory" in await agent.fails("Read", file_path=agent.path("d"))
    assert "absolute" in await agent.fails("Read", file_path="relative.txt")
    assert "binary" in await agent.fails("Read", file_path=agent.path("blob.bin"))
    assert "limit" in await agent.fails("Read", file_path=agent.path("d"), limit=0)


@pytest.mark.anyio
async def test_read_large_file_needs_offset_or_limit(agent: Agent) -> None:
    await agent.sh("python3 -c \"print(('y' * 99 + chr(10)) * 4000, end='')\" > big.txt")
    message = await agent.fails("Read", file_path=agent.path("big.txt"))
    assert "offset and limit" in message and "KB" in message
    part = await agent.ok("Read", file_path=agent.path("big.txt"), offset=3999, limit=5)
    assert part.splitlines()[-1] == "  4000\t" + "y" * 99
    too_many = await agent.fails("Read", file_path=agent.path("big.txt"), offset=1, limit=2000)
    assert "tokens" in too_many and "offset and limit" in too_many


# ---------------------------------------------------------------- Write


@pytest.mark.anyio
async def test_write_creates_file_and_parents(agent: Agent) -> None:
    target = agent.path("new/dir/hello.py")
    text = await agent.ok("Write", file_path=target, content="print('hi')\nünï\n")
    assert "created" in text
    assert await agent.cat(target) == "print('hi')\nünï\n"
    assert target in state().read_files
    # a file the agent wrote counts as read: it can edit it at once
    await agent.ok("Edit", file_path=target, old_string="hi", new_string="bye")
    assert await agent.cat(target) == "print('bye')\nünï\n"


@pytest.mark.anyio
async def test_write_refuses_unread_existing_file(agent: Agent) -> None:
    target = agent.path("keep.txt")
    await agent.sh("echo original > keep.txt")
    assert "has not been read" in await agent.fails("Write", file_path=target, content="x")
    assert await agent.cat(target) == "original\n"
    await agent.ok("Read", file_path=target)
    await agent.ok("Write", file_path=target, content="replaced")
    assert await agent.cat(target) == "replaced"


@pytest.mark.anyio
async def test_write_refuses_file_changed_since_read(agent: Agent) -> None:
    target = agent.path("moving.txt")
    await agent.sh("echo v1 > moving.txt")
    await agent.ok("Read", file_path=target)
    await agent.sh("echo v2 > moving.txt && touch -d 'now + 5 seconds' moving.txt")
    assert "modified since" in await agent.fails("Write", file_path=target, content="v3")
    assert "modified since" in await agent.fails(
        "Edit", file_path=target, old_string="v2", new_string="v3"
    )
    await agent.ok("Read", file_path=target)
    await agent.ok("Write", file_path=target, content="v3")
    assert await agent.cat(target) == "v3"


@pytest.mark.anyio
async def test_write_errors(agent: Agent) -> None:
    await agent.sh("mkdir d")
    assert "absolute" in await agent.fails("Write", file_path="x.txt", content="x")
    assert "directory" in await agent.fails("Write", file_path=agent.path("d"), content="x")
    assert (await agent.call("Write", file_path=agent.path("x"))).error_type == "parsing"


# ---------------------------------------------------------------- Edit


@pytest.mark.anyio
async def test_edit_replaces_exactly_once_and_shows_snippet(agent: Agent) -> None:
    target = agent.path("app.py")
    await agent.sh("printf 'def f():\\n    return 1\\n\\nx = f()\\n' > app.py")
    await agent.ok("Read", file_path=target)
    text = await agent.ok("Edit", file_path=target, old_string="return 1", new_string="return 2")
    assert "     2\t    return 2" in text and "has been updated" in text
    assert await agent.cat(target) == "def f():\n    return 2\n\nx = f()\n"
    # the edit counts as a read: a second edit needs no new Read
    await agent.ok("Edit", file_path=target, old_string="x = f()", new_string="y = f()")
    assert (await agent.cat(target)).endswith("y = f()\n")


@pytest.mark.anyio
async def test_edit_errors(agent: Agent) -> None:
    target = agent.path("e.txt")
    await agent.sh("printf 'dup dup\\nsolo\\n' > e.txt")
    assert "has not been read" in await agent.fails(
        "Edit", file_path=target, old_string="solo", new_string="x"
    )
    await agent.ok("Read", file_path=target)
    assert "not found" in await agent.fails(
        "Edit", file_path=target, old_string="absent", new_string="x"
    )
    assert "Found 2 matches" in await agent.fails(
        "Edit", file_path=target, old_string="dup", new_string="x"
    )
    assert "exactly the same" in await agent.fails(
        "Edit", file_path=target, old_string="solo", new_string="solo"
    )
    assert "already exists" in await agent.fails(
        "Edit", file_path=target, old_string="", new_string="x"
    )
    assert "does not exist" in await agent.fails(
        "Edit", file_path=agent.path("missing.txt"), old_string="a", new_string="b"
    )
    assert "absolute" in await agent.fails(
        "Edit", file_path="e.txt", old_string="a", new_string="b"
    )
    assert await agent.cat(target) == "dup dup\nsolo\n"


@pytest.mark.anyio
async def test_edit_replace_all_and_create_with_empty_old_string(agent: Agent) -> None:
    target = agent.path("r.txt")
    await agent.sh("printf 'a-a-a\\n' > r.txt")
    await agent.ok("Read", file_path=target)
    text = await agent.ok("Edit", file_path=target, old_string="a", new_string="b",
                          replace_all=True)
    assert "All occurrences" in text
    assert await agent.cat(target) == "b-b-b\n"
    created = agent.path("fresh/new.txt")
    assert "created" in await agent.ok("Edit", file_path=created, old_string="",
                                        new_string="hello\n")
    assert await agent.cat(created) == "hello\n"


@pytest.mark.anyio
async def test_edit_keeps_crlf_line_endings(agent: Agent) -> None:
    target = agent.path("win.txt")
    await agent.sh("printf 'one\\r\\ntwo\\r\\nthree\\r\\n' > win.txt")
    await agent.ok("Read", file_path=target)
    await agent.ok("Edit", file_path=target, old_string="one\ntwo", new_string="1\n2")
    raw = await agent.env.read_file(target, text=False)
    assert raw == b"1\r\n2\r\nthree\r\n"


# ---------------------------------------------------------------- MultiEdit


@pytest.mark.anyio
async def test_multiedit_applies_in_order(agent: Agent) -> None:
    target = agent.path("m.py")
    await agent.sh("printf 'x = 1\\ny = 2\\n' > m.py")
    await agent.ok("Read", file_path=target)
    text = await agent.ok("MultiEdit", file_path=target, edits=[
        {"old_string": "x = 1", "new_string": "x = 10"},
        {"old_string": "x = 10\ny", "new_string": "x = 10\nz"},
        {"old_string": "2", "new_string": "3", "replace_all": True},
    ])
    assert "Applied 3 edits" in text
    assert await agent.cat(target) == "x = 10\nz = 3\n"


@pytest.mark.anyio
async def test_multiedit_is_all_or_nothing(agent: Agent) -> None:
    target = agent.path("m.py")
    await agent.sh("printf 'x = 1\\n' > m.py")
    assert "has not been read" in await agent.fails(
        "MultiEdit", file_path=target, edits=[{"old_string": "x", "new_string": "y"}]
    )
    await agent.ok("Read", file_path=target)
    message = await agent.fails("MultiEdit", file_path=target, edits=[
        {"old_string": "x = 1", "new_string": "x = 2"},
        {"old_string": "nowhere", "new_string": "z"},
    ])
    assert "Edit 2 of 2" in message and "not found" in message
    assert await agent.cat(target) == "x = 1\n"
    assert "at least one" in await agent.fails("MultiEdit", file_path=target, edits=[])
    bad_item = await agent.call("MultiEdit", file_path=target,
                                edits=[{"old_string": "x", "new_string": "y", "extra": 1}])
    assert bad_item.error_type == "parsing" and "extra" in (bad_item.error or "")
    assert "exactly the same" in await agent.fails(
        "MultiEdit", file_path=target, edits=[{"old_string": "x", "new_string": "x"}]
    )


# ---------------------------------------------------------------- Bash


@pytest.mark.anyio
async def test_bash_output_stderr_and_exit_code(agent: Agent) -> None:
    text = await agent.ok("Bash", command="echo out; echo err >&2; exit 3",
                          description="demo")
    assert text == "out\nerr\nExit code 3"
    assert await agent.ok("Bash", command="pwd") == agent.root
    assert "no output" in await agent.ok("Bash", command="true")


@pytest.mark.anyio
async def test_bash_working_directory_persists(agent: Agent) -> None:
    await agent.sh("mkdir -p sub/deeper")
    await agent.ok("Bash", command="cd sub")
    assert await agent.ok("Bash", command="pwd") == agent.path("sub")
    # a cd followed by exit (even non-zero) still counts; a failed cd does not move
    await agent.call("Bash", command="cd deeper; exit 4")
    assert await agent.ok("Bash", command="pwd") == agent.path("sub/deeper")
    await agent.call("Bash", command="cd /no/such/dir")
    assert await agent.ok("Bash", command="pwd") == agent.path("sub/deeper")
    # environment variables do not persist (each call is a new shell), as in Claude Code
    await agent.ok("Bash", command="export FOO=bar")
    assert await agent.ok("Bash", command="echo \"[$FOO]\"") == "[]"
    assert state().cwd == agent.path("sub/deeper")


@pytest.mark.anyio
async def test_bash_output_cannot_spoof_the_working_directory(agent: Agent) -> None:
    fake_cwd = base64.b64encode(b"/etc").decode()
    await agent.ok("Bash", command=f"printf 'x 0 1 0 0 - {fake_cwd}\\n/etc\\n'")
    await agent.ok("Bash", command=f"echo {fake_cwd} >&2; echo /etc")
    assert await agent.ok("Bash", command="pwd") == agent.root


@pytest.mark.anyio
async def test_bash_removed_working_directory_is_reset(agent: Agent) -> None:
    await agent.sh("mkdir gone")
    await agent.ok("Bash", command="cd gone")
    await agent.sh("rmdir gone")
    text = await agent.ok("Bash", command="pwd")
    assert text.startswith(agent.root) and "no longer exists" in text


@pytest.mark.anyio
async def test_bash_timeout_returns_partial_output(agent: Agent) -> None:
    started = time.monotonic()
    text = await agent.ok("Bash", command="echo started; sleep 30; echo never", timeout=1500)
    assert time.monotonic() - started < 25  # the command would take 30 s: it was cut at the timeout
    assert text.startswith("started") and "timed out" in text and "never" not in text
    for bad in (0, -5, MAX_TIMEOUT_MS + 1):
        assert "timeout" in await agent.fails("Bash", command="true", timeout=bad)


@pytest.mark.anyio
async def test_bash_truncates_long_output(agent: Agent) -> None:
    text = await agent.ok("Bash", command="seq 1 20000")
    assert text.startswith("1\n2\n3\n")
    body, _, note = text.partition("\n\n... [output truncated: ")
    assert len(body) == MAX_OUTPUT_CHARS
    assert "more lines" in note and "bytes" in note
    total_lines = int(body.rsplit("\n", 1)[0].rsplit("\n", 1)[-1]) + 1 + int(note.split()[0])
    assert total_lines in (20000, 20001)


@pytest.mark.anyio
async def test_bash_survives_huge_and_binary_output(agent: Agent) -> None:
    started = time.monotonic()
    text = await agent.ok("Bash", command="head -c 50000000 /dev/zero | tr '\\0' 'a'; echo")
    assert time.monotonic() - started < 90  # wide margin for a loaded machine; the point is that it ends
    assert len(text) < MAX_OUTPUT_CHARS + 300 and "49970001 bytes" in text
    binary = await agent.ok("Bash", command="head -c 4000 /dev/urandom; printf '\\0\\0'")
    assert "\x00" not in binary and len(binary) > 100


@pytest.mark.anyio
async def test_bash_command_travels_on_stdin(agent: Agent) -> None:
    payload = "z" * 300_000  # larger than one argv argument may be (128 KB)
    assert await agent.ok("Bash", command=f"printf %s '{payload}' | wc -c") == "300000"
    script = "cat <<'EOF'\n$1 $HOME `not run`\nEOF\necho \"args:$#\""
    assert await agent.ok("Bash", command=script) == "$1 $HOME `not run`\nargs:0"


@pytest.mark.anyio
async def test_bash_run_in_background(agent: Agent) -> None:
    # the job blocks until the test releases it, so the call can only return if it did not wait
    gate = f"/tmp/release-{secrets.token_hex(4)}"
    text = await agent.ok(
        "Bash", command=f"echo begin; while [ ! -f {gate} ]; do sleep 0.05; done; echo finish; exit 5",
        run_in_background=True,
    )
    job = re.search(r"ID: (bash_\d+)", text)
    log = re.search(r"(/tmp/\S+\.log)", text)
    assert job and log, text
    wait_for = "for i in $(seq 400); do {cond} && break; sleep 0.05; done; "
    first = await agent.ok("Bash", command=wait_for.format(cond=f"grep -q begin {log.group(1)}") + f"cat {log.group(1)}")
    assert first == "begin"
    exit_file = log.group(1)[: -len(".log")] + ".sh.exit"
    done = await agent.ok(
        "Bash", command=f"touch {gate}; " + wait_for.format(cond=f"[ -s {exit_file} ]") + f"cat {log.group(1)} {exit_file}"
    )
    assert done == "begin\nfinish\n5"
    assert state().background_jobs == 1


@pytest.mark.anyio
async def test_bash_does_not_wait_for_detached_children(agent: Agent) -> None:
    started = time.monotonic()
    # waiting for the children would take 60 s; the margin is wide for a loaded machine
    quiet = await agent.ok("Bash", command="sleep 60 > /dev/null 2>&1 & echo launched")
    assert quiet == "launched" and time.monotonic() - started < 40
    started = time.monotonic()
    noisy = await agent.ok("Bash", command="sleep 60 & echo launched")
    assert noisy.startswith("launched") and "background process" in noisy
    assert time.monotonic() - started < 40


# ---------------------------------------------------------------- Glob


@pytest.mark.anyio
async def test_glob_recursive_newest_first(agent: Agent) -> None:
    await agent.sh(
        "mkdir -p a/b .hidden && touch -d '2020-01-01' old.py && touch -d '2021-01-01' a/mid.py"
        " && touch -d '2022-01-01' a/b/new.py && touch a/b/notes.txt .hidden/h.py"
    )
    text = await agent.ok("Glob", pattern="**/*.py", path=agent.root)
    assert text.splitlines() == [agent.path("a/b/new.py"), agent.path("a/mid.py"),
                                 agent.path("old.py")]
    assert await agent.ok("Glob", pattern="*.py", path="a") == agent.path("a/mid.py")
    assert await agent.ok("Glob", pattern=".hidden/*.py") == agent.path(".hidden/h.py")


@pytest.mark.anyio
async def test_glob_defaults_to_bash_working_directory(agent: Agent) -> None:
    await agent.sh("mkdir -p x y && touch x/one.py y/two.py")
    await agent.ok("Bash", command="cd y")
    assert await agent.ok("Glob", pattern="*.py") == agent.path("y/two.py")


@pytest.mark.anyio
async def test_glob_no_match_missing_dir_and_truncation(agent: Agent) -> None:
    await agent.sh("mkdir many && cd many && touch $(seq -f 'f%g.txt' 1 130)")
    assert await agent.ok("Glob", pattern="**/*.rs") == "No files found"
    assert "does not exist" in await agent.fails("Glob", pattern="*", path=agent.path("nope"))
    text = await agent.ok("Glob", pattern="many/*.txt")
    assert len([line for line in text.splitlines() if line.startswith("/")]) == 100
    assert "130 files matched" in text


# ---------------------------------------------------------------- Grep


@pytest.fixture
async def grep_repo(agent: Agent) -> Agent:
    await agent.sh(
        "mkdir -p src docs && printf 'import os\\ndef Alpha():\\n    return os.sep\\n' > src/a.py"
        " && printf 'def beta():\\n    pass\\n' > src/b.py"
        " && printf 'alpha docs\\n-flag\\n' > docs/readme.md"
        " && touch -d '2020-01-01' src/b.py"
    )
    return agent


@pytest.mark.anyio
async def test_grep_files_with_matches_is_default(grep_repo: Agent) -> None:
    agent = grep_repo
    text = await agent.ok("Grep", pattern="def ")
    assert text.splitlines() == ["Found 2 files", agent.path("src/a.py"), agent.path("src/b.py")]
    text = await agent.ok("Grep", pattern="alpha", **{"-i": True})
    assert text.splitlines()[0] == "Found 2 files"
    assert await agent.ok("Grep", pattern="def", type="md") == "No files found"
    assert await agent.ok("Grep", pattern="def", glob="*.md") == "No files found"
    assert (await agent.ok("Grep", pattern="def", glob="a.*")).splitlines()[1:] == [
        agent.path("src/a.py")
    ]


@pytest.mark.anyio
async def test_grep_content_mode_with_context_and_line_numbers(grep_repo: Agent) -> None:
    agent = grep_repo
    path = agent.path("src/a.py")
    text = await agent.ok("Grep", pattern="Alpha", path=path, output_mode="content",
                          **{"-n": True, "-B": 1})
    assert text == "1-import os\n2:def Alpha():"
    text = await agent.ok("Grep", pattern="alpha", path=path, output_mode="content",
                          **{"-i": True, "-A": 1})
    assert text == "def Alpha():\n    return os.sep"
    text = await agent.ok("Grep", pattern="Alpha", path=path, output_mode="content",
                          **{"-C": 5})
    assert text.count("\n") == 2
    assert await agent.ok("Grep", pattern="-flag", output_mode="content") == (
        f"{agent.path('docs/readme.md')}:-flag"
    )


@pytest.mark.anyio
async def test_grep_count_head_limit_and_multiline(grep_repo: Agent) -> None:
    agent = grep_repo
    text = await agent.ok("Grep", pattern="def|pass", output_mode="count", path=agent.path("src"))
    assert f"{agent.path('src/b.py')}:2" in text and "3 matching lines across 2 files" in text
    limited = await agent.ok("Grep", pattern="def", head_limit=1)
    assert limited.splitlines() == ["Found 2 files (showing the first 1)", agent.path("src/a.py")]
    lines = await agent.ok("Grep", pattern=".", output_mode="content", head_limit=2,
                           path=agent.path("src/a.py"))
    assert lines == "import os\ndef Alpha():\n\n... [1 more lines not shown] ..."
    no_match = await agent.ok("Grep", pattern="Alpha.*sep", output_mode="content")
    assert no_match == "No matches found"
    text = await agent.ok("Grep", pattern="Alpha.*sep", output_mode="content", multiline=True,
                          path=agent.path("src/a.py"))
    assert text == "def Alpha():\n    return os.sep"


@pytest.mark.anyio
async def test_grep_errors(grep_repo: Agent) -> None:
    agent = grep_repo
    assert "regex" in (await agent.fails("Grep", pattern="(unclosed")).lower()
    assert "nosuchtype" in await agent.fails("Grep", pattern="x", type="nosuchtype")
    assert "No such file" in await agent.fails("Grep", pattern="x", path=agent.path("nope"))
    bad_mode = await agent.call("Grep", pattern="x", output_mode="bad")
    assert bad_mode.error_type == "parsing" and "bad" in (bad_mode.error or "")
    assert "negative" in await agent.fails("Grep", pattern="x", **{"-A": -1})


# ---------------------------------------------------------------- LS


@pytest.mark.anyio
async def test_ls_tree(agent: Agent) -> None:
    await agent.sh(
        "mkdir -p src/pkg __pycache__ .git node_modules/x && touch README.md src/main.py"
        " src/pkg/m.py .env __pycache__/c.pyc node_modules/x/i.js src/pkg/skip.log"
    )
    text = await agent.ok("LS", path=agent.root, ignore=["node_modules", "*.log"])
    assert text == "\n".join([
        f"- {agent.root}/", "  - README.md", "  - src/", "    - main.py", "    - pkg/",
        "      - m.py",
    ])


@pytest.mark.anyio
async def test_ls_errors_and_truncation(agent: Agent) -> None:
    await agent.sh("touch file.txt && mkdir big && cd big && touch $(seq -f 'f%g' 1 1100)")
    assert "absolute" in await agent.fails("LS", path="big")
    assert "does not exist" in await agent.fails("LS", path=agent.path("nope"))
    assert "Not a directory" in await agent.fails("LS", path=agent.path("file.txt"))
    text = await agent.ok("LS", path=agent.path("big"))
    assert text.startswith("There are more than 1000")
    assert len([line for line in text.splitlines() if line.startswith("  - ")]) == 1000


# ---------------------------------------------------------------- WebSearch / WebFetch


@pytest.mark.anyio
async def test_web_tools_answer_unavailable_and_are_counted(agent: Agent) -> None:
    text = await agent.ok("WebSearch", query="fastapi n+1 queries")
    assert text.startswith(UNAVAILABLE) and "not available" in text
    await agent.ok("WebSearch", query="sqlalchemy", allowed_domains=["docs.sqlalchemy.org"])
    text = await agent.ok("WebFetch", url="https://example.com/doc", prompt="summarise")
    assert text.startswith(UNAVAILABLE)
    assert state().web_unavailable == {"WebSearch": 2, "WebFetch": 1}
    assert store().get("ToolState:web_unavailable") == {"WebSearch": 2, "WebFetch": 1}


@pytest.mark.anyio
async def test_web_tools_validate_input(agent: Agent) -> None:
    assert "2 characters" in await agent.fails("WebSearch", query="x")
    assert "not both" in await agent.fails(
        "WebSearch", query="xy", allowed_domains=["a.com"], blocked_domains=["b.com"]
    )
    assert "Invalid URL" in await agent.fails("WebFetch", url="not a url", prompt="p")
    assert (await agent.call("WebFetch", url="https://example.com")).error_type == "parsing"
    assert state().web_unavailable == {}


# ---------------------------------------------------------------- TodoWrite


@pytest.mark.anyio
async def test_todowrite_keeps_the_plan_without_touching_the_repo(agent: Agent) -> None:
    before = await agent.sh("ls -la")
    todos = [
        {"content": "Reproduce the bug", "status": "completed", "id": "1"},
        {"content": "Fix the query", "status": "in_progress", "id": "2", "priority": "high"},
        {"content": "Run the tests", "status": "pending", "id": "3"},
    ]
    text = await agent.ok("TodoWrite", todos=todos)
    assert "3 items" in text and "1 in progress" in text
    assert state().todos == todos
    await agent.ok("TodoWrite", todos=todos[:1])
    assert state().todos == todos[:1]
    assert await agent.sh("ls -la") == before


@pytest.mark.anyio
async def test_todowrite_validates_items(agent: Agent) -> None:
    bad_status = await agent.call(
        "TodoWrite", todos=[{"content": "a", "status": "done", "id": "1"}]
    )
    assert bad_status.error_type == "parsing" and "done" in (bad_status.error or "")
    missing_id = await agent.call("TodoWrite", todos=[{"content": "a", "status": "pending"}])
    assert missing_id.error_type == "parsing" and "id" in (missing_id.error or "")
    assert "unique" in await agent.fails("TodoWrite", todos=[
        {"content": "a", "status": "pending", "id": "1"},
        {"content": "b", "status": "pending", "id": "1"},
    ])
    assert "empty" in await agent.fails(
        "TodoWrite", todos=[{"content": " ", "status": "pending", "id": "1"}]
    )
    assert state().todos == []
