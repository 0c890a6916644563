"""Persona parsing: both given formats, Claude Code's other fields, and every way to break one."""

from pathlib import Path

import pytest
import yaml

from evals.agents.react import system_prompt
from evals.paths import PERSONAS_DIR
from evals.personas import (
    CANONICAL_TOOLS,
    PersonaError,
    load_persona,
    load_personas,
    parse_persona,
    scan_personas,
)
from evals.subagent import subagent_conversion, subagent_file

SHARED = Path(__file__).resolve().parents[2] / "shared" / "personas"


def test_personas_are_byte_copies_of_the_shared_documents():
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} missing: CI runs with ../shared beside the clone")
    for name in ("backend.md", "backend-developer.md"):
        assert (PERSONAS_DIR / name).read_bytes() == (SHARED / name).read_bytes()


def test_claude_code_subagent_file():
    p = load_persona(PERSONAS_DIR / "backend.md")
    assert p.name == "backend" and p.format == "claude-code"
    assert p.tools == ("Read", "Write", "Edit", "MultiEdit", "Bash", "WebSearch", "WebFetch", "Glob", "Grep", "LS")
    assert p.system_prompt.startswith("You are a backend development expert")
    assert p.system_prompt.endswith("Do not route to other agents.")
    assert "---" not in p.system_prompt.splitlines()[0]
    assert p.description.startswith("Backend development expert")


def test_markdown_sections_document():
    p = load_persona(PERSONAS_DIR / "backend-developer.md")
    assert p.format == "markdown-sections" and p.title == "Backend Developer"
    assert p.tools == ("Read", "Write", "Edit", "Bash", "Grep", "Glob")
    # the prompt is the whole section, its ### subsections included, and nothing after it
    assert p.system_prompt.startswith("You are a senior backend developer")
    assert "### Security Focus:" in p.system_prompt
    assert "## Tools" not in p.system_prompt and "Activation" not in p.system_prompt
    assert p.ignored_parts == ("section 'activation patterns'",)


def test_system_prompt_is_verbatim_plus_environment_facts():
    p = load_persona(PERSONAS_DIR / "backend.md")
    text = system_prompt(p)
    assert text.startswith(p.system_prompt + "\n\n")
    assert "Working directory: /repo" in text and "Platform: linux" in text and "Today's date:" in text
    assert system_prompt(None).startswith("Here is useful information")


def test_hash_identifies_the_exact_document(tmp_path):
    a = parse_persona("---\nname: a\n---\nPrompt.\n", tmp_path / "a.md")
    b = parse_persona("---\nname: a\n---\nPrompt!\n", tmp_path / "a.md")
    assert a.source_sha256 != b.source_sha256 and len(a.source_sha256) == 64


@pytest.mark.parametrize(
    "tools_line, expected",
    [
        ("tools: Read, Bash", ("Read", "Bash")),
        ("tools: [read, BASH, grep]", ("Read", "Bash", "Grep")),
        ("tools:\n  - Edit\n  - multiedit", ("Edit", "MultiEdit")),
        ("tools: Read, Read, Bash", ("Read", "Bash")),
    ],
)
def test_front_matter_tool_forms(tmp_path, tools_line, expected):
    p = parse_persona(f"---\nname: x\n{tools_line}\n---\nDo things.\n", tmp_path / "x.md")
    assert p.tools == expected and p.tools_declared


def test_tools_omitted_means_all_and_model_is_recorded(tmp_path):
    p = parse_persona("---\nname: x\ndescription: d\nmodel: sonnet\ncolor: blue\n---\nHi.\n", tmp_path / "x.md")
    assert p.tools == CANONICAL_TOOLS and not p.tools_declared
    assert p.model == "sonnet"
    assert p.ignored_parts == ("front matter field 'color'",)


def test_markdown_without_tools_section_gets_all_tools(tmp_path):
    p = parse_persona("# T\n\n## System Prompt\nBe good.\n", tmp_path / "t.md")
    assert p.tools == CANONICAL_TOOLS and p.system_prompt == "Be good."


