"""`evals validate`: every fixture must be resolved by the oracle and not by the no-op."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from inspect_ai import eval as inspect_eval

from .fixtures import family_names, load_all
from .paths import TASKS_DIR
from .results import sample_results
from .task import family_task

POLICIES = ("oracle", "noop")


def run_validation(
    families: list[str] | None, persona: str = "none", tools: str = "minimal",
    log_dir: str = "logs/validate", tasks_dir: Path = TASKS_DIR,
) -> list[dict[str, str]]:
    """Run both scripted policies on every fixture; one row per fixture."""
    chosen = families or family_names(tasks_dir)
    fixtures = load_all(chosen, tasks_dir)  # checks every folder first, with a clear error
    tasks = [family_task(tasks_dir / family, persona=persona, tools=tools) for family in chosen]
    with contextlib.redirect_stdout(sys.stderr):
        logs = inspect_eval(
            tasks,
            model=[f"replay/{p}" for p in POLICIES],
            log_dir=log_dir,
            display="plain" if not sys.stderr.isatty() else "full",
            fail_on_error=False,
        )
    verdicts: dict[tuple[str, str], dict[str, str]] = {}
    for log in logs:
        policy = log.eval.model.split("/", 1)[1]
        if log.status != "success" and not log.samples:
            message = log.error.message if log.error else log.status
            raise RuntimeError(f"validation run for {log.eval.task} / {policy} failed: {message}")
        for row in sample_results(log):
            verdicts.setdefault((row.family, row.fixture), {})[policy] = row.verdict
    return [
        {
            "fixture": f.id,
            "family": f.family,
            **{p: verdicts.get((f.family, f.id), {}).get(p, "error") for p in POLICIES},
        }
        for f in fixtures
    ]
