"""Run a candidate persona file on exactly what a baseline log set covers (for `regress --persona`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from inspect_ai import eval as inspect_eval

from .errors import HarnessError, Interrupted
from .paths import TASKS_DIR
from .personas import load_persona
from .task import family_task, variant_name


def run_candidate(baseline: pd.DataFrame, persona_file: Path, log_dir: str,
                  variant: str | None = None) -> tuple[str, str]:
    """Same families, fixtures, models and epochs as the baseline (one variant of it).

    Returns (log folder, candidate variant name).
    """
    persona = load_persona(persona_file)  # a broken file is a clear error before anything runs
    if variant is not None:
        baseline = baseline[baseline["variant"] == variant]
    if baseline.empty:
        raise HarnessError("the baseline has no samples to run the candidate against")
    agents = sorted(baseline["agent"].unique()) if "agent" in baseline else ["react"]
    if len(agents) != 1:
        raise HarnessError(
            f"the baseline holds runs of {len(agents)} agents ({', '.join(agents)}): choose one with --agent"
        )
    agent = agents[0]
    tools = baseline["tools_from"].iloc[0]
    own_tools = tools == baseline["persona"].iloc[0]
    epochs = int(baseline["epoch"].max())
    tasks = [
        family_task(TASKS_DIR / family, persona=str(persona_file), agent=agent,
                    tools=None if own_tools else tools, fixtures=sorted(g["fixture"].unique()))
        for family, g in baseline.groupby("family")
    ]  # fmt: skip
    models = sorted(baseline["model"].unique())
    logs = inspect_eval(tasks, model=models, epochs=epochs, log_dir=log_dir, display="plain",
                        fail_on_error=False, max_tasks=4)  # fmt: skip
    from .demo import interrupted

    if interrupted(logs, len(tasks) * len(models)):
        raise Interrupted(f"the candidate run was stopped; no verdict (its logs so far are in {log_dir})")
    failed = [log for log in logs if log.status != "success"]
    if failed:
        raise HarnessError(f"the candidate run did not finish: {failed[0].error.message if failed[0].error else failed[0].status}")
    return log_dir, variant_name(agent, persona.name, persona.name if own_tools else tools)