@pytest.mark.parametrize(
    "text, problem",
    [
        ("---\nname: [unclosed\n---\nbody\n", "not valid YAML"),
        ("---\nname: x\ntools: Read\n", "no closing '---'"),
        ("---\nname: x\n---\n\n   \n", "no system prompt"),
        ("---\n- a\n- b\n---\nbody\n", "must be a YAML mapping"),
        ("---\nname: x\ntools: Read, Teleport\n---\nbody\n", "unknown tool name(s): Teleport"),
        ("---\nname: x\ntools: {a: 1}\n---\nbody\n", "'tools' must be"),
        ("---\nname: x\ntools: ''\n---\nbody\n", "names no tool"),
        ("# Title\n\n## Description\nno prompt here\n", "no system prompt"),
        ("# T\n## System Prompt\nhi\n## Tools\n- read\n- fly\n", "unknown tool name(s): fly"),
        ("# T\n## System Prompt\nhi\n## Tools\nnone listed\n", "lists no tool"),
    ],
)
def test_malformed_files_give_one_clear_error(tmp_path, text, problem):
    path = tmp_path / "broken.md"
    path.write_text(text)
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    assert problem in str(info.value)
    assert str(path) in str(info.value)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "bin.md"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PersonaError, match="not UTF-8"):
        load_persona(path)


def test_load_personas_skips_readme_and_errors_name_the_file(tmp_path):
    (tmp_path / "README.md").write_text("not a persona")
    (tmp_path / "good.md").write_text("---\nname: good\n---\nHello\n")
    assert list(load_personas(tmp_path)) == ["good"]
    (tmp_path / "bad.md").write_text("---\nname: bad\ntools: Nope\n---\nHello\n")
    with pytest.raises(PersonaError, match="bad.md"):
        load_personas(tmp_path)


def test_claims_are_read_from_the_documents():
    from evals.claims import persona_claims

    families = ["db_optimize", "security", "caching"]
    dev = {c.area: c for c in persona_claims(load_persona(PERSONAS_DIR / "backend-developer.md"), families)}
    backend = {c.area: c for c in persona_claims(load_persona(PERSONAS_DIR / "backend.md"), families)}
    assert dev["SQL injection / input validation"].evidence == "SQL injection and XSS prevention"
    assert dev["SQL injection / input validation"].families == ("security",)
    assert dev["caching"].families == ("caching",) and dev["rate limiting"].families == ()
    assert "rate limiting" in dev and "rate limiting" not in backend  # only one document claims it
    assert backend["database optimisation"].families == ("db_optimize",)


# --- files load as Claude Code loads them ------------------------------------------------------


def test_tools_claude_code_accepts_load_and_say_what_is_absent(tmp_path):
    """MCP tools, Task/Agent and Claude Code's other built-ins are accepted, kept as granted, and
    each kind gets a note; only the tools the harness implements reach the react agent."""
    p = parse_persona(
        "---\nname: x\ntools: Read, mcp__github__create_issue, Task, NotebookEdit, KillShell, Bash\n---\nGo.\n",
        tmp_path / "x.md",
    )
    assert p.tools == ("Read", "Bash")
    assert p.granted == ("Read", "mcp__github__create_issue", "Task", "NotebookEdit", "KillShell", "Bash")
    assert p.unavailable == ("mcp__github__create_issue", "Task", "NotebookEdit", "KillShell")
    notes = {note.split(":")[0]: note for note in p.notes}
    assert "absent under every agent" in notes["mcp__github__create_issue"]
    assert "not provided under the react agent" in notes["Task"] and "Agent tool" in notes["Task"]
    assert "not provided under the react agent" in notes["NotebookEdit"]
    assert "earlier Claude Code versions" in notes["KillShell"]
    assert len(p.notes) == 4


def test_mcp_prefix_in_any_case_and_agent_restrictions(tmp_path):
    p = parse_persona(
        "---\nname: x\ntools: MCP__GitHub__create_issue, Agent(worker, reviewer), mcp__slack__*, read\n---\nGo.\n",
        tmp_path / "x.md",
    )
    assert p.granted == ("mcp__GitHub__create_issue", "Agent(worker, reviewer)", "mcp__slack__*", "Read")
    assert p.tools == ("Read",)
    # Claude Code gives tool names as exact strings: a file spelling them otherwise is told so
    respelt = [n for n in p.notes if "spelt otherwise" in n]
    assert respelt and "MCP__GitHub__create_issue (mcp__GitHub__create_issue)" in respelt[0]
    assert "read (Read)" in respelt[0]


def test_only_unavailable_tools_loads_with_no_react_tools(tmp_path):
    p = parse_persona("---\nname: x\ntools: Task, mcp__db__query\n---\nGo.\n", tmp_path / "x.md")
    assert p.tools == () and p.tools_declared and p.unavailable == ("Task", "mcp__db__query")
    assert any("runs with no tools" in note for note in p.notes)


