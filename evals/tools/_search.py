"""Glob, Grep and LS: finding files and text in the sandbox."""

import base64
import json
from functools import partial
from typing import Any

from inspect_ai.tool import ToolDef, ToolError, ToolParam
from inspect_ai.util import sandbox

from ._common import (
    FS_TIMEOUT,
    HEAD_BYTES,
    absolute_path,
    boolean,
    make_tool_def,
    clean_text,
    integer,
    params,
    resolve_path,
    run_fs,
    string,
    truncate_output,
)
from ._state import current_dir

GLOB_LIMIT = 100
LS_LIMIT = 1000
OUTPUT_MODES = ("files_with_matches", "content", "count")

# ---------------------------------------------------------------- pure helpers


def grep_argv(
    pattern: str,
    path: str,
    *,
    output_mode: str = "files_with_matches",
    glob: str | None = None,
    file_type: str | None = None,
    after: int | None = None,
    before: int | None = None,
    context: int | None = None,
    line_numbers: bool = False,
    ignore_case: bool = False,
    multiline: bool = False,
) -> list[str]:
    """The ``rg`` argv for a Grep call.

    Hidden files are searched but ``.git`` is not; .gitignore is honoured (rg's default).
    Context and line-number flags only apply in content mode, as in Claude Code.
    """
    argv = ["rg", "--no-config", "--color=never", "--hidden", "--glob", "!.git"]
    if output_mode == "files_with_matches":
        argv += ["--files-with-matches", "--sortr=modified"]
    elif output_mode == "count":
        argv += ["--count"]
    else:
        argv += ["--no-heading", "--line-number" if line_numbers else "--no-line-number"]
        for flag, value in (("-A", after), ("-B", before), ("-C", context)):
            if value is not None:
                argv += [flag, str(value)]
    if ignore_case:
        argv.append("-i")
    if file_type:
        argv += ["--type", file_type]
    if glob:
        argv += ["--glob", glob]
    if multiline:
        argv += ["-U", "--multiline-dotall"]
    return argv + ["-e", pattern, "--", path]


def format_grep(output_mode: str, lines: list[str], total: int, head_limit: int | None) -> str:
    """Grep's answer from rg's output lines (``total`` counts lines never pulled over too)."""
    shown = lines[:head_limit] if head_limit else lines
    more = total - len(shown)
    if output_mode == "files_with_matches":
        head = f"Found {total} file{'s' if total != 1 else ''}"
        if more > 0:
            head += f" (showing the first {len(shown)})"
        return "\n".join([head, *shown])
    text = "\n".join(shown)
    if output_mode == "count":
        counts = [line.rsplit(":", 1)[-1] for line in shown]
        matches = sum(int(c) for c in counts if c.isdigit())
        text += (
            f"\n\nFound {matches} matching line{'s' if matches != 1 else ''} across "
            f"{len(shown)} file{'s' if len(shown) != 1 else ''}."
        )
    if more > 0:
        text += f"\n\n... [{more} more lines not shown] ..."
    return text


def format_tree(root: str, entries: list[str]) -> str:
    """Claude Code's LS layout: ``- name`` lines, two spaces of indent per level, dirs end in /."""
    tree: dict[str, Any] = {}
    for entry in entries:
        node = tree
        parts = entry.rstrip("/").split("/")
        for i, part in enumerate(parts):
            is_dir = i < len(parts) - 1 or entry.endswith("/")
            node = node.setdefault(part + ("/" if is_dir else ""), {})
    lines = [f"- {root.rstrip('/')}/"]

    def walk(node: dict[str, Any], depth: int) -> None:
        for name in sorted(node, key=lambda n: n.rstrip("/")):
            lines.append(f"{'  ' * depth}- {name}")
            walk(node[name], depth + 1)

    walk(tree, 1)
    return "\n".join(lines)


# ---------------------------------------------------------------- Glob

GLOB_PARAMS = params(
    ["pattern"],
    pattern=string("Glob pattern, e.g. `**/*.py` or `src/**/test_*.py` (`**` is recursive)."),
    path=string("Directory to search in (default: the current working directory)."),
)


async def glob_files(workdir: str, pattern: str, path: str | None = None) -> str:
    base = resolve_path(path, current_dir(workdir))
    answer = await run_fs("glob", base, pattern, str(GLOB_LIMIT))
    error = answer.get("error")
    if error == "not_found":
        raise ToolError(f"Directory does not exist: {base}")
    if error == "not_dir":
        raise ToolError(f"Path is not a directory: {base}")
    if error:
        raise ToolError(f"Glob failed in {base}: {answer.get('detail', error)}")
    files: list[str] = answer["files"]
    if not files:
        return "No files found"
    text = "\n".join(files)
    if answer["total"] > len(files):
        text += (
            f"\n(Results are truncated: {answer['total']} files matched, the {len(files)} most "
            "recently modified are shown. Use a more specific path or pattern.)"
        )
    return clean_text(text)


# ---------------------------------------------------------------- Grep

_RUN_BOUNDED = r"""
nbytes=$1; shift
d=$(mktemp -d /tmp/.grep-tool.XXXXXXXXXX) || exit 97
"$@" 2>"$d/err" < /dev/null | { head -c "$nbytes" > "$d/out"; wc -lc > "$d/rest"; }
rc=${PIPESTATUS[0]}
read -r rest_lines rest_bytes < "$d/rest" || { rest_lines=0 rest_bytes=0; }
err=$(head -c 4000 "$d/err" | base64 -w0)
printf '%s %s %s %s\n' "$rc" "${rest_lines:-0}" "${rest_bytes:-0}" "$err"
cat "$d/out"
rm -rf -- "$d"
"""

