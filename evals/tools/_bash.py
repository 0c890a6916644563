"""Bash: one shell command per call, with the working directory carried between calls.

Each call is one ``exec`` round trip. The command text travels on stdin (argv caps a single
argument at 128 KB) into a wrapper that runs it under ``timeout`` in a child bash, with the
merged stdout/stderr piped through ``head -c`` (what we pull back) and ``wc`` (what we only
count), so a command printing 50 MB never crosses the docker connection. The child's EXIT
trap writes its final directory to a private per-call temp dir; the wrapper answers with a
header introduced by a random per-call marker. The command's own output never reaches the
wrapper's stdout, so it cannot forge the header or the new working directory.

Disk: every command (and anything it starts, background jobs included) runs under `ulimit -f`
(no single file larger than the sandbox's disk cap, at most 1 GiB), and the container's
writable layer is measured from the host before a call (at most every few seconds) and every
few seconds while one runs: past the cap, every process in the sandbox is killed and the sample
ends, with the reason in its metadata and score (`evals.sandbox.disk_guarded`).
"""

import base64
import math
import secrets
import time
from dataclasses import dataclass
from functools import partial

from inspect_ai.tool import ToolDef, ToolError
from inspect_ai.util import sandbox

from ..sandbox import MAX_FILE_BYTES, DiskLimitExceeded, container_disk, disk_guarded, kill_other_processes

from ._common import (
    HEAD_BYTES,
    boolean,
    clean_text,
    make_tool_def,
    number,
    params,
    string,
    truncate_output,
)
from ._state import current_dir, tool_state

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
KILL_GRACE_S = 5
"""Seconds between SIGTERM and SIGKILL when a command times out."""
DRAIN_WAIT_S = 1
"""How long to wait for the output pipe to close after the shell exits (background jobs
that keep it open are left running; their later output is dropped)."""
BACKGROUND_DIR = "/tmp/bash-background"

_WRAPPER = r"""
marker=$1 cwd=$2 home=$3 secs=$4 nbytes=$5 fsize=$6
d=$(mktemp -d /tmp/.bash-tool.XXXXXXXXXX) || exit 97
cat > "$d/cmd"
mkfifo "$d/out" "$d/sig" || exit 97
exec 4<>"$d/sig"
{ stdbuf -o0 head -c "$nbytes" > "$d/head"; wc -lc > "$d/rest"; echo done 5<>"$d/sig" >&5; } \
  < "$d/out" > /dev/null 2>&1 4>&- &
note=
if ! cd -- "$cwd" 2>/dev/null; then note=reset; cd -- "$home" 2>/dev/null || cd /; fi
qd=$(printf %q "$d")
timeout -k KILL_GRACE "$secs" bash --noprofile --norc -c "ulimit -f $fsize; trap 'pwd > $qd/cwd' EXIT
. $qd/cmd
__rc=\$?; pwd > $qd/cwd; exit \$__rc" bash < /dev/null > "$d/out" 2>&1 4>&-
rc=$?
drained=0; read -r -t DRAIN_WAIT -u 4 _ && drained=1
read -r rest_lines rest_bytes < "$d/rest" 2>/dev/null || { rest_lines=0 rest_bytes=0; }
newcwd=$(base64 -w0 < "$d/cwd" 2>/dev/null)
printf '%s %s %s %s %s %s %s\n' "$marker" "$rc" "$drained" "${rest_lines:-0}" \
  "${rest_bytes:-0}" "${note:--}" "${newcwd:--}"
cat "$d/head" 2>/dev/null
rm -rf -- "$d"
""".replace("KILL_GRACE", str(KILL_GRACE_S)).replace("DRAIN_WAIT", str(DRAIN_WAIT_S))

_BACKGROUND = r"""
job=$1 cwd=$2 home=$3 dir=$4 fsize=$5
mkdir -p -- "$dir" || exit 97
cat > "$dir/$job.sh"
ulimit -f "$fsize"
cd -- "$cwd" 2>/dev/null || cd -- "$home" 2>/dev/null || cd /
setsid bash --noprofile --norc -c 'bash --noprofile --norc "$1"; echo $? > "$1.exit"' \
  bash "$dir/$job.sh" > "$dir/$job.log" 2>&1 < /dev/null &
echo $!
"""


@dataclass(frozen=True)
class BashRun:
    """What the wrapper reported about one command."""

    exit_code: int
    output: str
    rest_lines: int
    rest_bytes: int
    drained: bool
    cwd: str | None
    cwd_reset: bool


