"""`evals validate`: every fixture must be resolved by the oracle and not by the no-op."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from inspect_ai import eval as inspect_eval

from .fixtures import family_names, load_all
from .paths import TASKS_DIR
from .replay import SolutionError, solution_files
from .results import sample_results
from .providers import DEFAULT_SANDBOX
from .task import family_task

POLICIES = ("oracle", "noop")


def run_validation(
    families: list[str] | None, persona: str = "none", tools: str = "minimal",
    log_dir: str = "logs/validate", tasks_dir: Path = TASKS_DIR, notes: list[str] | None = None,
    epochs: int = 1, sandbox: str = DEFAULT_SANDBOX,
) -> list[dict[str, str]]:
    """Run both scripted policies on every fixture, `epochs` times each; one row per fixture.
    A policy's verdict is the one all its epochs agree on, else "flaky (k/n resolved)". When
    `notes` is given, a plain sentence is appended to it for every fixture that does not
    discriminate, saying why (e.g. its reference solution does not apply, with git's message)."""
    notes = [] if notes is None else notes
    chosen = families or family_names(tasks_dir)
    fixtures = load_all(chosen, tasks_dir)  # checks every folder first, with a clear error
    for fixture in fixtures:  # cheap host-side check, so the reason is not lost in a log
        try:
            solution_files(fixture, "reference")
        except SolutionError as ex:
            notes.append(f"{fixture.family}/{fixture.id}: reference solution unusable: {ex}")
    tasks = [family_task(tasks_dir / family, persona=persona, tools=tools, sandbox=sandbox) for family in chosen]
    with contextlib.redirect_stdout(sys.stderr):
        logs = inspect_eval(
            tasks,
            model=[f"replay/{p}" for p in POLICIES],
            log_dir=log_dir,
            epochs=epochs,
            display="plain" if not sys.stderr.isatty() else "full",
            fail_on_error=False,
        )
    seen: dict[tuple[str, str], dict[str, list[str]]] = {}
    reasons: dict[tuple[str, str, str], str] = {}
    for log in logs:
        policy = log.eval.model.split("/", 1)[1]
        if log.status != "success" and not log.samples:
            message = log.error.message if log.error else log.status
            raise RuntimeError(f"validation run for {log.eval.task} / {policy} failed: {message}")
        for row in sample_results(log):
            seen.setdefault((row.family, row.fixture), {}).setdefault(policy, []).append(row.verdict)
            if row.verdict != {"oracle": "resolved", "noop": "unresolved"}[policy]:
                reasons[(row.family, row.fixture, policy)] = row.reason
    verdicts = {key: {p: agreed(v) for p, v in by_policy.items()} for key, by_policy in seen.items()}
    expected = {"oracle": "resolved", "noop": "unresolved"}
    for f in fixtures:
        for policy in POLICIES:
            verdict = verdicts.get((f.family, f.id), {}).get(policy, "error")
            if verdict != expected[policy]:
                why = reasons.get((f.family, f.id, policy)) or "no result in the logs"
                notes.append(f"{f.family}/{f.id}: replay/{policy} gave {verdict}, expected "
                             f"{expected[policy]}: {why}")  # fmt: skip
    return [
        {
            "fixture": f.id,
            "family": f.family,
            **{p: verdicts.get((f.family, f.id), {}).get(p, "error") for p in POLICIES},
        }
        for f in fixtures
    ]


def agreed(verdicts: list[str]) -> str:
    """The verdict every epoch gave, or "flaky (k/n resolved)" when they differ."""
    if len(set(verdicts)) == 1:
        return verdicts[0]
    return f"flaky ({verdicts.count('resolved')}/{len(verdicts)} resolved)"
