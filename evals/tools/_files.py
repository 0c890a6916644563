"""Read, Write, Edit and MultiEdit: Claude Code's file tools, run against the sandbox.

Each call is one round trip to the in-sandbox helper (``_sandbox_fs.py``), which also holds
the pure edit rules (``apply_edits``) so they are checked where the file is.
"""

import json
from dataclasses import asdict
from typing import Any

from inspect_ai.tool import ToolDef, ToolError, ToolParam

from ._common import (
    absolute_path,
    boolean,
    clean_text,
    integer,
    make_tool_def,
    params,
    run_fs,
    string,
)
from ._sandbox_fs import SAME, Edit
from ._state import mark_read, tool_state

READ_DEFAULT_LIMIT = 2000
MAX_LINE_CHARS = 2000
MAX_READ_CHARS = 100_000
"""About 25,000 tokens, Claude Code's ceiling for one Read; larger reads must use offset/limit."""
MAX_READ_BYTES_WHOLE = 256 * 1024
"""A file larger than this must be read with offset/limit (as in Claude Code)."""
SNIPPET_CONTEXT = 4

NOT_READ = "File has not been read yet. Read it first before writing to it."
MODIFIED = (
    "File has been modified since it was last read (by a command or another process). "
    "Read it again before writing to it."
)


# ---------------------------------------------------------------- pure helpers


def format_numbered(lines: list[str], first_line: int) -> str:
    """``cat -n`` layout: line number right-aligned in 6 columns, a tab, the text."""
    return "\n".join(f"{n:>6}\t{line}" for n, line in enumerate(lines, first_line))


# ---------------------------------------------------------------- Read

READ_PARAMS = params(
    ["file_path"],
    file_path=string("Absolute path of the file to read."),
    offset=integer("1-based line number to start from (for long files)."),
    limit=integer(f"Number of lines to read (default {READ_DEFAULT_LIMIT})."),
)


async def read(file_path: str, offset: int | None = None, limit: int | None = None) -> str:
    path = absolute_path(file_path)
    if offset is not None and offset < 0:
        raise ToolError("offset must be a positive line number (1 = first line).")
    if limit is not None and limit < 1:
        raise ToolError("limit must be at least 1.")
    start = max(offset or 1, 1)
    whole = offset is None and limit is None
    answer = await run_fs(
        "read", path, str(start), str(limit or READ_DEFAULT_LIMIT), str(MAX_LINE_CHARS),
        str(MAX_READ_CHARS), str(MAX_READ_BYTES_WHOLE if whole else 0),
    )
    error = answer.get("error")
    if error == "not_found":
        raise ToolError(f"File does not exist: {path}")
    if error == "is_dir":
        raise ToolError(f"{path} is a directory, not a file. Use LS (or Bash `ls`) to list it.")
    if error == "not_regular":
        raise ToolError(f"{path} is not a regular file.")
    if error == "binary":
        raise ToolError(
            f"{path} appears to be a binary file ({answer['size']} bytes); this tool reads "
            "text files only."
        )
    if error == "too_big":
        raise ToolError(
            f"File content ({answer['size'] // 1024} KB) exceeds maximum allowed size "
            f"({MAX_READ_BYTES_WHOLE // 1024} KB). Use offset and limit to read parts of the "
            "file, or Grep to search it."
        )
    if error == "too_long":
        raise ToolError(
            f"File content (about {answer['chars'] // 4} tokens) exceeds the maximum of "
            f"{MAX_READ_CHARS // 4} tokens for one read. Use offset and limit to read parts "
            "of the file, or Grep to search it."
        )
    if error:
        raise ToolError(f"Cannot read {path}: {answer.get('detail', error)}")
    mark_read(path, answer["mtime"])
    total = answer["total"]
    if total == 0:
        return f"(The file {path} exists but is empty.)"
    if not answer["lines"]:
        return (
            f"(The file {path} has {total} lines, fewer than the requested offset {start}.)"
        )
    return clean_text(format_numbered(answer["lines"], start))


# ---------------------------------------------------------------- Write

WRITE_PARAMS = params(
    ["file_path", "content"],
    file_path=string("Absolute path of the file to write."),
    content=string("The complete new content of the file."),
)


def _write_precondition(path: str) -> str:
    read_at = tool_state().read_files.get(path)
    return "unread" if read_at is None else str(read_at)


def _write_error(path: str, error: str) -> ToolError:
    messages = {
        "not_read": NOT_READ,
        "modified": MODIFIED,
        "is_dir": f"{path} is a directory.",
        "not_regular": f"{path} is not a regular file.",
        "parent_not_dir": f"A parent of {path} is not a directory.",
        "permission": f"Permission denied writing {path}.",
    }
    return ToolError(messages.get(error, f"Cannot write {path}: {error}"))


async def write(file_path: str, content: str) -> str:
    path = absolute_path(file_path)
    answer = await run_fs(
        "write", path, _write_precondition(path), input=content.encode("utf-8")
    )
    if "error" in answer:
        raise _write_error(path, answer["error"])
    mark_read(path, answer["mtime"])
    if answer["created"]:
        return f"File created successfully at: {path}"
    return f"The file {path} has been overwritten ({answer['bytes']} bytes)."


