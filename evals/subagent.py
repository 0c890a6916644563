"""A persona as a Claude Code subagent file: what a `claude-code` agent installs as
`.claude/agents/NAME.md` and selects with `--agent NAME`.

Pure functions. A `claude-code`-format persona already is such a file, and Claude Code should
get it as the author wrote it: the text is returned unchanged, except for the `name:` line when
it differs from the name asked for, because Claude Code finds an agent by that field, not by
the file name. A `markdown-sections` persona is converted: front matter `name`, `description`
(the `## Description` section) and `tools` (the `## Tools` bullets, in Claude Code's spelling),
body = the `## System Prompt` section verbatim. Its other sections have no place in the file.
"""

from __future__ import annotations

import re

import yaml

from .personas import Persona

_FRONT = re.compile(r"\A(\ufeff?---[ \t]*\r?\n)(.*?)(\r?\n---[ \t]*(?:\r?\n|\Z))", re.DOTALL)
_NAME_LINE = re.compile(r"^name[ \t]*:[^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*", re.MULTILINE)


class _Dumper(yaml.SafeDumper):
    """safe_dump's dumper, asking for a literal block (`|`) for text of several lines, which
    reads as written; PyYAML itself falls back to quotes where a block cannot hold the text."""


_Dumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    ),
)


def _yaml(fields: dict[str, str]) -> str:
    """The fields as YAML, emitted by PyYAML's safe dumper so that any value (a description with
    ': ', quotes, a leading special character, several lines) comes out quoted as YAML needs."""
    return yaml.dump(fields, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


def _with_name(text: str, name: str) -> str:
    """A Claude Code file with its front matter's `name:` set to `name`, nothing else touched
    (the line is added first when there is none)."""
    match = _FRONT.match(text)
    if match is None:
        raise ValueError("a claude-code persona's text must start with front matter")
    opening, front, closing = match.groups()
    line = _yaml({"name": name}).rstrip("\n")
    if _NAME_LINE.search(front):
        front = _NAME_LINE.sub(lambda _: line, front, count=1)
    else:
        front = line + ("\r\n" if "\r\n" in front else "\n") + front
    return opening + front + closing + text[match.end() :]


def _converted(persona: Persona, name: str) -> str:
    fields = {"name": name, "description": persona.description or persona.title}
    if persona.tools_declared:
        fields["tools"] = ", ".join(persona.granted)
    if persona.model:
        fields["model"] = persona.model
    return f"---\n{_yaml(fields)}---\n\n{persona.system_prompt}\n"


def _has_name(persona: Persona, name: str) -> bool:
    """The file's own `name:` is already `name` (a missing field would read as the file name)."""
    match = _FRONT.match(persona.source)
    return persona.title == name and match is not None and _NAME_LINE.search(match.group(2)) is not None


def subagent_file(persona: Persona, name: str) -> str:
    """The text of a Claude Code subagent file equivalent to the persona, named `name`.

    `claude-code` format: the document as read, unchanged but for a `name:` line that differs
    from `name` (or is missing). `markdown-sections`: `name`; `description` (the title when the
    document has none, since Claude Code requires one); `tools` only when the document lists
    tools (none listed means all, in Claude Code too); `model` only if the document had one
    (this format has no such field, so in practice never); body = the prompt verbatim.
    """
    if persona.format == "claude-code":
        return persona.source if _has_name(persona, name) else _with_name(persona.source, name)
    return _converted(persona, name)


def subagent_conversion(persona: Persona, name: str) -> str:
    """One line saying what `subagent_file` did to the document (for a log or a listing)."""
    if persona.format == "claude-code":
        if _has_name(persona, name):
            return "the Claude Code subagent file as written"
        return f"the Claude Code subagent file as written, but for its name: line (now {name})"
    parts = ["## System Prompt → body"]
    parts.append("## Description → description:" if persona.description else "# title → description:")
    if persona.tools_declared:
        parts.append("## Tools → tools:")
    ignored = [f"## {part.removeprefix('section ').strip(chr(39))}" for part in persona.ignored_parts]
    summary = "converted from markdown sections: " + ", ".join(parts)
    return summary + (f"; ignored: {', '.join(ignored)}" if ignored else "")
