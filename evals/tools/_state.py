"""Per-sample tool state, kept in Inspect's sample store so it is logged with the sample."""

from pydantic import Field

from inspect_ai.util import StoreModel, store_as


class ToolState(StoreModel):
    """What the tools remember within one sample (store keys ``ToolState:<field>``).

    Attributes:
        read_files: absolute path -> mtime (ns) when the agent last Read or wrote it; Write and
            Edit refuse files missing here, or changed on disk since, as Claude Code does.
        cwd: the Bash working directory (None until a Bash call changes it: the workdir).
        todos: the latest TodoWrite list.
        web_unavailable: tool name -> number of web calls answered "unavailable", for the report.
        background_jobs: how many Bash commands were started with run_in_background.
        disk_checked_at: when (time.time()) the sandbox's disk use was last measured by Bash.
        file_limit_kb: largest file a Bash command may write (ulimit -f, KiB); 0 = not yet known.
    """

    read_files: dict[str, int] = Field(default_factory=dict)
    cwd: str | None = None
    todos: list[dict[str, str]] = Field(default_factory=list)
    web_unavailable: dict[str, int] = Field(default_factory=dict)
    background_jobs: int = 0
    disk_checked_at: float = 0.0
    file_limit_kb: int = 0


def tool_state() -> ToolState:
    """The current sample's tool state."""
    return store_as(ToolState)


def mark_read(path: str, mtime_ns: int) -> None:
    """Record that the agent has seen ``path`` as of ``mtime_ns`` (reassigned, so it is stored)."""
    state = tool_state()
    state.read_files = {**state.read_files, path: mtime_ns}


def current_dir(workdir: str) -> str:
    """The Bash working directory, which Glob and Grep also default to."""
    return tool_state().cwd or workdir