GREP_PARAMS = params(
    ["pattern"],
    pattern=string("Regular expression (ripgrep syntax) to search for."),
    path=string("File or directory to search (default: the current working directory)."),
    glob=string("Only search files matching this glob, e.g. `*.py` or `*.{ts,tsx}` (rg --glob)."),
    type=string("Only search files of this type, e.g. `py`, `js`, `rust` (rg --type)."),
    output_mode=ToolParam(
        type="string",
        enum=list(OUTPUT_MODES),
        description="`files_with_matches` (default: matching file paths), `content` (matching "
        "lines) or `count` (matches per file).",
    ),
    **{
        "-A": integer("Lines of context after each match (content mode only)."),
        "-B": integer("Lines of context before each match (content mode only)."),
        "-C": integer("Lines of context before and after each match (content mode only)."),
        "-n": boolean("Show line numbers (content mode only)."),
        "-i": boolean("Case-insensitive search."),
    },
    head_limit=integer("Show only the first N lines or entries of the result."),
    multiline=boolean(
        "Let patterns span lines; `.` also matches newlines (rg -U --multiline-dotall)."
    ),
)


async def grep(workdir: str, **args: Any) -> str:
    for key in ("-A", "-B", "-C", "head_limit"):
        if args.get(key) is not None and args[key] < 0:
            raise ToolError(f"{key} must not be negative.")
    mode = args.get("output_mode") or "files_with_matches"
    path = resolve_path(args.get("path"), current_dir(workdir))
    argv = grep_argv(
        args["pattern"], path, output_mode=mode, glob=args.get("glob"),
        file_type=args.get("type"), after=args.get("-A"), before=args.get("-B"),
        context=args.get("-C"), line_numbers=bool(args.get("-n")),
        ignore_case=bool(args.get("-i")), multiline=bool(args.get("multiline")),
    )
    cmd = ["bash", "--noprofile", "--norc", "-c", _RUN_BOUNDED, "bash", str(HEAD_BYTES), *argv]
    try:
        result = await sandbox().exec(cmd, cwd="/", timeout=FS_TIMEOUT)
    except TimeoutError:
        raise ToolError(
            f"Grep timed out after {FS_TIMEOUT} s; narrow the path or pattern."
        ) from None
    header, _, output = result.stdout.partition("\n")
    rc, rest_lines, rest_bytes, err64 = (header.split(" ", 3) + ["", "", "", ""])[:4]
    stderr = base64.b64decode(err64).decode("utf-8", "replace").strip() if err64 else ""
    if rc == "1" or (rc == "0" and not output):
        return "No files found" if mode == "files_with_matches" else "No matches found"
    if rc not in ("0", "2") or not output:
        raise ToolError(f"Grep failed: {stderr or result.stderr.strip() or 'exit code ' + rc}")
    output = clean_text(output)
    lines = output.splitlines()
    total = len(lines) + int(rest_lines or 0)
    head_limit = args.get("head_limit") or None
    text = format_grep(mode, lines, total, head_limit)
    text = truncate_output(text, 0 if head_limit else int(rest_lines or 0),
                           0 if head_limit else int(rest_bytes or 0))
    if rc == "2" and stderr:
        text += f"\n(Some paths could not be searched: {stderr.splitlines()[0]})"
    return text


# ---------------------------------------------------------------- LS

LS_PARAMS = params(
    ["path"],
    path=string("Absolute path of the directory to list."),
    ignore=ToolParam(
        type="array",
        items=ToolParam(type="string"),
        description="Glob patterns of names or relative paths to leave out.",
    ),
)


async def list_dir(path: str, ignore: list[str] | None = None) -> str:
    root = absolute_path(path, "path")
    answer = await run_fs("ls", root, str(LS_LIMIT), json.dumps(ignore or []))
    error = answer.get("error")
    if error == "not_found":
        raise ToolError(f"Directory does not exist: {root}")
    if error == "not_dir":
        raise ToolError(f"Not a directory: {root}. Use Read for files.")
    if error:
        raise ToolError(f"Cannot list {root}: {answer.get('detail', error)}")
    tree = clean_text(format_tree(root, answer["entries"]))
    if answer["truncated"]:
        return (
            f"There are more than {LS_LIMIT} files and directories under {root}. Use LS on a "
            "more specific path, or Glob/Grep/Bash, to explore nested directories. The first "
            f"{LS_LIMIT} are included below:\n\n{tree}"
        )
    return tree


# ---------------------------------------------------------------- ToolDefs


def glob_def(workdir: str) -> ToolDef:
    return make_tool_def(
        "Glob",
        "Find files by glob pattern (`**` matches any number of directories). Returns "
        f"absolute paths, most recently modified first, at most {GLOB_LIMIT}. Names "
        "starting with a dot are matched only when the pattern names them.",
        GLOB_PARAMS,
        partial(glob_files, workdir),
        parallel=True,
    )


def grep_def(workdir: str) -> ToolDef:
    return make_tool_def(
        "Grep",
        "Search file contents with ripgrep (regular expressions, rg syntax: escape literal "
        "braces, e.g. `interface\\{\\}`). By default lists the files that match, most "
        "recently modified first; output_mode `content` shows matching lines (with -A/-B/-C "
        "context and -n line numbers) and `count` counts them. Filter with glob or type. "
        "Honours .gitignore; skips .git.",
        GREP_PARAMS,
        partial(grep, workdir),
        parallel=True,
    )


def ls_def() -> ToolDef:
    return make_tool_def(
        "LS",
        "List a directory as a tree (recursively, breadth first, up to "
        f"{LS_LIMIT} entries). path must be absolute. Hidden names and __pycache__ are "
        "skipped; `ignore` takes glob patterns to leave out more. Prefer Glob and Grep "
        "when you know what you are looking for.",
        LS_PARAMS,
        list_dir,
        parallel=True,
    )
