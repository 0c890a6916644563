"""File-system helper that runs INSIDE the sandbox (``python3 -I -c <this file> OP ARGS``).

It is shipped as text on every call rather than installed in the image, so any image with a
python3 (3.8+) works. It does the parts that must not pull whole files or trees over the
docker connection (line selection, binary sniffing, tree walks, mtime checks) and answers one
JSON object on stdout. It imports nothing from the project: keep it standalone, stdlib only.

Operations (argv after OP):
  read PATH OFFSET LIMIT MAX_LINE MAX_CHARS MAX_BYTES  selected lines of a text file
  write PATH EXPECT                                     stdin -> PATH. EXPECT is "unread" (an
                                                        existing file may not be overwritten)
                                                        or the mtime_ns the agent last saw (the
                                                        file must not be newer)
  edit PATH EXPECT SNIPPET_CONTEXT MAX_LINE             apply the JSON list of edits on stdin,
                                                        all or nothing (EXPECT as for write)
  glob BASE PATTERN LIMIT                               files matching PATTERN, newest first
  ls PATH LIMIT IGNORE_JSON                             breadth-first listing, hidden names skipped
"""

from __future__ import annotations

import fnmatch
import glob as globlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from typing import Any

SNIFF_BYTES = 8192
"""A NUL byte in this many leading bytes marks a file as binary."""

def kind_of(path: str) -> tuple[str | None, os.stat_result | None]:
    """("file" | "dir" | "other" | None, stat) for a path, following symlinks."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None, None
    if stat.S_ISDIR(st.st_mode):
        return "dir", st
    if stat.S_ISREG(st.st_mode):
        return "file", st
    return "other", st


def is_binary(head: bytes) -> bool:
    return b"\x00" in head


def op_read(
    path: str, offset: int, limit: int, max_line: int, max_chars: int, max_bytes: int
) -> dict[str, Any]:
    """Lines offset..offset+limit-1 (cut to max_line chars), streaming, plus the line count.

    Refuses a file over max_bytes (0: no limit) or a selection over max_chars (with its
    size, so the host can say how much too big it is).
    """
    kind, st = kind_of(path)
    if kind is None or st is None:
        return {"error": "not_found"}
    if kind != "file":
        return {"error": "is_dir" if kind == "dir" else "not_regular"}
    if max_bytes and st.st_size > max_bytes:
        return {"error": "too_big", "size": st.st_size}
    selected: list[str] = []
    chars = total = 0
    with open(path, "rb") as f:
        if is_binary(f.read(SNIFF_BYTES)):
            return {"error": "binary", "size": st.st_size}
        f.seek(0)
        for total, raw in enumerate(f, 1):
            if offset <= total < offset + limit:
                line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")[:max_line]
                chars += len(line) + 8  # with the "%6d\t" prefix and newline
                if chars <= max_chars:
                    selected.append(line)
    if chars > max_chars:
        return {"error": "too_long", "chars": chars}
    return {"mtime": st.st_mtime_ns, "size": st.st_size, "total": total, "lines": selected}


def op_write(path: str, expect: str) -> dict[str, Any]:
    """Write stdin to path (creating parents) unless the read-before-write rule forbids it."""
    kind, st = kind_of(path)
    if kind == "dir":
        return {"error": "is_dir"}
    if kind == "other":
        return {"error": "not_regular"}
    exists = kind == "file" and st is not None
    if exists and expect == "unread":
        return {"error": "not_read"}
    if exists and expect != "unread" and st.st_mtime_ns > int(expect):
        return {"error": "modified"}
    data = sys.stdin.buffer.read()
    parent = os.path.dirname(path)
    try:
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    except NotADirectoryError:
        return {"error": "parent_not_dir"}
    except PermissionError:
        return {"error": "permission"}
    return {"created": not exists, "mtime": os.stat(path).st_mtime_ns, "bytes": len(data)}


def op_glob(base: str, pattern: str, limit: int) -> dict[str, Any]:
    """Regular files matching pattern under base, newest first (hidden names only if named)."""
    kind, _ = kind_of(base)
    if kind is None:
        return {"error": "not_found"}
    if kind != "dir":
        return {"error": "not_dir"}
    if os.path.isabs(pattern):
        found = globlib.glob(pattern, recursive=True)
    elif sys.version_info >= (3, 10):
        found = globlib.glob(pattern, root_dir=base, recursive=True)
        found = [os.path.join(base, p) for p in found]
    else:
        found = globlib.glob(os.path.join(globlib.escape(base), pattern), recursive=True)
    skip_git = ".git" not in pattern
    files: list[tuple[int, str]] = []
    for p in found:
        p = os.path.normpath(p)
        if skip_git and "/.git/" in p + "/":
            continue
        try:
            st = os.stat(p)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            files.append((st.st_mtime_ns, p))
    files.sort(key=lambda t: (-t[0], t[1]))
    return {"total": len(files), "files": [p for _, p in files[:limit]]}


def ignored(name: str, rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in patterns)


def op_ls(path: str, limit: int, patterns: list[str]) -> dict[str, Any]:
    """Up to limit entries under path, breadth first, skipping hidden names and __pycache__."""
    kind, _ = kind_of(path)
    if kind is None:
        return {"error": "not_found"}
    if kind != "dir":
        return {"error": "not_dir"}
    entries: list[str] = []
    queue, truncated = [""], False
    while queue and not truncated:
        rel_dir = queue.pop(0)
        try:
            with os.scandir(os.path.join(path, rel_dir)) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for e in children:
            if e.name.startswith(".") or e.name == "__pycache__":
                continue
            rel = os.path.join(rel_dir, e.name) if rel_dir else e.name
            if ignored(e.name, rel, patterns):
                continue
            if len(entries) >= limit:
                truncated = True
                break
            is_dir = e.is_dir(follow_symlinks=False)
            entries.append(rel + "/" if is_dir else rel)
            if is_dir:
                queue.append(rel)
    return {"entries": entries, "truncated": truncated}


# ---------------------------------------------------------------- edits (pure)

SAME = "No changes to make: old_string and new_string are exactly the same."


class EditError(ValueError):
    """An edit that cannot be applied; the message is what the model sees."""


@dataclass(frozen=True)
class Edit:
    old_string: str
    new_string: str
    replace_all: bool = False


def apply_edit(text: str, edit: Edit) -> tuple[str, int]:
    """Apply one exact-string replacement; return the new text and where the change starts."""
    if edit.old_string == edit.new_string:
        raise EditError(SAME)
    if edit.old_string == "":
        if text.strip():
            raise EditError("Cannot create new file - file already exists.")
        return edit.new_string, 0
    count = text.count(edit.old_string)
    if count == 0:
        raise EditError("String to replace not found in file.\nString: " + edit.old_string)
    if count > 1 and not edit.replace_all:
        raise EditError(
            "Found %d matches of the string to replace, but replace_all is false. To replace "
            "all occurrences, set replace_all to true. To replace only one occurrence, provide "
            "more context to uniquely identify the instance.\nString: %s"
            % (count, edit.old_string)
        )
    start = text.index(edit.old_string)
    return text.replace(edit.old_string, edit.new_string, -1 if edit.replace_all else 1), start


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, int]:
    """Apply edits in order, each on the previous result; all or nothing (raises EditError).

    Returns the new text and where the first edit's change starts.
    """
    first = 0
    applied_new: list[str] = []
    for index, edit in enumerate(edits, 1):
        prefix = "Edit %d of %d: " % (index, len(edits)) if len(edits) > 1 else ""
        if edit.old_string and any(edit.old_string in new for new in applied_new):
            raise EditError(prefix + "Cannot edit file: old_string is a substring of a "
                            "new_string from a previous edit.")
        try:
            text, at = apply_edit(text, edit)
        except EditError as ex:
            raise EditError(prefix + str(ex)) from None
        if index == 1:
            first = at
        applied_new.append(edit.new_string)
    return text, first


def split_line_endings(text: str) -> tuple[str, bool]:
    """Text with LF endings, and whether the file used CRLF (Read shows lines without CR)."""
    if "\r\n" in text:
        return text.replace("\r\n", "\n"), True
    return text, False


def join_line_endings(text: str, crlf: bool) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else text


def snippet_lines(
    text: str, start: int, changed: str, context: int, max_line: int
) -> tuple[int, list[str]]:
    """(first line number, lines) around an edit: the changed text plus context each side."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    first = text.count("\n", 0, start)
    last = first + changed.count("\n")
    lo, hi = max(0, first - context), min(len(lines), last + context + 1)
    return lo + 1, [line[:max_line] for line in lines[lo:hi]]