def parse_wrapper_output(stdout: str, marker: str) -> BashRun:
    """Parse the wrapper's header line and the bounded output after it."""
    header, _, output = stdout.partition("\n")
    fields = header.split(" ")
    if len(fields) != 7 or fields[0] != marker:
        raise RuntimeError(f"unexpected Bash wrapper output: {stdout[:300]!r}")
    _, rc, drained, rest_lines, rest_bytes, note, cwd64 = fields
    cwd = base64.b64decode(cwd64).decode("utf-8", "replace").rstrip("\n") if cwd64 != "-" else None
    return BashRun(int(rc), output, int(rest_lines), int(rest_bytes), drained == "1",
                   cwd or None, note == "reset")


def timeout_seconds(timeout_ms: float | None) -> float:
    """The command's time limit in seconds; a ToolError for a value out of range."""
    if timeout_ms is None:
        return DEFAULT_TIMEOUT_MS / 1000
    if not 0 < timeout_ms <= MAX_TIMEOUT_MS:
        raise ToolError(f"timeout must be between 1 and {MAX_TIMEOUT_MS} ms, got {timeout_ms}.")
    return timeout_ms / 1000


def format_result(run: BashRun, timed_out: bool, secs: float, workdir: str) -> str:
    """The text the model sees: output (cut at 30,000 chars), then notes and the exit code."""
    text = clean_text(run.output).rstrip("\n")
    text = truncate_output(text, run.rest_lines, run.rest_bytes)
    notes = []
    if run.cwd_reset:
        notes.append(f"(The previous working directory no longer exists; ran in {workdir}.)")
    if timed_out:
        notes.append(f"Command timed out after {secs:g} s and was killed; output so far is above.")
    elif run.exit_code == 137:
        notes.append("Exit code 137 (killed by SIGKILL: most likely the sandbox's memory limit)")
    elif run.exit_code == 153:
        notes.append("Exit code 153 (SIGXFSZ: a file reached the sandbox's per-file size limit)")
    elif run.exit_code != 0:
        notes.append(f"Exit code {run.exit_code}")
    if not run.drained:
        notes.append(
            "(A background process still holds the output open; its further output is not "
            "shown. Redirect its output or use run_in_background for long-running processes.)"
        )
    if not text and not notes:
        return "(Command completed with no output)"
    return "\n".join(([text] if text else []) + notes)


BASH_PARAMS = params(
    ["command"],
    command=string("The shell command to run (bash)."),
    timeout=number(
        f"Time limit in milliseconds (default {DEFAULT_TIMEOUT_MS}, max {MAX_TIMEOUT_MS})."
    ),
    description=string("A few words saying what the command does."),
    run_in_background=boolean(
        "Start the command detached and return at once with its id and log file path."
    ),
)


async def _background(command: str, workdir: str) -> str:
    state = tool_state()
    state.background_jobs += 1
    job = f"bash_{state.background_jobs}"
    script = ["bash", "--noprofile", "--norc", "-c", _BACKGROUND, "bash", job,
              current_dir(workdir), workdir, BACKGROUND_DIR, str(await _file_limit_kb())]
    result = await sandbox().exec(script, input=command, timeout=60)
    if not result.success:
        raise ToolError(f"Could not start the background command: {result.stderr.strip()}")
    log = f"{BACKGROUND_DIR}/{job}.log"
    return (
        f"Command running in background with ID: {job} (pid {result.stdout.strip()}).\n"
        f"Its output goes to {log}; its exit code will be written to {BACKGROUND_DIR}/"
        f"{job}.sh.exit when it finishes. Inspect them with Bash (e.g. `tail -n 50 {log}`)."
    )


DISK_CHECK_EVERY_S = 5.0


