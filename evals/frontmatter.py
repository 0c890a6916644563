"""A persona's YAML front matter read as Claude Code reads it, and the mend when it cannot be.

Strict YAML refuses a plain value with ': ' in it (`description: Use it when: ...` reads as a
nested key). Claude Code 2.1's loader does not: audits that compared `yaml.safe_load` with
`claude -p --debug` on shipped agent files (anthropics/claude-code#87077, #91871) found it loads
such a single-line value as text, while a value that goes on over unindented lines still makes it
drop the file's front matter (a project agent then has no `name`, and is skipped). The harness
does the same: strict YAML first, then one retry with just those single-line values quoted.
Anything else is refused, with the likely mend for the entry at fault. (One report has Claude
Code 2.1.251 dropping such a file when it also has CRLF line endings; that is not modelled.)

Pure functions: front matter text in, data (or a `FrontMatterError`) out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?=[ \t]|$)")
_NESTED_KEY = re.compile(r":(?:[ \t]|$)", re.MULTILINE)

#: What YAML makes of a plain value's first character (why the value needs quotes).
_INDICATORS = {
    "@": "a reserved character",
    "`": "a reserved character",
    "*": "an alias (a reference to an anchor)",
    "&": "an anchor",
    "!": "a tag",
    "%": "a directive",
    "[": "the start of a list",
    "{": "the start of a mapping",
    '"': "a quoted string, which must then be the whole value",
    "'": "a quoted string, which must then be the whole value",
    "|": "a block scalar, whose text must start on the next line",
    ">": "a block scalar, whose text must start on the next line",
}


class FrontMatterError(Exception):
    """Front matter that neither strict YAML nor Claude Code's tolerance can read."""

    def __init__(self, line: int, problem: str, mend: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        """The line at fault, numbered as `read_front_matter` was told (the file's lines)."""
        self.problem = problem
        self.mend = mend


@dataclass(frozen=True)
class FrontMatter:
    data: Any
    """What the YAML holds (a mapping for a usable persona; the caller checks)."""

    tolerated: tuple[str, ...] = ()
    """Keys whose single-line value has an unquoted ': ', read as text as Claude Code does."""


@dataclass(frozen=True)
class _Entry:
    """One top-level `key: value` and the lines that follow it up to the next top-level key."""

    key: str | None
    start: int
    lines: tuple[str, ...]

    @property
    def value(self) -> str:
        return self.lines[0].split(":", 1)[1].strip() if self.key else ""

    @property
    def single_line(self) -> bool:
        return not any(line.strip() for line in self.lines[1:])


def _entries(lines: list[str]) -> list[_Entry]:
    """Group lines by top-level key (a line at column 0 shaped like `key:` starts a group)."""
    entries: list[_Entry] = []
    key: str | None = None
    start = 0
    chunk: list[str] = []
    for i, line in enumerate(lines):
        match = _TOP_KEY.match(line)
        if match:
            if chunk:
                entries.append(_Entry(key, start, tuple(chunk)))
            key, start, chunk = match.group(1), i, [line]
        else:
            chunk.append(line)
    if chunk:
        entries.append(_Entry(key, start, tuple(chunk)))
    return entries


def _needs_quotes(entry: _Entry) -> bool:
    """A single-line plain value with ': ' (or a final ':') in it: the case Claude Code tolerates."""
    value = entry.value
    return (
        entry.key is not None
        and entry.single_line
        and bool(value)
        and value[0] not in _INDICATORS
        and _NESTED_KEY.search(value) is not None
    )


def _quoted(entry: _Entry) -> str:
    return f"{entry.key}: {json.dumps(entry.value, ensure_ascii=False)}"


def _error_line(ex: yaml.YAMLError) -> int:
    """0-based line of the token at fault: where YAML began the scalar, key or flow collection
    it could not finish, else where it noticed the problem."""
    context = getattr(ex, "context", None) or ""
    mark = getattr(ex, "context_mark", None)
    if mark is None or not (context.startswith("while scanning") or "flow" in context):
        mark = getattr(ex, "problem_mark", None)
    return mark.line if mark is not None else 0


def _mend(entry: _Entry | None, line: int, first_line: int) -> str:
    """The likely fix for the entry at fault, as specific as its text allows (`line` is 0-based
    in the front matter, whose first line is the file's `first_line`)."""
    generic = (f"look at line {line + first_line}: a value that contains ': ' or starts with a "
               "special character needs quotes")  # fmt: skip
    if entry is None or entry.key is None:
        return generic
    key = entry.key
    as_block = f"write it as a block: '{key}: |' with every line of the text below it indented by two spaces"
    for offset, text in enumerate(entry.lines):
        if "\t" in text[: len(text) - len(text.lstrip())]:
            return f"line {entry.start + offset + first_line} is indented with a tab, which YAML does not allow: use spaces"
    for offset, text in enumerate(entry.lines[1:], start=1):
        if text.strip() and not text[0].isspace():
            return (f"the '{key}' value goes on at line {entry.start + offset + first_line} without indentation, "
                    f"so YAML reads that line as a new key: {as_block}")  # fmt: skip
    value = entry.value
    if value and value[0] in _INDICATORS:
        return (f"the '{key}' value starts with '{value[0]}', which YAML reads as {_INDICATORS[value[0]]}: "
                f"put the whole value in double quotes ({key}: \"...\", writing \\\" for a quote inside)")  # fmt: skip
    text = "\n".join([value, *entry.lines[1:]])
    if _NESTED_KEY.search(text):
        return (f"the '{key}' value contains ': ', which YAML reads as a nested key: put the whole value "
                f"in double quotes ({key}: \"...\", writing \\\" for a quote inside), or {as_block}")  # fmt: skip
    return generic


def read_front_matter(text: str, first_line: int = 1) -> FrontMatter:
    """Parse front matter text (without its `---` lines) as Claude Code 2.1 would.
    `first_line`: the file's number for the text's first line, for the messages (2 in a file).

    Raises:
        FrontMatterError: the YAML is broken beyond Claude Code's tolerance; carries the line,
            YAML's own complaint and the likely mend.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    try:
        return FrontMatter(yaml.safe_load("\n".join(lines)))
    except yaml.YAMLError as ex:
        error = ex
    entries = _entries(lines)
    tolerated = [entry for entry in entries if _needs_quotes(entry)]
    if tolerated:
        retry = list(lines)
        for entry in tolerated:
            retry[entry.start] = _quoted(entry)
        try:
            data = yaml.safe_load("\n".join(retry))
            return FrontMatter(data, tuple(str(entry.key) for entry in tolerated))
        except yaml.YAMLError as ex:
            error = ex  # what is left once the tolerated values are text (same line numbers)
    line = _error_line(error)
    at_fault = next((e for e in reversed(entries) if e.start <= line), None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    raise FrontMatterError(line + first_line, problem, _mend(at_fault, line, first_line))
