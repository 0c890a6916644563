"""`evals matrix`: every persona × tool-set variant on every family, as one Inspect `eval_set`.

Variants: each persona with its own tools, with every other persona's tools, with the minimal
set; and the no-persona control (minimal tools under react, plain Claude Code under claude-code);
all of them under each agent asked for (`--agents react,claude-code`). `eval_set` makes the run resumable (run the
same command again after an interruption: finished work is kept, the rest runs) and retries
failed samples.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from inspect_ai import Task, eval_set

from .docker_engine import reap_dead_sandboxes

from .errors import HarnessError
from .fixtures import family_names
from .paths import PERSONAS_DIR, TASKS_DIR
from .personas import load_personas
from .agents import AGENTS, DEFAULT_AGENT
from .task import none_tools, variant_name


def matrix_variants(persona_names: list[str], agent: str = DEFAULT_AGENT) -> list[tuple[str, str, str]]:
    """(agent, persona, tools) triples; names come out as `backend`, `backend+tools:minimal`,
    `claude-code:backend`, ..."""
    pairs = [(agent, p, t) for p in persona_names for t in [*persona_names, "minimal"]]
    return [*pairs, (agent, "none", none_tools(agent))]


def family_task_function(family: str, tasks_dir: Path = TASKS_DIR):  # type: ignore[no-untyped-def]
    """The @task function in tasks/<family>/<family>.py (so eval_set can recreate the task)."""
    path = tasks_dir / family / f"{family}.py"
    if not path.is_file():
        raise HarnessError(f"{path}: missing (a family folder needs its @task file)")
    name = f"evals_family_{family}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    function = getattr(module, family, None)
    if function is None:
        raise HarnessError(f"{path}: has no @task function named '{family}'")
    return function


def matrix_tasks(
    families: list[str] | dict[str, list[str] | None], variants: list[tuple[str, str, str]],
    fixtures: str | None = None, tasks_dir: Path = TASKS_DIR, **limits: int,
) -> list[Task]:
    """One task per family and variant; `families` maps each family to its fixture ids (None: all)."""
    plan = families if isinstance(families, dict) else plan_families(families, fixtures, tasks_dir)
    tasks = []
    for family, ids in plan.items():
        function = family_task_function(family, tasks_dir)
        for agent, persona, tools in variants:
            tasks.append(function(persona=persona, tools=tools, fixtures=ids, agent=agent, **limits))
    return tasks


def plan_families(
    families: list[str] | None, fixtures: str | None = None, tasks_dir: Path = TASKS_DIR,
) -> dict[str, list[str] | None]:
    """The families to run (default: all), each with the fixture ids of `fixtures` it has (None:
    all of them); a family with none of them is left out. Unknown names are refused before
    anything runs, naming what there is."""
    from .fixtures import load_family

    chosen = _known_families(families, tasks_dir)
    if not fixtures:
        return {family: None for family in chosen}
    wanted = [f.strip() for f in fixtures.split(",") if f.strip()]
    have = {family: [f.id for f in load_family(tasks_dir / family)] for family in chosen}
    unknown = [f for f in wanted if not any(f in ids for ids in have.values())]
    if unknown:
        listing = "; ".join(f"{family}: {', '.join(ids)}" for family, ids in have.items())
        raise HarnessError(f"unknown fixture(s) {', '.join(unknown)} in --fixtures: the families chosen have {listing}")
    return {family: [i for i in ids if i in wanted] for family, ids in have.items() if set(ids) & set(wanted)}


def run_matrix(
    models: list[str], log_dir: str, families: list[str] | None = None, epochs: int = 1,
    personas: list[str] | None = None, fixtures: str | None = None, retry_attempts: int = 3,
    max_tasks: int | None = None, display: str | None = None, tasks_dir: Path = TASKS_DIR,
    agents: list[str] | None = None, **limits: int,
) -> tuple[bool, int]:
    """Run (or resume) the matrix. Returns (every task finished, number of tasks)."""
    plan = plan_families(families, fixtures, tasks_dir)
    names = personas or list(load_personas(PERSONAS_DIR))
    variants = [v for agent in (agents or [DEFAULT_AGENT]) for v in matrix_variants(names, agent)]
    tasks = matrix_tasks(plan, variants, tasks_dir=tasks_dir, **limits)
    success = _eval_set(tasks, log_dir, models, epochs, retry_attempts, max_tasks, display)
    return success, len(tasks) * len(models)


def _known_families(families: list[str] | None, tasks_dir: Path) -> list[str]:
    """The families asked for (default: all), refusing unknown names."""
    known = family_names(tasks_dir)
    chosen = families or known
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise HarnessError(f"unknown task family: {', '.join(unknown)} (known: {', '.join(known)})")
    return chosen


def _eval_set(
    tasks: list[Task], log_dir: str, models: list[str], epochs: int, retry_attempts: int = 3,
    max_tasks: int | None = None, display: str | None = None,
) -> bool:
    """One resumable `eval_set` over the tasks, with dead sandboxes removed before and after."""
    _reap("left by an earlier run")
    try:
        success, _ = eval_set(
            tasks, log_dir=log_dir, model=models, epochs=epochs, retry_attempts=retry_attempts,
            retry_wait=5, max_tasks=max_tasks or 4, display=display, fail_on_error=False,
            retry_on_error=1,
        )  # fmt: skip
    finally:
        _reap("whose samples died with the engine")
    return success


def _reap(why: str) -> None:
    """Remove dead sandboxes (e.g. after the Docker daemon restarted mid-run), saying so."""
    try:
        reaped = reap_dead_sandboxes()
    except Exception as ex:  # the engine may be down right now: cleaning up is best effort
        print(f"could not look for dead sandboxes: {ex}", file=sys.stderr)
        return
    if reaped:
        print(f"removed {len(reaped)} dead sandbox(es) {why}: {', '.join(reaped)}", file=sys.stderr)


def parse_variant(name: str, persona_names: list[str]) -> tuple[str, str, str]:
    """A variant name as logs spell it (`backend`, `backend+tools:minimal`,
    `claude-code:backend`) -> (agent, persona, tools)."""
    from .sequential import VariantChoiceError

    known = {variant_name(*v): v for agent in AGENTS for v in matrix_variants(persona_names, agent)}
    if name not in known:
        raise VariantChoiceError(f"unknown variant '{name}': choose one of {', '.join(known)}")
    return known[name]


def run_until_decided(
    models: list[str], log_dir: str, baseline: str, candidate: str, max_epochs: int = 10,
    alpha: float = 0.05, delta: float | None = None, families: list[str] | None = None,
    fixtures: str | None = None, display: str | None = None, tasks_dir: Path = TASKS_DIR,
    say=print,  # type: ignore[no-untyped-def]
    **limits: int,
):  # type: ignore[no-untyped-def]
    """Run baseline and candidate one epoch more per round until the always-valid test decides.

    Each round runs `eval_set` with epochs=k on the same log folder: Inspect reuses the samples
    of epochs already finished (looked up by (sample id, epoch) in the previous log) and runs
    only the new epoch. Returns the last `SequentialResult` (one model: the first given).
    """
    from .logdata import load_samples
    from .sequential import paired_rounds, sequential_test

    plan = plan_families(families, fixtures, tasks_dir)
    if baseline == candidate:
        raise HarnessError("--baseline and --candidate must be different variants")
    names = list(load_personas(PERSONAS_DIR))
    variants = [parse_variant(baseline, names), parse_variant(candidate, names)]
    tasks = matrix_tasks(plan, variants, tasks_dir=tasks_dir, **limits)
    result = None
    for k in range(1, max_epochs + 1):
        _eval_set(tasks, log_dir, models, epochs=k, display=display)
        samples = load_samples(log_dir).samples
        samples = samples[samples["epoch"] <= k]
        rounds = paired_rounds(samples, baseline, candidate, model=models[0])
        result = sequential_test(rounds, alpha, delta, max_rounds=max_epochs)
        say(result.line(baseline, candidate))
        if result.decided:
            break
    assert result is not None
    say(result.summary(baseline, candidate))
    return result