async def _file_limit_kb() -> int:
    """`ulimit -f` for the next command; measures the sandbox's disk first (at most every few
    seconds), ending the sample when it is over its cap."""
    state = tool_state()
    if time.time() - state.disk_checked_at >= DISK_CHECK_EVERY_S or not state.file_limit_kb:
        state.disk_checked_at = time.time()
        usage = await container_disk(sandbox())
        limit = usage[1] if usage else MAX_FILE_BYTES
        state.file_limit_kb = max(1, min(limit, MAX_FILE_BYTES) // 1024)
        if usage is not None and usage[0] > usage[1]:
            await kill_other_processes(sandbox())
            raise DiskLimitExceeded(*usage)  # ends the sample (see evals.agents.common.infra_guard)
    return state.file_limit_kb


async def bash(
    command: str,
    workdir: str,
    timeout: float | None = None,
    description: str | None = None,
    run_in_background: bool = False,
) -> str:
    secs = timeout_seconds(timeout)
    if run_in_background:
        return await _background(command, workdir)
    try:
        try:
            return format_result(*await _run_once(command, workdir, secs), secs, workdir)
        except _NotStarted:
            # the sandbox is at its pid limit (an earlier command left a fork bomb or a pile of
            # processes behind): the command never ran, so clear the sandbox and run it once more
            await kill_other_processes(sandbox())
        try:
            result = format_result(*await _run_once(command, workdir, secs), secs, workdir)
        except _NotStarted as again:
            raise ToolError(f"The sandbox is out of processes: the command could not start. {again}") from None
        return f"{OUT_OF_PROCESSES_NOTE}\n{result}"
    except _SandboxWedged as wedged:
        return str(wedged)


OUT_OF_PROCESSES_NOTE = (
    "(The sandbox had run out of processes, left by an earlier command, so this command could "
    "not start: every process left in it was stopped and the command was run again.)"
)


class _SandboxWedged(Exception):
    """The exec did not return even after the command's time limit and kill grace."""


class _NotStarted(Exception):
    """`timeout` (ours or the one Inspect wraps every exec in) could not fork the command's
    shell, or the engine could not start it: nothing of the command ran, so running it again
    repeats nothing."""


def not_started(exit_code: int, text: str) -> bool:
    """Whether an exec's exit code and output say nothing of the command ran: `timeout` could not
    fork its child (125), or the engine could not start the exec'd process in the container at
    all (126, "OCI runtime exec failed": the pid limit reached before the runtime's init forked).
    That one line of error is all there is: a command's own output means the command did run."""
    text = text.strip()
    if "\n" in text:
        return False
    if exit_code == 125:
        return text.endswith("fork system call failed: Resource temporarily unavailable")
    return exit_code == 126 and text.startswith("OCI runtime exec failed") and "unable to start container process" in text


async def _run_once(command: str, workdir: str, secs: float) -> "tuple[BashRun, bool]":
    """Run the command once through the wrapper: what it reported, and whether it timed out."""
    marker = secrets.token_hex(16)
    argv = ["bash", "--noprofile", "--norc", "-c", _WRAPPER, "bash", marker,
            current_dir(workdir), workdir, f"{secs:.3f}", str(HEAD_BYTES), str(await _file_limit_kb())]
    started = time.monotonic()
    try:
        result = await disk_guarded(sandbox(), lambda: sandbox().exec(
            argv, input=command, timeout=math.ceil(secs) + KILL_GRACE_S + DRAIN_WAIT_S + 30,
            timeout_retry=False,
        ))  # fmt: skip
    except TimeoutError:
        # past its own time limit and the kill grace: the sandbox is wedged (e.g. at its pid
        # limit); stop everything left in it so the next command can run
        await kill_other_processes(sandbox())
        raise _SandboxWedged(f"Command timed out after {secs:g} s (the sandbox did not answer; "
                             "every process left in it was stopped).") from None

    elapsed = time.monotonic() - started
    if not_started(result.returncode, result.stdout + result.stderr):
        raise _NotStarted(result.stderr.strip()[-300:])
    try:
        run = parse_wrapper_output(result.stdout, marker)
    except RuntimeError:
        # the wrapper itself could not run to the end: typically no process could be started
        # (pid limit) or it was killed (memory). Stop everything left, so the sandbox answers again.
        await kill_other_processes(sandbox())
        detail = (result.stderr or result.stdout).strip()[-300:]
        raise ToolError(
            f"The command's shell did not report back (exit code {result.returncode}): the sandbox "
            "probably ran out of processes or memory. Every process left in it was stopped."
            + (f" Details: {detail}" if detail else "")
        ) from None
    if not_started(run.exit_code, run.output):
        raise _NotStarted(run.output.strip()[-300:])
    if run.cwd:
        tool_state().cwd = run.cwd
    elif run.cwd_reset:
        tool_state().cwd = None
    return run, run.exit_code in (124, 137) and elapsed >= secs


def bash_def(workdir: str) -> ToolDef:
    return make_tool_def(
        "Bash",
        "Run a bash command in the sandbox and return its combined stdout and stderr. The "
        f"working directory starts at {workdir} and persists between calls (a `cd` sticks); "
        "environment variables do not. Output beyond 30000 characters is cut. The time "
        f"limit defaults to {DEFAULT_TIMEOUT_MS // 1000} s (timeout in ms, at most "
        f"{MAX_TIMEOUT_MS // 1000 // 60} min). Use run_in_background for servers and other "
        "long-running processes. Prefer Read, Edit, Glob and Grep for file work.",
        BASH_PARAMS,
        partial(bash, workdir=workdir),
    )