def test_markdown_tools_section_accepts_the_same_names(tmp_path):
    p = parse_persona("# T\n## System Prompt\nhi\n## Tools\n- read\n- task\n- mcp__gh__issue\n", tmp_path / "t.md")
    assert p.tools == ("Read",) and p.granted == ("Read", "Task", "mcp__gh__issue")
    assert not any("spelt otherwise" in note for note in p.notes)  # this format is the harness's own


def test_real_personas_notes():
    backend = load_persona(PERSONAS_DIR / "backend.md")
    assert backend.unavailable == ()
    assert backend.notes == (
        "MultiEdit, LS: provided under the react agent (the harness implements them); Claude Code "
        "2.1 has no such tools, so absent under the claude-code agent",
    )
    assert load_persona(PERSONAS_DIR / "backend-developer.md").notes == ()


def test_unknown_tool_names_are_still_refused(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\nname: x\ntools: Read, Bash(git:*), Telport\n---\nGo.\n")
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    message = str(info.value)
    assert "unknown tool name(s): Bash(git:*), Telport" in message
    assert "Known tools: Read, Write" in message and "mcp__server__tool" in message
    assert "only Agent/Task takes a '(...)' part" in message


# --- YAML: Claude Code's tolerance, and the mend when it is not enough --------------------------


def test_single_line_value_with_colon_loads_as_claude_code_loads_it(tmp_path):
    p = parse_persona(
        "---\nname: x\ndescription: Use it when: the API is slow. Note: be brief\ntools: Read\n---\nGo.\n",
        tmp_path / "x.md",
    )
    assert p.description == "Use it when: the API is slow. Note: be brief"
    assert p.tools == ("Read",) and p.title == "x"
    assert any("not strict YAML" in note and "'description'" in note for note in p.notes)


@pytest.mark.parametrize(
    "front, line, mend",
    [
        # a value going on over unindented lines (the shape of many public files): Claude Code
        # drops the front matter too
        ("name: a\ndescription: Use this agent. Examples:\n<example>\nContext: hi\n</example>",
         3, "the 'description' value goes on at line 4 without indentation"),
        ("name: a\ndescription: Use this agent\nwhen you need it\ntools: Read", 4,
         "goes on at line 4 without indentation, so YAML reads that line as a new key: "
         "write it as a block: 'description: |'"),
        ("name: a\ndescription: Use this agent\n  user: hi", 4,
         "the 'description' value contains ': ', which YAML reads as a nested key: put the whole "
         "value in double quotes"),
        ("name: a\ndescription: @agent does things", 3, "the 'description' value starts with '@'"),
        ("name: a\ndescription: \"Quoted\" and more", 3, "starts with '\"', which YAML reads as a quoted string"),
        ("name: a\ndescription: *bold* text", 3, "starts with '*', which YAML reads as an alias"),
        ("name: a\n\tdescription: x", 3, "line 3 is indented with a tab"),
        # the tolerated colon is not what is wrong here: the message names the model line
        ("name: a\ndescription: Use when: x\nmodel: @opus", 4, "the 'model' value starts with '@'"),
    ],
)
def test_yaml_claude_code_cannot_parse_gives_the_mend(tmp_path, front, line, mend):
    path = tmp_path / "broken.md"
    path.write_text(f"---\n{front}\n---\nbody\n")
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    message = str(info.value)
    assert message.startswith(f"{path}: front matter is not valid YAML (line {line}): ")
    assert "Claude Code would skip this file too" in message
    assert mend in message.split("Likely mend: ", 1)[1]


# --- a folder with good and bad files ----------------------------------------------------------


def test_scan_lists_good_files_and_every_bad_one(tmp_path):
    (tmp_path / "good.md").write_text("---\nname: Good One\ntools: Read, Task\n---\nHello\n")
    (tmp_path / "bad-tool.md").write_text("---\nname: bad\ntools: Nope\n---\nHello\n")
    (tmp_path / "bad-yaml.md").write_text("---\nname: b\ndescription: x\ny: z: w\n  more\n---\nHello\n")
    personas, errors = scan_personas(tmp_path)
    assert list(personas) == ["good"] and personas["good"].title == "Good One"
    assert sorted(Path(e.path).name for e in errors) == ["bad-tool.md", "bad-yaml.md"]
    with pytest.raises(PersonaError) as info:
        load_personas(tmp_path)  # callers that need every persona still stop, naming a file
    assert "bad-tool.md: unknown tool name(s): Nope" in str(info.value)
    assert "1 more bad persona file: `evals personas` lists them" in str(info.value)


def test_a_bad_file_stops_only_the_runs_that_ask_for_it(tmp_path, monkeypatch):
    import evals.task as task

    (tmp_path / "good.md").write_text("---\nname: good\ntools: Read, Bash, mcp__db__query\n---\nHello\n")
    (tmp_path / "bad.md").write_text("---\nname: bad\ntools: Nope\n---\nHello\n")
    monkeypatch.setattr(task, "PERSONAS_DIR", tmp_path)
    variant = task.resolve_variant("good", None)
    assert variant.tools == ("Read", "Bash") and variant.tools_unavailable == ("mcp__db__query",)
    with pytest.raises(PersonaError, match="bad.md: unknown tool name"):
        task.resolve_variant("bad", None)
    with pytest.raises(PersonaError, match="bad.md: unknown tool name"):
        task.resolve_variant("good", "bad")


# --- conversion to a Claude Code subagent file ---------------------------------------------------


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])


