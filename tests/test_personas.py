"""Persona parsing: both given formats, Claude Code's other fields, and every way to break one."""

from pathlib import Path

import pytest

from evals.agent import system_prompt
from evals.paths import PERSONAS_DIR
from evals.personas import CANONICAL_TOOLS, PersonaError, load_persona, load_personas, parse_persona

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
