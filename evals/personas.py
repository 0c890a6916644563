"""Persona documents: parse `personas/*.md` into what the agent actually gets.

Two formats are understood:

* a Claude Code subagent file: YAML front matter (`name`, `description`, `tools`, `model`, ...)
  and the body as the system prompt; `tools` omitted means every tool;
* a plain markdown document with `## Description`, `## System Prompt` and `## Tools` sections
  (other sections, such as `## Activation Patterns`, have no runtime meaning and are kept only
  so a report can say what was ignored).

Parsing is pure: text in, a `Persona` out, or a `PersonaError` naming the file and the problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import LocatedError

#: Claude Code's built-in tools that the harness implements (see evals/tools).
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

_CANONICAL_BY_KEY = {name.lower(): name for name in CANONICAL_TOOLS}

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
    """Canonical tool names the document grants, in the document's order."""

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


def normalise_tools(names: list[str], path: Path | str) -> tuple[str, ...]:
    """Map tool names in any case to the canonical ones, keeping order, dropping repeats."""
    result: list[str] = []
    unknown: list[str] = []
    for raw in names:
        name = str(raw).strip().strip("`").strip()
        if not name:
            continue
        canonical = _CANONICAL_BY_KEY.get(name.lower())
        if canonical is None:
            unknown.append(name)
        elif canonical not in result:
            result.append(canonical)
    if unknown:
        raise PersonaError(
            path,
            f"unknown tool name(s): {', '.join(unknown)}. "
            f"Known tools: {', '.join(CANONICAL_TOOLS)}",
        )
    return tuple(result)


def parse_persona(text: str, path: Path | str) -> Persona:
    """Parse one persona document (either format)."""
    path = Path(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if text.lstrip("\ufeff").startswith("---"):
        return _parse_front_matter(text.lstrip("\ufeff"), path, digest)
    return _parse_sections(text, path, digest)


def _parse_front_matter(text: str, path: Path, digest: str) -> Persona:
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise PersonaError(path, "front matter starts with '---' but has no closing '---' line")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as ex:
        mark = getattr(ex, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(ex, "problem", None) or str(ex)
        raise PersonaError(path, f"front matter is not valid YAML{where}: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PersonaError(path, "front matter must be a YAML mapping (key: value lines)")

    body = text[match.end() :].strip("\n")
    if not body.strip():
        raise PersonaError(path, "no system prompt: the body after the front matter is empty")

    raw_tools = meta.get("tools")
    if raw_tools is None:
        tools, declared = CANONICAL_TOOLS, False
    else:
        if isinstance(raw_tools, str):
            items = raw_tools.split(",")
        elif isinstance(raw_tools, list):
            items = [str(item) for item in raw_tools]
        else:
            raise PersonaError(path, "'tools' must be a comma-separated string or a YAML list")
        tools, declared = normalise_tools(items, path), True
        if not tools:
            raise PersonaError(path, "'tools' is present but names no tool")

    for key in ("name", "description", "model"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            raise PersonaError(path, f"'{key}' must be a string")

    known = {"name", "description", "tools", "model"}
    ignored = tuple(f"front matter field '{key}'" for key in meta if key not in known)
    return Persona(
        name=path.stem,
        title=str(meta.get("name") or path.stem),
        description=str(meta.get("description") or "").strip(),
        system_prompt=body,
        tools=tools,
        format="claude-code",
        source_sha256=digest,
        path=str(path),
        model=meta.get("model"),
        tools_declared=declared,
        ignored_parts=ignored,
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
        items = _bullets(sections["tools"])
        tools = normalise_tools(items, path)
        if not tools:
            raise PersonaError(path, "the '## Tools' section lists no tool (expected '- name' bullets)")
        declared = True
    else:
        tools, declared = CANONICAL_TOOLS, False
    known = {"description", "system prompt", "tools"}
    ignored = tuple(f"section '{name}'" for name in sections if name not in known)
    return Persona(
        name=path.stem,
        title=title_match.group(1).strip() if title_match else path.stem,
        description=sections.get("description", "").strip(),
        system_prompt=prompt,
        tools=tools,
        format="markdown-sections",
        source_sha256=digest,
        path=str(path),
        tools_declared=declared,
        ignored_parts=ignored,
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


def load_personas(directory: Path | str) -> dict[str, Persona]:
    """Load every `*.md` persona in a folder, keyed by name (README.md is not a persona)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PersonaError(directory, "persona folder does not exist")
    personas = {}
    for path in sorted(directory.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        persona = load_persona(path)
        personas[persona.name] = persona
    return personas
