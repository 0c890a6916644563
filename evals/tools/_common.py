"""Shared pieces: JSON-schema parameters, argument checks, output truncation, the fs helper."""

import json
import posixpath
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import Any

from jsonschema import Draft7Validator
from inspect_ai.tool import ToolDef, ToolError, ToolParam, ToolParams
from inspect_ai.util import sandbox

MAX_OUTPUT_CHARS = 30_000
"""Bash and Grep output beyond this many characters is cut (Claude Code's limit)."""

HEAD_BYTES = 4 * MAX_OUTPUT_CHARS
"""Bytes pulled from the sandbox for a bounded output: enough for MAX_OUTPUT_CHARS of UTF-8."""

FS_TIMEOUT = 120
"""Seconds allowed for one file-system helper call."""

_FS_SCRIPT = (Path(__file__).parent / "_sandbox_fs.py").read_text(encoding="utf-8")


def string(description: str, **extra: Any) -> ToolParam:
    return ToolParam(type="string", description=description, **extra)


def integer(description: str) -> ToolParam:
    return ToolParam(type="integer", description=description)


def number(description: str) -> ToolParam:
    return ToolParam(type="number", description=description)


def boolean(description: str) -> ToolParam:
    return ToolParam(type="boolean", description=description)


def params(required: list[str], **properties: ToolParam) -> ToolParams:
    """Parameters object; keys like ``-A`` are passed as ``**{"-A": ...}``."""
    return ToolParams(properties=properties, required=required, additionalProperties=False)


def check_args(tool: str, schema: ToolParams, args: dict[str, Any]) -> None:
    """Validate ``args`` against the tool's own schema.

    Inspect validates model calls the same way before calling; repeating it here makes the
    tools safe to call directly (tests, other agents) and reports problems as a ToolError.
    """
    validator = Draft7Validator(schema.model_dump(exclude_none=True))
    errors = sorted(validator.iter_errors(args), key=lambda e: (list(e.path), e.message))
    if errors:
        details = "; ".join(
            (f"{'/'.join(str(p) for p in e.path)}: " if e.path else "") + e.message
            for e in errors
        )
        raise ToolError(f"Invalid {tool} input: {details}")


def absolute_path(value: str, name: str = "file_path") -> str:
    """Normalised absolute path, or a ToolError for a relative one."""
    if not value.startswith("/"):
        raise ToolError(f"{name} must be an absolute path (starting with /), got: {value!r}")
    return posixpath.normpath(value)


def resolve_path(value: str | None, cwd: str) -> str:
    """An optional search path: absolute as given, relative to ``cwd``, or ``cwd`` itself."""
    if not value:
        return cwd
    return posixpath.normpath(posixpath.join(cwd, value))


def clean_text(text: str) -> str:
    """Tool output safe for any model API: NUL bytes shown as U+FFFD."""
    return text.replace("\x00", "\ufffd")


def truncate_output(text: str, rest_lines: int = 0, rest_bytes: int = 0,
                    limit: int = MAX_OUTPUT_CHARS) -> str:
    """Keep the first ``limit`` characters and say how much was cut.

    ``rest_lines``/``rest_bytes`` describe output that never left the sandbox (beyond the
    bytes pulled); they are added to what is cut here.
    """
    if len(text) <= limit and not rest_bytes:
        return text
    kept, cut = text[:limit], text[limit:]
    cut_lines = max(cut.count("\n") + rest_lines, 1)
    cut_bytes = len(cut.encode("utf-8")) + rest_bytes
    return (
        f"{kept}\n\n... [output truncated: {cut_lines} more lines ({cut_bytes} bytes) not shown;"
        f" showing the first {len(kept)} characters] ..."
    )


async def run_fs(op: str, *args: str, input: bytes | None = None) -> dict[str, Any]:
    """Run one operation of the in-sandbox helper (``_sandbox_fs.py``) and return its answer."""
    cmd = ["python3", "-I", "-c", _FS_SCRIPT, op, *args]
    try:
        result = await sandbox().exec(cmd, input=input, cwd="/", timeout=FS_TIMEOUT)
    except TimeoutError:
        raise ToolError(f"The sandbox did not answer within {FS_TIMEOUT} s.") from None
    if not result.success:
        raise RuntimeError(f"sandbox file helper failed ({op}): {result.stderr.strip()[-2000:]}")
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


MAX_RESULT_BYTES = 512 * 1024
"""Inspect-side cap on a tool result. Each tool bounds its own output below this (Claude
Code's limits), so Inspect's default cut (16 KiB) must not apply first."""


def make_tool_def(
    name: str,
    description: str,
    schema: ToolParams,
    impl: Callable[..., Awaitable[str]],
    parallel: bool = False,
) -> ToolDef:
    """A ToolDef whose callable takes the model's arguments verbatim (keys like ``-A``)."""

    async def execute(**kwargs: Any) -> str:
        check_args(name, schema, kwargs)
        return await impl(**kwargs)

    return ToolDef(
        execute, name=name, description=description, parameters=schema, parallel=parallel,
        max_output=MAX_RESULT_BYTES,
    )