@pytest.mark.parametrize("file", ["backend.md", "backend-developer.md"])
def test_subagent_file_round_trips_the_real_personas(file):
    p = load_persona(PERSONAS_DIR / file)
    for name in (p.name, "under-test"):
        text = subagent_file(p, name)
        back = parse_persona(text, Path("/tmp") / f"{name}.md")
        assert back.format == "claude-code" and back.title == name
        assert back.system_prompt == p.system_prompt
        assert back.tools == p.tools and back.granted == p.granted
        assert back.description == p.description
        assert _front_matter(text)["name"] == name  # strict YAML, no tolerance needed
        assert "model" not in _front_matter(text)


def test_claude_code_file_is_handed_over_as_written():
    original = (PERSONAS_DIR / "backend.md").read_text()
    p = load_persona(PERSONAS_DIR / "backend.md")
    assert subagent_file(p, "backend") == original
    assert subagent_conversion(p, "backend") == "the Claude Code subagent file as written"
    renamed = subagent_file(p, "backend-under-test")
    changed = [(a, b) for a, b in zip(original.splitlines(), renamed.splitlines()) if a != b]
    assert changed == [("name: backend", "name: backend-under-test")]
    assert len(renamed.splitlines()) == len(original.splitlines())


def test_claude_code_file_without_name_gets_one_and_keeps_crlf(tmp_path):
    text = "---\r\ndescription: d\r\ntools: Read\r\n---\r\nBody.\r\n"
    p = parse_persona(text, tmp_path / "agent.md")
    out = subagent_file(p, "agent")
    assert out == "---\r\nname: agent\r\ndescription: d\r\ntools: Read\r\n---\r\nBody.\r\n"


def test_markdown_conversion_says_what_it_did():
    p = load_persona(PERSONAS_DIR / "backend-developer.md")
    assert subagent_conversion(p, "backend-developer") == (
        "converted from markdown sections: ## System Prompt → body, ## Description → description:, "
        "## Tools → tools:; ignored: ## activation patterns"
    )
    fields = _front_matter(subagent_file(p, "backend-developer"))
    assert list(fields) == ["name", "description", "tools"]
    assert fields["tools"] == "Read, Write, Edit, Bash, Grep, Glob"


def test_conversion_quotes_what_yaml_needs(tmp_path):
    """A description with ': ', quotes, a '---' line and several lines; tools Claude Code has but
    the harness does not; no tools section in a second document (all tools: no `tools:`)."""
    description = 'Use when: the API is slow.\nuser: "why?" -- it\'s: slow\n---\n@mention and #tag'
    p = parse_persona(
        f"# Edge\n## Description\n{description}\n## System Prompt\nline one\n\n---\nkey: value\n"
        "## Tools\n- read\n- task\n- mcp__gh__issue\n",
        tmp_path / "edge.md",
    )
    text = subagent_file(p, "edge")
    fields = _front_matter(text)  # strict YAML parses it: the values were quoted as needed
    assert fields == {"name": "edge", "description": description, "tools": "Read, Task, mcp__gh__issue"}
    back = parse_persona(text, tmp_path / "edge.md")
    assert back.system_prompt == p.system_prompt == "line one\n\n---\nkey: value"
    assert back.granted == p.granted and back.unavailable == ("Task", "mcp__gh__issue")
    assert not any("not strict YAML" in note for note in back.notes)

    bare = parse_persona("# Bare\n## System Prompt\nDo it.\n", tmp_path / "bare.md")
    fields = _front_matter(subagent_file(bare, "bare"))
    assert fields == {"name": "bare", "description": "Bare"}  # Claude Code requires a description
    assert parse_persona(subagent_file(bare, "bare"), tmp_path / "b.md").tools == CANONICAL_TOOLS