def op_edit(path: str, expect: str, context: int, max_line: int) -> dict[str, Any]:
    """Check the read-before-write rule, apply all edits in memory, then write once."""
    edits = [Edit(e["old_string"], e["new_string"], bool(e.get("replace_all", False)))
             for e in json.loads(sys.stdin.buffer.read())]
    kind, st = kind_of(path)
    if kind is None:
        if edits[0].old_string != "":
            return {"error": "not_found"}
        text, crlf, exists = "", False, False
    elif kind != "file" or st is None:
        return {"error": "is_dir" if kind == "dir" else "not_regular"}
    else:
        if expect == "unread":
            return {"error": "not_read"}
        if st.st_mtime_ns > int(expect):
            return {"error": "modified"}
        with open(path, "rb") as f:
            data = f.read()
        if is_binary(data[:SNIFF_BYTES]):
            return {"error": "binary"}
        try:
            text, crlf = split_line_endings(data.decode("utf-8"))
        except UnicodeDecodeError:
            return {"error": "not_utf8"}
        exists = True
    if crlf:
        edits = [Edit(e.old_string.replace("\r\n", "\n"), e.new_string.replace("\r\n", "\n"),
                      e.replace_all) for e in edits]
    try:
        new_text, start = apply_edits(text, edits)
    except EditError as ex:
        return {"edit_error": str(ex)}
    parent = os.path.dirname(path)
    try:
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "wb") as f:
            f.write(join_line_endings(new_text, crlf).encode("utf-8"))
    except NotADirectoryError:
        return {"error": "parent_not_dir"}
    first, lines = snippet_lines(new_text, start, edits[0].new_string, context, max_line)
    return {"created": not exists, "mtime": os.stat(path).st_mtime_ns,
            "snippet_start": first, "snippet": lines}


def main(argv: list[str]) -> dict[str, Any]:
    op, args = argv[0], argv[1:]
    if op == "read":
        path, numbers = args[0], [int(a) for a in args[1:]]
        return op_read(path, *numbers)
    if op == "write":
        return op_write(args[0], args[1])
    if op == "edit":
        return op_edit(args[0], args[1], int(args[2]), int(args[3]))
    if op == "glob":
        return op_glob(args[0], args[1], int(args[2]))
    if op == "ls":
        return op_ls(args[0], int(args[1]), json.loads(args[2]))
    return {"error": "unknown_op"}


if __name__ == "__main__":
    try:
        answer = main(sys.argv[1:])
    except PermissionError as ex:
        answer = {"error": "permission", "detail": str(ex)}
    except OSError as ex:
        answer = {"error": "os", "detail": str(ex)}
    sys.stdout.write(json.dumps(answer, ensure_ascii=True))
