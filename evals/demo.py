"""`evals demo` / `make demo`: every persona and the no-persona control on one family's small
fixtures (not those on a shared codebase), under each agent (react and the real Claude Code)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections import defaultdict

from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from rich.console import Console
from rich.table import Table

from .agents import AGENTS
from .errors import Interrupted
from .outputs import staged_outputs
from .paths import PERSONAS_DIR, RESULTS_DIR, TASKS_DIR
from .personas import load_personas
from .results import SampleResult, sample_results
from .matrix import family_task_function
from .task import none_tools

SCRIPTED_NOTE = (
    "Produced by scripted models (replay/*): these rows demonstrate the pipeline; "
    "they are not model results."
)


def summarise(rows: list[SampleResult]) -> list[dict[str, object]]:
    groups: dict[tuple[str, str], list[SampleResult]] = defaultdict(list)
    for row in rows:
        groups[(row.model, row.variant)].append(row)
    summary = []
    for (model, variant), items in sorted(groups.items()):
        n = len(items)
        summary.append(
            {
                "model": model,
                "variant": variant,
                "samples": n,
                "resolved": sum(r.verdict == "resolved" for r in items),
                "resolved_rate": sum(r.verdict == "resolved" for r in items) / n,
                "errors": sum(r.verdict == "error" for r in items),
                "mean_pass_rate": sum(r.pass_rate for r in items) / n,
                "tool_calls": sum(r.tool_calls for r in items),
                "tokens": sum(r.total_tokens for r in items),
            }
        )
    return summary


def markdown(summary: list[dict[str, object]], family: str, scripted: bool) -> str:
    lines = [f"# Demo: `{family}`", ""]
    if scripted:
        lines += [f"> {SCRIPTED_NOTE}", ""]
    lines += [
        "| model | variant | resolved | rate | mean pass rate | infra errors | tool calls | tokens |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in summary:
        lines.append(
            f"| {s['model']} | {s['variant']} | {s['resolved']}/{s['samples']} | "
            f"{s['resolved_rate']:.0%} | {s['mean_pass_rate']:.2f} | {s['errors']} | "
            f"{s['tool_calls']} | {s['tokens']} |"
        )
    return "\n".join(lines) + "\n"


def demo_tasks(family: str, personas: list[str], agents: tuple[str, ...], build_images: bool = True) -> list[Task]:
    """One task per agent and persona, made through the family's @task function with persona,
    tools and agent passed by name: Inspect records them as the task's arguments, which its
    viewer lists beside the task (a task made by calling `family_task` directly has none)."""
    from .fixtures import load_family

    function = family_task_function(family, TASKS_DIR)
    options = {} if build_images else {"build_images": False}  # recorded as an argument only when given
    small = demo_fixtures(load_family(TASKS_DIR / family))
    if small is not None:
        options["fixtures"] = small
    return [function(persona=p, tools=p if p != "none" else none_tools(a), agent=a, **options)
            for a in agents for p in personas]  # fmt: skip


def demo_fixtures(fixtures: list) -> str | None:  # type: ignore[type-arg]
    """The family's own small fixtures (comma-separated ids), leaving out those on a shared
    product codebase, which take minutes each under every variant: the demo shows the pipeline
    in a few minutes (`evals matrix` runs everything). None: every fixture is small."""
    small = [f.id for f in fixtures if not f.codebase]
    return None if len(small) == len(fixtures) or not small else ",".join(small)


def run_demo(models: list[str], family: str, log_dir: str, agents: tuple[str, ...] = AGENTS) -> int:
    console = Console(width=None if sys.stdout.isatty() else 160)
    personas = [*load_personas(PERSONAS_DIR), "none"]
    tasks = demo_tasks(family, personas, agents)
    console.print(
        f"Running {len(personas)} variants ({', '.join(personas)}) under {len(agents)} agent(s) "
        f"({', '.join(agents)}) × {len(models)} model(s) ({', '.join(models)}) on {family} ..."
    )
    with contextlib.redirect_stdout(sys.stderr):
        logs = inspect_eval(
            tasks, model=models, log_dir=log_dir, fail_on_error=False,
            display="plain" if not sys.stderr.isatty() else "full",
        )  # fmt: skip
    if interrupted(logs, len(tasks) * len(models)):
        raise Interrupted(interrupted_hint(log_dir))
    rows = [row for log in logs for row in sample_results(log)]
    summary = summarise(rows)
    scripted = all(m.startswith("replay/") for m in models)
    table = Table(title=f"demo: {family}" + (" — scripted models" if scripted else ""))
    for column in ("model", "variant", "resolved", "rate", "pass rate", "infra err", "tool calls"):
        table.add_column(column)
    for s in summary:
        table.add_row(
            str(s["model"]), str(s["variant"]), f"{s['resolved']}/{s['samples']}",
            f"{s['resolved_rate']:.0%}", f"{s['mean_pass_rate']:.2f}", str(s["errors"]),
            str(s["tool_calls"]),
        )  # fmt: skip
    from .leaderboard import build_report, write_report
    from .logdata import load_samples
    from .prices import load_prices

    data = load_samples([log_dir], load_prices())
    data.samples = data.samples[data.samples["eval_id"].isin({log.eval.eval_id for log in logs})]
    report = build_report(data.samples, load_personas(PERSONAS_DIR))
    with staged_outputs(RESULTS_DIR) as stage:  # the summary and the leaderboard, all or nothing
        (stage / "demo-summary.md").write_text(markdown(summary, family, scripted))
        (stage / "demo-summary.json").write_text(
            json.dumps({"family": family, "scripted": scripted, "note": SCRIPTED_NOTE if scripted else "",
                        "summary": summary, "samples": [r.__dict__ for r in rows]}, indent=2)
        )  # fmt: skip
        written = [RESULTS_DIR / p.name for p in write_report(report, stage)]
    console.print(table)
    if scripted:
        console.print(f"[yellow]{SCRIPTED_NOTE}[/]")
    console.print(
        f"Summary: {RESULTS_DIR / 'demo-summary.md'}; leaderboard: "
        f"{', '.join(str(p) for p in written if p.suffix in ('.md', '.html'))}; "
        f"logs: {log_dir} (inspect view --log-dir {log_dir})"
    )
    failed = [log for log in logs if log.status != "success"]
    return 1 if failed else 0


def interrupted(logs: list, expected: int) -> bool:  # type: ignore[type-arg]
    """Whether an Inspect `eval` was stopped by Ctrl-C: it then returns cancelled logs, or
    (seen with several tasks at once) fewer logs than it was given tasks x models, even none."""
    return len(logs) < expected or any(log.status == "cancelled" for log in logs)


def interrupted_hint(log_dir: str) -> str:
    """What an interrupted demo kept, and how to go on (it starts over: it is not an eval set)."""
    return (f"nothing was written to {RESULTS_DIR}; the samples finished so far are in {log_dir} "
            f"(inspect view --log-dir {log_dir}); run `evals demo` again to start it over "
            "(for a run that resumes where it stopped, use `evals matrix --log-dir DIR`)")  # fmt: skip
