"""Scripted model providers (`replay/<policy>`): they prove the pipeline, they are not models.

* `replay/oracle`      applies the fixture's reference fix through the agent's own tools
                       (Read then Edit, Write or Bash, whichever the persona granted);
* `replay/alternative` the same with `solution/alternative.patch` (a different correct fix);
* `replay/wrong`       the same with `solution/wrong.patch` (a plausible but wrong fix);
* `replay/noop`        answers without changing anything;
* `replay/script`      plays the tool calls given as model args (`steps=[{"tool": ..., "arguments":
                       {...}}, ...]`), for tests of the tools and the grader.

A scripted model finds its fixture by the issue text it is given (fixtures register themselves
when a task is built), so nothing about the fixture leaks into the conversation. It is
stateless: each call derives the next step from the number of assistant turns so far. Token
counts are estimated locally (no tokenizer download).
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ContentText,
    ChatMessageAssistant,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from .errors import HarnessError
from .fixtures import WORKDIR, Fixture, issue_digest

_FIXTURES: dict[str, Fixture] = {}

PATCH_POLICIES = ("oracle", "alternative", "wrong")
POLICIES = (*PATCH_POLICIES, "noop", "script")
_PATCH_FOR = {"oracle": "reference", "alternative": "alternative", "wrong": "wrong"}


class SolutionError(HarnessError):
    """A fixture's scripted solution is missing or does not apply."""


def register_fixtures(fixtures: list[Fixture]) -> None:
    """Let scripted models recognise these fixtures by their issue text."""
    for fixture in fixtures:
        _FIXTURES[fixture.issue_sha256] = fixture