# ---------------------------------------------------------------- Edit / MultiEdit

_EDIT_FIELDS = {
    "old_string": string("The exact text to replace (must match the file, whitespace included)."),
    "new_string": string("The replacement text (must differ from old_string)."),
    "replace_all": boolean("Replace every occurrence instead of exactly one (default false)."),
}

EDIT_PARAMS = params(
    ["file_path", "old_string", "new_string"],
    file_path=string("Absolute path of the file to edit."),
    **_EDIT_FIELDS,
)

MULTIEDIT_PARAMS = params(
    ["file_path", "edits"],
    file_path=string("Absolute path of the file to edit."),
    edits=ToolParam(
        type="array",
        description="Edits (at least one) applied in order, each to the result of the previous.",
        items=ToolParam(
            type="object",
            properties=_EDIT_FIELDS,
            required=["old_string", "new_string"],
            additionalProperties=False,
        ),
    ),
)


def _preview(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[:width] + "..."


async def _edit_file(path: str, edits: list[Edit], multi: bool) -> str:
    """Check, apply all edits and write once, inside the sandbox in one round trip."""
    payload = json.dumps([asdict(e) for e in edits]).encode()
    answer = await run_fs(
        "edit", path, _write_precondition(path), str(SNIPPET_CONTEXT), str(MAX_LINE_CHARS),
        input=payload,
    )
    if "edit_error" in answer:
        raise ToolError(answer["edit_error"])
    error = answer.get("error")
    if error == "not_found":
        raise ToolError(f"File does not exist: {path}")
    if error in ("binary", "not_utf8"):
        raise ToolError(f"{path} is not a UTF-8 text file; it cannot be edited here.")
    if error:
        raise _write_error(path, error)
    mark_read(path, answer["mtime"])
    if answer["created"]:
        return f"File created successfully at: {path}"
    if multi:
        done = "\n".join(
            f"{i}. Replaced {_preview(e.old_string)!r} with {_preview(e.new_string)!r}"
            for i, e in enumerate(edits, 1)
        )
        return f"Applied {len(edits)} edit{'s' if len(edits) > 1 else ''} to {path}:\n{done}"
    e = edits[0]
    if e.replace_all:
        return (
            f"The file {path} has been updated. All occurrences of {e.old_string!r} were "
            f"replaced with {e.new_string!r}."
        )
    snippet = format_numbered(answer["snippet"], answer["snippet_start"])
    return (
        f"The file {path} has been updated. Here's the result of running `cat -n` on a "
        f"snippet of the edited file:\n{clean_text(snippet)}"
    )


async def edit(
    file_path: str, old_string: str, new_string: str, replace_all: bool = False
) -> str:
    path = absolute_path(file_path)
    if old_string == new_string:
        raise ToolError(SAME)
    return await _edit_file(path, [Edit(old_string, new_string, replace_all)], multi=False)


async def multi_edit(file_path: str, edits: list[dict[str, Any]]) -> str:
    path = absolute_path(file_path)
    if not edits:
        raise ToolError("edits must contain at least one edit.")
    parsed = [Edit(e["old_string"], e["new_string"], bool(e.get("replace_all", False)))
              for e in edits]
    return await _edit_file(path, parsed, multi=True)


# ---------------------------------------------------------------- ToolDefs


def read_def() -> ToolDef:
    return make_tool_def(
        "Read",
        "Read a text file from the sandbox. Output is numbered like `cat -n` (line number, "
        f"tab, text). Reads up to {READ_DEFAULT_LIMIT} lines from the start unless offset/limit "
        f"are given; lines longer than {MAX_LINE_CHARS} characters are cut. file_path must be "
        "absolute. A file must be Read before it can be overwritten or edited.",
        READ_PARAMS, read, parallel=True,
    )


def write_def() -> ToolDef:
    return make_tool_def(
        "Write",
        "Create a file, or replace the whole content of an existing one. file_path must be "
        "absolute; missing parent directories are created. An existing file must have been "
        "Read in this session first. Prefer Edit for changes to existing files.",
        WRITE_PARAMS, write,
    )


def edit_def() -> ToolDef:
    return make_tool_def(
        "Edit",
        "Replace an exact string in a file. old_string must occur exactly once (or set "
        "replace_all) and differ from new_string; match the file's text exactly, without the "
        "line-number prefix Read shows. The file must have been Read first. An empty "
        "old_string on a missing file creates it with new_string.",
        EDIT_PARAMS, edit,
    )


def multi_edit_def() -> ToolDef:
    return make_tool_def(
        "MultiEdit",
        "Apply several exact-string replacements to one file in a single step. Edits run in "
        "order, each on the result of the previous one, with Edit's rules for each; if any "
        "edit fails, none is applied. The file must have been Read first.",
        MULTIEDIT_PARAMS, multi_edit,
    )
