"""Persona documents: parse `personas/*.md` into what the agent actually gets.

Two formats are understood:

* a Claude Code subagent file: YAML front matter (`name`, `description`, `tools`, `model`, ...)
  and the body as the system prompt; `tools` omitted means every tool;
* a plain markdown document with `## Description`, `## System Prompt` and `## Tools` sections
  (other sections, such as `## Activation Patterns`, have no runtime meaning and are kept only
  so a report can say what was ignored).

A file loads when Claude Code would load it: its front matter read with Claude Code's tolerance
(see evals.frontmatter), and every tool name Claude Code knows accepted, including the ones the
harness cannot provide (MCP tools, subagent delegation, Claude Code's other built-ins). Those are
kept on the `Persona` with a plain note each, so a log and `evals personas` say what was granted
but absent. Only names Claude Code does not know either are refused.

Parsing is pure: text in, a `Persona` out, or a `PersonaError` naming the file and the problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import LocatedError
from .frontmatter import FrontMatterError, read_front_matter

#: Claude Code's built-in tools that the harness implements (see evals/tools): what the `react`
#: agent can provide.
CANONICAL_TOOLS: tuple[str, ...] = (
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "Bash",
    "Glob",
    "Grep",
    "LS",
    "WebSearch",
    "WebFetch",
    "TodoWrite",
)

#: The reduced tool set used as a control (`-T tools=minimal`).
MINIMAL_TOOLS: tuple[str, ...] = ("Bash", "Read", "Edit")

#: Subagent delegation: Claude Code 2.1's `Agent` tool, called `Task` before 2.1.63 (the old name
#: still works). `Agent(worker, reviewer)` limits which subagents it may start.
DELEGATION_TOOLS: tuple[str, ...] = ("Agent", "Task")

#: The rest of Claude Code 2.1's built-in tools (its tools reference), which the harness does
#: not implement: Claude Code accepts them in `tools:`, so a persona naming one still loads.
CLAUDE_CODE_TOOLS: tuple[str, ...] = (
    "AskUserQuestion",
    "CronCreate",
    "CronDelete",
    "CronList",
    "EnterPlanMode",
    "EnterWorktree",
    "ExitPlanMode",
    "ExitWorktree",
    "ListMcpResourcesTool",
    "LSP",
    "Monitor",
    "NotebookEdit",
    "PowerShell",
    "ReadMcpResourceTool",
    "SendMessage",
    "Skill",
    "TaskCreate",
    "TaskGet",
    "TaskList",
    "TaskOutput",
    "TaskStop",
    "TaskUpdate",
    "ToolSearch",
)

#: Built-in names of earlier Claude Code versions, still common in public subagent files, that
#: Claude Code 2.1's tool list no longer has (2.1 still maps some old names to their successors,
#: e.g. KillShell to TaskStop).
LEGACY_TOOLS: tuple[str, ...] = ("BashOutput", "KillBash", "KillShell", "NotebookRead", "SlashCommand")

#: Harness tools that Claude Code 2.1 no longer has (LS went in 1.0.x, MultiEdit by 2.0).
NOT_IN_CLAUDE_CODE: tuple[str, ...] = ("LS", "MultiEdit")

_CANONICAL_BY_KEY = {name.lower(): name for name in CANONICAL_TOOLS}
_OTHER_BY_KEY = {
    name.lower(): (name, kind)
    for names, kind in (
        (DELEGATION_TOOLS, "delegation"),
        (CLAUDE_CODE_TOOLS, "claude-code"),
        (LEGACY_TOOLS, "legacy"),
    )
    for name in names
}
_MCP = re.compile(r"^mcp__[\w.*-]+$", re.IGNORECASE)
_RESTRICTED = re.compile(r"^(\w+)\((.*)\)$", re.DOTALL)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_SECTION = re.compile(r"^##[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t]*$", re.MULTILINE)


class PersonaError(LocatedError):
    """A persona file that cannot be used, with the file and the problem in the message."""


@dataclass(frozen=True)
class Persona:
    """A persona document as the harness uses it."""

    name: str
    """Identifier used on the command line (`-T persona=NAME`): the file name without `.md`."""

    title: str
    """Display name from the document (`name:` field or `# Title`)."""

    description: str
    system_prompt: str
    """The text the agent gets as its system prompt, verbatim from the document."""

    tools: tuple[str, ...]
    """Canonical names of the granted tools the harness provides (the `react` agent's tools),
    in the document's order."""

    format: str
    """`claude-code` (front matter) or `markdown-sections`."""

    source_sha256: str
    """Hash of the file's bytes: which exact document a log was produced with."""

    path: str = ""
    model: str | None = None
    """The document's `model` field, if any (recorded; the eval's --model decides)."""

    tools_declared: bool = True
    """False when the document names no tools and so gets all of them."""

    ignored_parts: tuple[str, ...] = field(default_factory=tuple)
    """Parts of the document with no runtime meaning here (activation patterns, extra fields)."""

    granted: tuple[str, ...] = ()
    """Every tool the document grants, in Claude Code's spelling and the document's order
    (empty when it declares none): `tools` plus `unavailable`."""

    unavailable: tuple[str, ...] = ()
    """Granted tools the `react` agent does not provide (MCP tools, `Task`, other Claude Code
    built-ins): Claude Code accepts them, so the file loads, but the agent runs without them."""

    notes: tuple[str, ...] = ()
    """Plain sentences on what differs from Claude Code: granted tools absent under an agent,
    front matter that only Claude Code's tolerance reads."""

    source: str = field(default="", repr=False)
    """The document's text as read: a Claude Code file is handed to Claude Code as it is
    (see evals.subagent)."""


@dataclass(frozen=True)
class ToolGrant:
    """A document's tool list, sorted by what each agent can provide."""

    granted: tuple[str, ...]
    provided: tuple[str, ...]
    unavailable: tuple[str, ...]
    notes: tuple[str, ...]


def _tool_kind(raw: str) -> tuple[str, str] | None:
    """(Claude Code spelling, kind) of one tool name in any case, or None when Claude Code does
    not know it either. Kinds: `provided`, `mcp`, `delegation`, `claude-code`, `legacy`."""
    if _MCP.match(raw):
        return "mcp__" + raw[5:], "mcp"
    restricted = _RESTRICTED.match(raw)
    if restricted:  # only delegation takes a list: `Agent(worker, reviewer)`
        known = _OTHER_BY_KEY.get(restricted.group(1).lower())
        if known is None or known[1] != "delegation":
            return None
        return f"{known[0]}({restricted.group(2).strip()})", "delegation"
    key = raw.lower()
    if key in _CANONICAL_BY_KEY:
        return _CANONICAL_BY_KEY[key], "provided"
    return _OTHER_BY_KEY.get(key)


def _tool_notes(by_kind: dict[str, list[str]], provided: list[str]) -> list[str]:
    """One plain note per kind of granted tool that some agent lacks."""
    texts = {
        "mcp": "granted MCP tools, absent under every agent, since the sandbox configures no MCP "
        "servers",
        "delegation": "subagent delegation, not provided under the react agent (it cannot start "
        "subagents); under the claude-code agent it is Claude Code's own Agent tool (named Task "
        "before 2.1.63, a name it still accepts)",
        "claude-code": "Claude Code built-ins the harness does not implement, so not provided "
        "under the react agent; Claude Code's own under the claude-code agent",
        "legacy": "names from earlier Claude Code versions, not in Claude Code 2.1's tool list; "
        "not provided under the react agent, and under the claude-code agent only where 2.1 "
        "still maps the old name to a current tool",
    }
    notes = [f"{', '.join(by_kind[kind])}: {text}" for kind, text in texts.items() if by_kind.get(kind)]
    gone = [name for name in provided if name in NOT_IN_CLAUDE_CODE]
    if gone:
        notes.append(f"{', '.join(gone)}: provided under the react agent (the harness implements "
                     "them); Claude Code 2.1 has no such tools, so absent under the claude-code agent")
    if not provided:
        notes.append("no granted tool is provided under the react agent: it runs with no tools")
    return notes


def grant_tools(names: list[str], path: Path | str, exact_case: bool = False) -> ToolGrant:
    """Sort a document's tool names (any case) into what each agent provides, keeping order
    and dropping repeats. `exact_case`: the document is a Claude Code file, where a name spelt
    in another case is worth a note (Claude Code gives tool names as exact strings).

    Raises:
        PersonaError: a name neither the harness nor Claude Code knows.
    """
    granted: list[str] = []
    by_kind: dict[str, list[str]] = {}
    unknown: list[str] = []
    respelt: list[str] = []
    for raw in names:
        name = str(raw).strip().strip("`").strip()
        if not name:
            continue
        kind = _tool_kind(name)
        if kind is None:
            unknown.append(name)
            continue
        spelling, category = kind
        if spelling in granted:
            continue
        granted.append(spelling)
        by_kind.setdefault(category, []).append(spelling)
        if name != spelling:
            respelt.append(f"{name} ({spelling})")
    if unknown:
        restricted = any("(" in name for name in unknown)
        raise PersonaError(
            path,
            f"unknown tool name(s): {', '.join(unknown)}. Known tools: {', '.join(CANONICAL_TOOLS)}; "
            "also accepted, though not provided here: Claude Code's other built-in tools (Agent or "
            "Task, NotebookEdit, Skill, ...) and MCP tools (mcp__server__tool)"
            + (". In a tool list only Agent/Task takes a '(...)' part" if restricted else ""),
        )
    provided = by_kind.get("provided", [])
    notes = _tool_notes(by_kind, provided)
    if exact_case and respelt:
        notes.append(f"{', '.join(respelt)}: spelt otherwise than Claude Code spells them; the "
                     "harness accepts any case, Claude Code expects the exact names")
    unavailable = tuple(name for name in granted if name not in provided)
    return ToolGrant(tuple(granted), tuple(provided), unavailable, tuple(notes))


def split_tool_list(text: str) -> list[str]:
    """Split a comma-separated `tools:` string, keeping `Agent(a, b)` whole."""
    items: list[str] = []
    depth, current = 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [*items, current]


def parse_persona(text: str, path: Path | str) -> Persona:
    """Parse one persona document (either format)."""
    path = Path(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if text.lstrip("\ufeff").startswith("---"):
        persona = _parse_front_matter(text.lstrip("\ufeff"), path, digest)
    else:
        persona = _parse_sections(text, path, digest)
    return replace(persona, source=text)


def _yaml_problem(ex: FrontMatterError) -> str:
    """Why the front matter is refused, that Claude Code refuses it too, and the likely mend."""
    return (
        f"front matter is not valid YAML (line {ex.line}): {ex.problem}. Claude Code would skip "
        f"this file too (it does not load an agent whose front matter it cannot parse). "
        f"Likely mend: {ex.mend}"
    )


def _tolerated_note(keys: tuple[str, ...]) -> str:
    fields = ", ".join(f"'{key}'" for key in keys)
    return (
        f"front matter is not strict YAML: the {fields} value has an unquoted ': '; Claude Code "
        "reads it as text, and so does the harness, but stricter YAML parsers refuse the file "
        "(quote the value to be safe)"
    )


def _parse_front_matter(text: str, path: Path, digest: str) -> Persona:
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise PersonaError(path, "front matter starts with '---' but has no closing '---' line")
    try:
        front = read_front_matter(match.group(1), first_line=2)
    except FrontMatterError as ex:
        raise PersonaError(path, _yaml_problem(ex)) from None
    meta = {} if front.data is None else front.data
    if not isinstance(meta, dict):
        raise PersonaError(path, "front matter must be a YAML mapping (key: value lines)")

    body = text[match.end() :].strip("\n")
    if not body.strip():
        raise PersonaError(path, "no system prompt: the body after the front matter is empty")

    raw_tools = meta.get("tools")
    if raw_tools is None:
        grant, declared = ToolGrant((), CANONICAL_TOOLS, (), ()), False
    else:
        if isinstance(raw_tools, str):
            items = split_tool_list(raw_tools)
        elif isinstance(raw_tools, list):
            items = [str(item) for item in raw_tools]
        else:
            raise PersonaError(path, "'tools' must be a comma-separated string or a YAML list")
        grant, declared = grant_tools(items, path, exact_case=True), True
        if not grant.granted:
            raise PersonaError(path, "'tools' is present but names no tool")

    for key in ("name", "description", "model"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            raise PersonaError(path, f"'{key}' must be a string")

    known = {"name", "description", "tools", "model"}
    ignored = tuple(f"front matter field '{key}'" for key in meta if key not in known)
    notes = (*grant.notes, *([_tolerated_note(front.tolerated)] if front.tolerated else []))
    return Persona(
        name=path.stem,
        title=str(meta.get("name") or path.stem),
        description=str(meta.get("description") or "").strip(),
        system_prompt=body,
        tools=grant.provided,
        format="claude-code",
        source_sha256=digest,
        path=str(path),
        model=meta.get("model"),
        tools_declared=declared,
        ignored_parts=ignored,
        granted=grant.granted,
        unavailable=grant.unavailable,
        notes=notes,
    )


def _sections(text: str) -> dict[str, str]:
    """Split a markdown document on `## ` headings (deeper headings stay in their section)."""
    matches = list(_SECTION.finditer(text))
    sections: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        sections[match.group(1).strip().lower()] = text[match.end() : end].strip("\n")
    return sections


def _bullets(section: str) -> list[str]:
    items = []
    for line in section.splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ", "+ ")):
            words = stripped[2:].split()
            if words:
                items.append(words[0].strip("`*:,;"))
    return items


def _parse_sections(text: str, path: Path, digest: str) -> Persona:
    sections = _sections(text)
    prompt = sections.get("system prompt", "")
    if not prompt.strip():
        raise PersonaError(
            path,
            "no system prompt: expected YAML front matter with a body, "
            "or a '## System Prompt' section with text",
        )
    title_match = _TITLE.search(text)
    if "tools" in sections:
        grant = grant_tools(_bullets(sections["tools"]), path)
        if not grant.granted:
            raise PersonaError(path, "the '## Tools' section lists no tool (expected '- name' bullets)")
        declared = True
    else:
        grant, declared = ToolGrant((), CANONICAL_TOOLS, (), ()), False
    known = {"description", "system prompt", "tools"}
    ignored = tuple(f"section '{name}'" for name in sections if name not in known)
    return Persona(
        name=path.stem,
        title=title_match.group(1).strip() if title_match else path.stem,
        description=sections.get("description", "").strip(),
        system_prompt=prompt,
        tools=grant.provided,
        format="markdown-sections",
        source_sha256=digest,
        path=str(path),
        tools_declared=declared,
        ignored_parts=ignored,
        granted=grant.granted,
        unavailable=grant.unavailable,
        notes=grant.notes,
    )


def load_persona(path: Path | str) -> Persona:
    """Read and parse one persona file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as ex:
        raise PersonaError(path, f"cannot be read: {ex.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PersonaError(path, "is not UTF-8 text") from None
    return parse_persona(text, path)


def scan_personas(directory: Path | str) -> tuple[dict[str, Persona], list[PersonaError]]:
    """Every loadable `*.md` persona in a folder, keyed by name, and the error of each file that
    is not (README.md is not a persona). For a listing that reports all bad files at once.

    Raises:
        PersonaError: the folder does not exist.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise PersonaError(directory, "persona folder does not exist")
    personas: dict[str, Persona] = {}
    errors: list[PersonaError] = []
    for path in sorted(directory.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            persona = load_persona(path)
        except PersonaError as ex:
            errors.append(ex)
            continue
        personas[persona.name] = persona
    return personas, errors


def load_personas(directory: Path | str) -> dict[str, Persona]:
    """Every persona in a folder, keyed by name, for callers that need them all (matrix, demo,
    leaderboard): a bad file is an error, the first one named, the others counted.

    Raises:
        PersonaError: a file cannot be loaded, or the folder does not exist.
    """
    personas, errors = scan_personas(directory)
    if errors:
        first, more = errors[0], len(errors) - 1
        if not more:
            raise first
        others = f" ({more} more bad persona file{'s' if more > 1 else ''}: `evals personas` lists them)"
        raise PersonaError(first.path, first.problem + others)
    return personas