def solution_files(fixture: Fixture, patch_name: str) -> dict[str, bytes | None]:
    """Apply a solution patch to a scratch copy of the repo: {path: new bytes or None if deleted}.

    The answer is the difference between the copy's files before and after `git apply`, not
    the patch's own listing: `git apply --numstat` names only the new path of a pure rename, so
    a renamed migration used to leave its old file behind in the graded repository."""
    patch = fixture.solution_patch(patch_name)
    if not patch.is_file():
        raise SolutionError(f"{fixture.path}: no solution/{patch_name}.patch")
    with tempfile.TemporaryDirectory(prefix="evals-solution-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(fixture.repo_dir, work)
        before = _files(work)
        apply = subprocess.run(
            ["git", "apply", "--whitespace=nowarn", str(patch)],
            cwd=work, capture_output=True, text=True,
        )  # fmt: skip
        if apply.returncode != 0:
            raise SolutionError(f"{patch}: does not apply to repo/: {apply.stderr.strip()}")
        after = _files(work)
    changed: dict[str, bytes | None] = {path: data for path, data in after.items() if before.get(path) != data}
    changed.update({path: None for path in before if path not in after})
    return changed


def _files(root: Path) -> dict[str, bytes]:
    """Every file under `root` (a git folder aside) by its POSIX path relative to `root`."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*")
            if path.is_file() and path.relative_to(root).parts[0] != ".git"}  # fmt: skip


@dataclass(frozen=True)
class Step:
    tool: str
    arguments: dict[str, Any]


def plan_steps(
    fixture: Fixture, files: dict[str, bytes | None], tools: set[str]
) -> list[Step]:
    """Tool calls that turn the pristine repo into `files`, using only the granted tools."""
    steps: list[Step] = []
    for rel, content in sorted(files.items()):
        path = f"{WORKDIR}/{rel}"
        original = fixture.repo_dir / rel
        exists = original.is_file()
        if content is None:
            if "Bash" not in tools:
                raise SolutionError(f"deleting {rel} needs the Bash tool")
            steps.append(Step("Bash", {"command": f"rm -f {path}", "description": "Remove file"}))
            continue
        text = _as_text(content)
        if exists and "Read" in tools and ("Edit" in tools or "Write" in tools):
            steps.append(Step("Read", {"file_path": path}))
        if exists and "Edit" in tools and text is not None and "Read" in tools:
            old = original.read_text(encoding="utf-8")
            steps.append(Step("Edit", {"file_path": path, "old_string": old, "new_string": text}))
        elif "Write" in tools and text is not None and (not exists or "Read" in tools):
            steps.append(Step("Write", {"file_path": path, "content": text}))
        elif "Bash" in tools:
            encoded = base64.b64encode(content).decode()
            command = f"mkdir -p $(dirname {path}) && echo '{encoded}' | base64 -d > {path}"
            steps.append(Step("Bash", {"command": command, "description": f"Write {rel}"}))
        else:
            raise SolutionError(f"no granted tool can write {rel} (tools: {', '.join(sorted(tools))})")
    return steps


def _as_text(content: bytes) -> str | None:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _find_fixture(messages: list[ChatMessage]) -> Fixture | None:
    """The fixture whose issue is a user message, or one text part of it (Claude Code sends
    the prompt beside `<system-reminder>` parts in its first user message)."""
    for message in messages:
        if isinstance(message, ChatMessageUser):
            texts = [message.text]
            if isinstance(message.content, list):
                texts += [part.text for part in message.content if isinstance(part, ContentText)]
            for text in texts:
                fixture = _FIXTURES.get(issue_digest(text))
                if fixture is not None:
                    return fixture
    return None


def side_call_answer(input: list[ChatMessage]) -> str:
    """A plain answer to a request that offers no tools: an agent's side call (a session title,
    a summary, a classification), not a turn of the task. JSON is answered with an empty
    object when the request asks for JSON, so a caller parsing it gets something valid."""
    last = next((m.text for m in reversed(input) if isinstance(m, ChatMessageUser)), "")
    if "json" in last.lower():
        return "{}"
    return "Scripted model: no answer for side requests."


class ReplayModel(ModelAPI):
    """A scripted policy acting through the real tool-calling loop."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        if model_name not in POLICIES and not model_name.startswith("cheat-"):
            raise HarnessError(  # a PrerequisiteError under Inspect: one line, no traceback
                f"unknown scripted model 'replay/{model_name}': choose one of "
                + ", ".join(f"replay/{p}" for p in POLICIES)
            )
        self.policy = model_name
        self.script = [Step(str(s["tool"]), dict(s.get("arguments", {}))) for s in model_args.get("steps", [])]

    def max_connections(self) -> int:
        return 32

    async def count_text_tokens(self, text: str) -> int:
        return _estimate_tokens(text)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        turn = sum(isinstance(m, ChatMessageAssistant) for m in input)
        if not tools and self.policy != "noop":
            output = ModelOutput.from_content(f"replay/{self.policy}", side_call_answer(input))
        else:
            output = self._next(input, tools, turn)
        prompt_tokens = sum(_estimate_tokens(m.text) for m in input)
        completion = output.message.text + "".join(
            str(call.arguments) for call in output.message.tool_calls or []
        )
        completion_tokens = _estimate_tokens(completion)
        output.usage = ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )
        return output

    def _next(self, input: list[ChatMessage], tools: list[ToolInfo], turn: int) -> ModelOutput:
        model = f"replay/{self.policy}"
        if self.policy == "noop":
            return ModelOutput.from_content(model, "I looked at the issue and made no changes.")
        if self.policy == "script":
            return self._step(model, self.script, turn, "Scripted steps done.")
        if self.policy.startswith("cheat-"):
            from .cheats import cheat_steps  # red-team policies: try to pass without a fix

            fixture = _find_fixture(input)
            steps = cheat_steps(self.policy.removeprefix("cheat-"), fixture, {t.name for t in tools})
            return self._step(model, steps, turn, f"Scripted cheat '{self.policy}' done.")
        fixture = _find_fixture(input)
        if fixture is None:
            return ModelOutput.from_content(
                model, "Scripted model: no registered fixture matches this issue; no changes made."
            )
        files = solution_files(fixture, _PATCH_FOR[self.policy])
        steps = plan_steps(fixture, files, {tool.name for tool in tools})
        done = f"Applied the scripted '{self.policy}' fix ({len(files)} file(s) changed)."
        return self._step(model, steps, turn, done)

    @staticmethod
    def _step(model: str, steps: list[Step], turn: int, done: str) -> ModelOutput:
        if turn >= len(steps):
            return ModelOutput.from_content(model, done)
        step = steps[turn]
        return ModelOutput.for_tool_call(
            model, step.tool, step.arguments, tool_call_id=f"replay_{turn}"
        )


@modelapi(name="replay")
def replay() -> type[ModelAPI]:
    return ReplayModel
