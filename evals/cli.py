"""`evals` command line: doctor, personas, images, validate, demo.

Errors a user can fix (a malformed persona, an unknown family, a missing engine) are printed
as one plain sentence naming the file or thing and what to do, never as a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from .cli_types import (FAMILY, MODEL, AgentList, AppendFile, EpochList, FixtureList, FixtureSelector, OutDir, PersonaName,
                        Registry, TasksDir, VariantName, ViewerUrl)
from .errors import HarnessError, Interrupted
from .providers import DEFAULT_SANDBOX, LOCAL_SANDBOXES

if TYPE_CHECKING:
    from .fixtures import Fixture
    from .personas import Persona

F = TypeVar("F", bound=Callable[..., Any])
# outside a terminal (CI logs, pipes) keep rows on one line instead of rich's 80 columns
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)

_USER_ERRORS = (HarnessError,)


INTERRUPTED = 130
"""exit code after Ctrl-C (128 + SIGINT), never one a caller reads as a verdict"""


def friendly(fn: F) -> F:
    """Turn the harness's own errors into one clear line and exit code 2, and Ctrl-C into one
    line saying what was kept and how to go on (exit 130)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Interrupted as ex:
            print(f"interrupted: {ex}", file=sys.stderr, flush=True)
            sys.exit(INTERRUPTED)
        except KeyboardInterrupt:
            print("interrupted: stopped before it finished; run the same command again", file=sys.stderr, flush=True)
            sys.exit(INTERRUPTED)
        except _USER_ERRORS as ex:
            print(f"error: {ex}", file=sys.stderr, flush=True)
            sys.exit(2)
        except Exception as ex:
            if not _inspect_prerequisite(ex):
                raise
            print(f"error: {_one_line(str(ex))}", file=sys.stderr, flush=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _inspect_prerequisite(ex: Exception) -> bool:
    """Inspect's own user-fixable errors (e.g. a provider's API key not set), which it raises
    once a run starts: a line of their own, like the harness's (Inspect is loaded by then)."""
    module = sys.modules.get("inspect_ai._util.error")
    return module is not None and isinstance(ex, module.PrerequisiteError)


def _one_line(message: str) -> str:
    """Inspect's multi-line, rich-markup message as one plain line."""
    from rich.text import Text

    return " ".join(Text.from_markup(message).plain.split())


def only_with(ctx: click.Context, flag: str, names: tuple[str, ...]) -> None:
    """Options that mean something only with `flag`, given without it, are bad input (they
    would be ignored silently)."""
    given = [n for n in names if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE]
    if given:
        shown = ", ".join("--" + n.replace("_", "-") for n in given)
        raise click.UsageError(f"{shown} only appl{'ies' if len(given) == 1 else 'y'} with {flag}", ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Evaluate backend-agent persona documents on backend fixtures in Docker sandboxes."""
    if threading.current_thread() is threading.main_thread():  # signal handlers live there only
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (CI's timeout, `kill`, a container stop) ends a command the way Ctrl-C does: its
    sandboxes and grading environments are removed and what finished is kept. Without it the
    process dies at once and leaves its containers running."""
    raise KeyboardInterrupt


@main.command()
@friendly
def doctor() -> None:
    """Report the Docker engine, compose, images, personas and fixtures, and what is missing."""
    from .doctor import run_checks

    checks = run_checks()
    table = Table(title="evals doctor", show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for check in checks:
        colour = {"ok": "green", "missing": "red", "warn": "yellow"}[check.status]
        table.add_row(check.name, f"[{colour}]{check.status}[/]", check.detail)
    out.print(table)
    problems = [c for c in checks if c.status == "missing"]
    for check in problems:
        out.print(f"[red]•[/] {check.name}: {check.fix}")
    if not problems:
        out.print("[green]Everything needed is present.[/]")
    sys.exit(1 if problems else 0)


def _persona_row(p: Persona) -> dict[str, Any]:
    """What `evals personas` shows of one persona (the JSON row; the table is made from it)."""
    from .agents.react import system_prompt

    return {
        "name": p.name,
        "file": Path(p.path).name,
        "title": p.title,
        "format": p.format,
        "tools": list(p.tools),
        "tools_declared": p.tools_declared,
        "granted": list(p.granted),
        "unavailable": list(p.unavailable),
        "notes": list(p.notes),
        "prompt_chars": len(p.system_prompt),
        "prompt_tokens_est": len(p.system_prompt) // 4,
        "system_prompt_chars": len(system_prompt(p)),
        "sha256": p.source_sha256,
        "ignored": list(p.ignored_parts),
    }


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@friendly
def personas(as_json: bool) -> None:
    """List every loadable persona document (tools, prompt size, notes) and report each bad one.

    Exit 0 when every file loads, 2 when any cannot (after listing the rest)."""
    from rich.markup import escape

    from .paths import PERSONAS_DIR
    from .personas import scan_personas

    loaded, errors = scan_personas(PERSONAS_DIR)
    rows = [_persona_row(p) for p in loaded.values()]
    if as_json:
        bad = [{"file": Path(e.path).name, "path": e.path, "problem": e.problem} for e in errors]
        print(json.dumps({"personas": rows, "errors": bad}, indent=2))
        sys.exit(2 if errors else 0)
    table = Table(title=f"personas ({len(rows)} loadable, {len(errors)} bad)")
    columns = ("file", "name:", "format", "tools provided", "granted, not provided", "prompt chars",
               "≈tokens", "sha256", "no runtime meaning")  # fmt: skip
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ("file", "format", "sha256"))
    for row in rows:
        table.add_row(
            row["file"],
            escape(row["title"]),
            row["format"],
            ", ".join(row["tools"]) + ("" if row["tools_declared"] else " (none declared: all)"),
            escape(", ".join(row["unavailable"])) or "-",
            str(row["prompt_chars"]),
            str(row["prompt_tokens_est"]),
            row["sha256"][:12],
            escape("; ".join(row["ignored"])) or "-",
        )
    out.print(table)
    for row in rows:
        for note in row["notes"]:
            out.print(f"{row['file']}: {escape(note)}", highlight=False)
    for error in errors:
        print(f"error: {error}", file=sys.stderr, flush=True)
    if errors:
        print(f"{len(errors)} persona file(s) cannot be loaded (listed above); the others are usable",
              file=sys.stderr, flush=True)  # fmt: skip
    sys.exit(2 if errors else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print one Markdown table (the README's claims map).")
@friendly
def coverage(as_json: bool, as_markdown: bool) -> None:
    """For each persona: the expertise it claims, and which task families measure each claim."""
    if as_json and as_markdown:
        raise click.UsageError("give --json or --markdown, not both")
    from .claims import claims_markdown, measured_by, persona_claims
    from .fixtures import family_names
    from .paths import PERSONAS_DIR
    from .personas import load_personas

    from .families import measured_areas, measured_stacks
    from .fixtures import load_all

    families = family_names()
    fixtures = load_all()
    measured, stacks = measured_areas(fixtures), measured_stacks(fixtures)
    result = {
        name: [{"claim": c.area, "evidence": c.evidence, "families": list(c.families),
                "stacks": list(stacks.get(c.area, ()))}
               for c in persona_claims(p, families, measured)]
        for name, p in load_personas(PERSONAS_DIR).items()
    }  # fmt: skip
    if as_json:
        print(json.dumps(result, indent=2))
        return
    if as_markdown:
        print(claims_markdown(result))
        return
    for name, claims in result.items():
        table = Table(title=f"{name}: claimed expertise")
        for column in ("claim", "as written", "measured by"):
            table.add_column(column)
        for c in claims:
            table.add_row(c["claim"], c["evidence"], measured_by(c["families"], c["stacks"], "[yellow]unmeasured[/]"))
        out.print(table)
        unmeasured = [c["claim"] for c in claims if not c["families"]]
        out.print(f"unmeasured: {', '.join(unmeasured) or 'none'}\n")


@main.command()
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the README's task-family table.")
@friendly
def families(as_markdown: bool) -> None:
    """Task families: their fixtures (own repositories and shared codebases) and services."""
    from .families import families_markdown, family_rows

    rows = family_rows()
    if as_markdown:
        print(families_markdown(rows))
        return
    table = Table(title="task families")
    for column in ("family", "fixtures", "on codebases", "services"):
        table.add_column(column)
    for r in rows:
        on = sum(1 for f in r.fixtures if f.codebase)
        table.add_row(r.name, str(len(r.fixtures)), f"{on} ({', '.join(r.codebases)})" if on else "0",
                      ", ".join(r.services) or "none")  # fmt: skip
    out.print(table)
    out.print(f"{sum(len(r.fixtures) for r in rows)} fixtures in {len(rows)} families")


@main.group()
def images() -> None:
    """Sandbox images (built once, tagged by content hash)."""


@images.command("build")
@click.argument("families", nargs=-1, type=FAMILY)
@friendly
def images_build(families: tuple[str, ...]) -> None:
    """Build every image the fixtures (and, with no FAMILY, the shared codebases) need; unchanged
    images are reused, not rebuilt."""
    from .docker_engine import require_engine
    from .fixtures import load_all
    from .images import codebase_stack_images, ensure_images, ensure_stack_image

    fixtures = load_all(list(families) or None)
    require_engine()
    with err.status("checking images...") as status:
        built = ensure_images(fixtures, log=lambda m: status.update(m))
        if not families:  # also the stacks of the shared codebases, before any fixture uses them
            for name in codebase_stack_images():
                tag, did = ensure_stack_image(name, log=lambda m: status.update(m))
                built[tag] = built.get(tag, False) or did
    fresh = [tag for tag, did in built.items() if did]
    err.print(
        f"{len(built)} image(s) ready: {len(fresh)} built now, {len(built) - len(fresh)} reused"
    )


@images.command("push")
@click.argument("registry", type=Registry())
@click.argument("families", nargs=-1, type=FAMILY)
@click.option("--dry-run", is_flag=True, help="Only print which local tag is pushed as which.")
@friendly
def images_push(registry: str, families: tuple[str, ...], dry_run: bool) -> None:
    """Tag every fixture and service image as REGISTRY/<name>:<tag> and push it (for sandbox=k8s).

    REGISTRY is host[:port][/path], e.g. registry.example.com:5000/evals. Build the images
    first (evals images build); then run with EVALS_IMAGE_REGISTRY=REGISTRY and -T sandbox=k8s.
    """
    from .fixtures import load_all
    from .images import push_images
    from .k8s import REGISTRY_ENV, local_images, push_mapping

    mapping = push_mapping(local_images(load_all(list(families) or None)), registry)
    if dry_run:
        for local, remote in mapping.items():
            print(f"{local} -> {remote}")
        return
    # it needs only the engine's API, and says so in one line when that does not answer
    pushed = push_images(mapping, log=lambda m: err.print(m, highlight=False))
    err.print(f"{len(pushed)} image(s) pushed to {registry}; now run with {REGISTRY_ENV}={registry} "
              "and -T sandbox=k8s", highlight=False)


@main.command()
@click.argument("names", nargs=-1, metavar="[FAMILY | FAMILY/FIXTURE]...", type=FixtureSelector())
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@click.option("--epochs", default=1, show_default=True, type=click.IntRange(1, 20),
              help="Grade each state this many times; any disagreement is 'flaky'.")
@click.option("--concurrency", default=None, type=click.IntRange(1, 32),
              help="Grading environments at once (default: 3).")
@click.option("--tasks-dir", type=TasksDir(), default=None, is_eager=True, help="Folder of task families (default: the project's tasks/).")
@click.option("--visible", type=click.Choice(["affected", "all"]), default="affected", show_default=True,
              help="On a shared codebase with a pytest suite: run only the visible tests a break can change "
                   "(found by coverage of the correct codebase, when the run has 3 or more of its "
                   "fixtures), or all of them.")
@click.option("--except-sample", is_flag=True,
              help="Leave out the sample of fixtures `make test` validates (one per family and per codebase): "
                   "CI's step after `make test`, so that each fixture is validated once.")
@click.option("--changed-since", metavar="REV", default=None,
              help="Only the fixtures the changes since this git revision can affect (their folder, family, "
                   "codebase, images or services; a change to the grading code affects every fixture).")
@click.option("--agent", type=click.Choice(["react", "claude-code"]), default=None,
              help="Run replay/oracle and replay/noop through this agent instead of grading the states directly.")
@click.option("--persona", default="none", show_default=True, type=PersonaName("none"),
              help="Persona variant (with --agent).")
@click.option("--tools", default=None, type=PersonaName("minimal", "all"),
              help="Tool set (with --agent; default: the persona's, or for 'none' minimal under react and "
                   "Claude Code's own under claude-code).")
@click.option("--log-dir", default="logs/validate", show_default=True, type=OutDir(), help="Log folder (with --agent).")
@click.option("--sandbox", type=click.Choice(LOCAL_SANDBOXES), default=DEFAULT_SANDBOX, show_default=True,
              help="Sandbox provider (with --agent).")
@friendly
def validate(
    names: tuple[str, ...], as_json: bool, epochs: int, concurrency: int | None, tasks_dir: Path | None,
    visible: str, except_sample: bool, changed_since: str | None, agent: str | None, persona: str,
    tools: str | None, log_dir: str, sandbox: str,
) -> None:
    """Check every fixture discriminates, test by test: each fail_to_pass test fails untouched and
    passes with the reference fix, each pass_to_pass test passes on both, the alternative fix is
    resolved and no wrong fix is."""
    from .docker_engine import require_engine
    from .paths import TASKS_DIR
    from .validate import (DEFAULT_CONCURRENCY, ValidationInterrupted, run_agent_validation, run_validation, select,
                           table_cells, time_summary)

    ctx = click.get_current_context()
    if agent:
        only_with(ctx, "--agent omitted (the states are graded directly)",
                  ("concurrency", "visible", "except_sample", "changed_since"))
        from .task import resolve_variant

        resolve_variant(persona, tools, agent=agent)  # the pair is usable: checked before Docker
    else:
        only_with(ctx, "--agent", ("persona", "tools", "sandbox"))
    if changed_since is not None:
        from .changes import ChangesError, check_revision

        try:
            check_revision(changed_since, (tasks_dir or TASKS_DIR).parent)
        except ChangesError as ex:
            raise click.BadParameter(str(ex), ctx, param_hint="'--changed-since'") from None
    if not select(list(names) or None, tasks_dir or TASKS_DIR, except_sample):  # every fixture folder loads
        raise click.UsageError("--except-sample leaves no fixture to validate", ctx)
    chosen = None
    if changed_since is not None:
        chosen = _report_changes(list(names) or None, tasks_dir or TASKS_DIR, except_sample, changed_since)
        if not chosen:
            return
    require_engine()
    if agent:
        rows = run_agent_validation(list(names) or None, agent=agent, persona=persona, tools=tools, log_dir=log_dir,
                                    tasks_dir=tasks_dir or TASKS_DIR, epochs=epochs, sandbox=sandbox)  # fmt: skip
    else:
        try:
            rows = run_validation(list(names) or None, tasks_dir=tasks_dir or TASKS_DIR, epochs=epochs,
                                  concurrency=concurrency or DEFAULT_CONCURRENCY, visible=visible,
                                  except_sample=except_sample, chosen=chosen,
                                  progress=lambda line: err.print(line, highlight=False))  # fmt: skip
        except ValidationInterrupted as ex:
            rest = " ".join([*_validate_options(ctx), *ex.remaining])
            raise Interrupted(f"{ex}; no report was printed; to validate the rest: evals validate {rest}") from None
    ok = all(r["discriminates"] for r in rows)
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        cells = [table_cells(r) for r in rows]
        states = list(dict.fromkeys(k for c in cells for k in c))
        table = Table(title="fixture validation" + (f" (through the {agent} agent)" if agent else ""))
        for column in ("family", "fixture", *states, "discriminates"):
            table.add_column(column)
        for r, c in zip(rows, cells):
            table.add_row(r["family"], r["fixture"], *(c.get(s, "") for s in states),
                          "yes" if r["discriminates"] else "[red]NO[/]")  # fmt: skip
        out.print(table)
    for r in rows:
        for problem in r["problems"]:
            print(f"problem: {r['family']}/{r['fixture']}: {problem}", file=sys.stderr, flush=True)
    err.print(f"{sum(bool(r['discriminates']) for r in rows)}/{len(rows)} fixtures discriminate")
    if not agent:
        for line in time_summary(rows):
            err.print(line, highlight=False)
    sys.exit(0 if ok and rows else 1)


def _report_changes(names: list[str] | None, tasks_dir: Path, except_sample: bool, rev: str) -> list[Fixture]:
    """Say which fixtures the changes since `rev` leave to validate, and return them."""
    from .validate import changed_selection

    chosen, found = changed_selection(names, tasks_dir, except_sample, rev)
    why = f" ({found.everything} changed: it can affect every fixture)" if found.everything else ""
    err.print(f"{len(found.fixtures)} of {len(chosen)} fixture(s) affected by the changes since {rev}{why}",
              highlight=False)  # fmt: skip
    if not found.fixtures:
        err.print("nothing to validate", highlight=False)
    return found.fixtures


def _validate_options(ctx: click.Context) -> list[str]:
    """The options this `evals validate` was given (to repeat them in a resume hint)."""
    given = []
    for name in ("tasks_dir", "epochs", "concurrency", "visible", "changed_since"):
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            given += ["--" + name.replace("_", "-"), str(ctx.params[name])]
    flags = [flag for flag, name in (("--except-sample", "except_sample"), ("--json", "as_json")) if ctx.params.get(name)]
    return given + flags


@main.command()
@click.option("--model", "models", multiple=True, type=MODEL,
              help="Model(s); default: scripted models, or Claude when ANTHROPIC_API_KEY is set.")
@click.option("--family", default="db_optimize", show_default=True, type=FAMILY)
@click.option("--log-dir", default="logs/demo", show_default=True, type=OutDir())
@click.option("--agents", default="react,claude-code", show_default=True, type=AgentList(), help="Comma-separated agents.")
@friendly
def demo(models: tuple[str, ...], family: str, log_dir: str, agents: tuple[str, ...]) -> None:
    """The main job: both personas and the no-persona control on a family under each agent, then
    a summary."""
    from .cli_types import model_problem
    from .demo import interrupted_hint, run_demo
    from .docker_engine import require_engine
    from .paths import PERSONAS_DIR
    from .personas import load_personas

    chosen = list(models)
    if not chosen:
        if os.environ.get("ANTHROPIC_API_KEY"):
            chosen = [os.environ.get("EVALS_MODEL", "anthropic/claude-sonnet-4-5")]
            problem = model_problem(chosen[0])
            if problem:
                raise HarnessError(f"EVALS_MODEL: {problem}")
        else:
            chosen = ["replay/oracle", "replay/noop"]
    load_personas(PERSONAS_DIR)  # a bad persona file is named before Docker
    require_engine()
    try:
        sys.exit(run_demo(chosen, family, log_dir, agents))
    except KeyboardInterrupt:
        raise Interrupted(interrupted_hint(log_dir)) from None


@main.command()
@click.option("--model", "models", multiple=True, required=True, type=MODEL,
              help="Model(s) to run, e.g. anthropic/claude-sonnet-4-5 or replay/oracle.")
@click.option("--epochs", default=1, show_default=True, type=click.IntRange(1, 100), help="Runs of each fixture per variant.")
@click.option("--families", multiple=True, type=FAMILY, help="Task families (default: all).")
@click.option("--fixtures", default=None, type=FixtureList(), help="Comma-separated fixture ids (default: all).")
@click.option("--log-dir", default="logs/matrix", show_default=True, type=OutDir(),
              help="Run again with the same folder to resume.")
@click.option("--tasks-dir", type=TasksDir(), default=None, is_eager=True, help="Folder of task families (default: the project's tasks/).")
@click.option("--agents", default="react", show_default=True, type=AgentList(),
              help="Comma-separated agents to run every variant under: react, claude-code.")
@click.option("--until-decided", is_flag=True,
              help="Run only --baseline and --candidate, one epoch per round, until an always-valid test decides.")
@click.option("--baseline", default="backend", show_default=True, type=VariantName(),
              help="Baseline variant (with --until-decided).")
@click.option("--candidate", default="backend-developer", show_default=True, type=VariantName(),
              help="Candidate variant (with --until-decided).")
@click.option("--max-epochs", default=10, show_default=True, type=click.IntRange(1, 100),
              help="With --until-decided: stop undecided after this many epochs.")
@click.option("--alpha", default=0.05, show_default=True, type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="With --until-decided: error rate of the decision, however many rounds it looks at.")
@click.option("--delta", default=None, type=click.FloatRange(0, 1, min_open=True),
              help="With --until-decided: also stop when the difference is surely under this (0-1).")
@friendly
def matrix(models: tuple[str, ...], epochs: int, families: tuple[str, ...], fixtures: str | None,
           log_dir: str, tasks_dir: Path | None, agents: tuple[str, ...], until_decided: bool, baseline: str,
           candidate: str, max_epochs: int, alpha: float, delta: float | None) -> None:
    """Run every persona x tool-set variant (and the no-persona control) as one eval set."""
    from .docker_engine import require_engine
    from .matrix import plan_families, run_matrix, run_until_decided
    from .paths import PERSONAS_DIR, TASKS_DIR
    from .personas import load_personas

    ctx = click.get_current_context()
    load_personas(PERSONAS_DIR)  # every input is checked before Docker: persona files,
    plan_families(list(families) or None, fixtures, tasks_dir or TASKS_DIR)  # families and fixtures
    resume = f"finished work is kept in {log_dir}: run the same command again to resume"
    if until_decided:
        only_with(ctx, "--until-decided omitted (it sets the epochs itself)", ("epochs", "agents"))
        if baseline == candidate:
            raise click.UsageError(f"--baseline and --candidate are both '{baseline}': give two different variants")
        require_engine()
        try:
            result = run_until_decided(
                list(models), log_dir, baseline, candidate, max_epochs, alpha, delta,
                list(families) or None, fixtures, display=None if sys.stdout.isatty() else "plain",
                tasks_dir=tasks_dir or TASKS_DIR, say=lambda line: print(line, flush=True),
            )  # fmt: skip
        except KeyboardInterrupt:
            raise Interrupted(resume) from None
        sys.exit(0 if result.decided else 1)
    only_with(ctx, "--until-decided", ("baseline", "candidate", "max_epochs", "alpha", "delta"))
    require_engine()
    try:
        success, count = run_matrix(
            list(models), log_dir, list(families) or None, epochs, fixtures=fixtures,
            tasks_dir=tasks_dir or TASKS_DIR, agents=list(agents),
            display=None if sys.stdout.isatty() else "plain",
        )  # fmt: skip
    except KeyboardInterrupt:  # eval_set's answer to Ctrl-C, after it has saved what finished
        raise Interrupted(resume) from None
    state = "complete" if success else "incomplete (run the same command again to resume)"
    err.print(f"matrix {state}: {count} task runs in {log_dir}; report: evals leaderboard {log_dir}")
    sys.exit(0 if success else 1)


@main.command()
@click.argument("log_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="results", show_default=True, type=OutDir(Path))
@click.option("--prices", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Extra model price table (YAML).")
@click.option("--reader", type=click.Choice(["zip", "inspect"]), default="zip", show_default=True,
              help="How finished .eval logs are read: straight from the zip (fast), or by Inspect's samples_df.")
@click.option("--viewer-url", default="http://127.0.0.1:7575/", show_default=True, type=ViewerUrl(),
              help="Where Inspect's log viewer (inspect view) serves: the report's links to transcripts go there.")
@friendly
def leaderboard(log_dirs: tuple[Path, ...], out_dir: Path, prices: Path | None, reader: str, viewer_url: str) -> None:
    """Write leaderboard.md, leaderboard.html and PNG charts from harness logs."""
    import time

    from .leaderboard import SCRIPTED_NOTE, build_report, write_report
    from .logdata import load_samples
    from .outputs import staged_outputs
    from .paths import PERSONAS_DIR
    from .personas import load_personas
    from .prices import load_prices
    from .report_markdown import answer_markdown, overall_markdown

    started = time.perf_counter()
    table, personas = load_prices(prices), load_personas(PERSONAS_DIR)  # bad input before the logs are read
    # no spinner while the logs are read: Inspect forks reader processes, and a fork taken while
    # the spinner's thread holds the terminal's lock would leave that lock held in the child
    err.print("reading logs ...", highlight=False)
    try:
        data = load_samples(list(log_dirs), table, reader=reader)
        with err.status("writing the report..."):
            report = build_report(data.samples, personas, data.skipped, viewer_url=viewer_url)
            with staged_outputs(out_dir) as stage:  # the whole report or none of it
                written = [out_dir / p.name for p in write_report(report, stage)]
    except KeyboardInterrupt:
        raise Interrupted(f"nothing was written to {out_dir}; run the same command again") from None
    for line in data.skipped:
        err.print(f"[yellow]skipped[/] {line}", highlight=False)
    print(answer_markdown(report))
    print()
    print(overall_markdown(report))
    if report.scripted:
        print()
        print(f"Note: {SCRIPTED_NOTE}")
    if report.viewer is not None:
        print()
        print(f"Transcripts: {report.viewer.command()}, then open {out_dir / 'leaderboard.html'}")
    err.print(
        f"{len(data.samples)} samples -> {', '.join(str(p) for p in written)} "
        f"({time.perf_counter() - started:.1f} s)"
    )


@main.command()
@click.argument("families", nargs=-1, type=FAMILY)
@click.option("--epochs", default="1,3,5", show_default=True, type=EpochList(),
              help="Epoch counts to size a comparison for, comma-separated.")
@click.option("--from", "from_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Log folder of a real run: its measured per-fixture solve rates and tokens per sample "
                   "(default: a uniform prior on the rates, and no cost).")
@click.option("--prices", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Extra model price table (YAML; with --from).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the README's table.")
@friendly
def power(families: tuple[str, ...], epochs: tuple[int, ...], from_dir: Path | None, prices: Path | None,
          as_json: bool, as_markdown: bool) -> None:
    """The smallest difference in resolved rate between two variants that the paired test
    (`evals regress`, the leaderboard) detects with 80% power at 5% two-sided, for the suite as it
    stands (or FAMILY...) at each epoch count, and what one such comparison costs.

    Without --from the per-fixture solve rates come from a uniform prior (Beta(1, 1)); with
    --from LOGS they are the rates that run measured, pooled over its variants."""
    from .fixtures import load_all
    from .power import EPOCHS, beta_prior, cost_note, headline, power_markdown, run_facts, suite_rates, summary

    ctx = click.get_current_context()
    if as_json and as_markdown:
        raise click.UsageError("give --json or --markdown, not both")
    if from_dir is None:
        only_with(ctx, "--from", ("prices",))
    suite = load_all(list(families) or None)
    keys = [f"{f.family}/{f.id}" for f in suite]
    chosen = sorted({f.family for f in suite})
    run = None
    if from_dir is None:
        rates = beta_prior()
    else:
        from .logdata import load_samples
        from .prices import load_prices

        table = load_prices(prices)
        data = load_samples([from_dir], table)
        run = run_facts(data.samples, list(families) or None)
        if not run.rates:
            raise HarnessError(f"{from_dir}: every sample had an infrastructure failure: no solve rates to use")
        rates = suite_rates(keys, run.rates, _measured_source(from_dir, keys, run))
    result = summary(rates, len(keys), len(chosen), epochs or EPOCHS, run)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    if as_markdown:
        print(power_markdown(result))
        return
    from . import formatting as fmt

    out.print(headline(result), highlight=False)
    grid = Table(title="evals power")
    for column in ("epochs", "samples per comparison", "smallest detectable difference",
                   "shift of each fixture's solve rate", "cost of a comparison"):
        grid.add_column(column, justify="right")
    for r in result["rows"]:  # type: ignore[attr-defined]
        cost = fmt.dollars(r["cost"]) if r["cost"] is not None else "needs --from" if run is None else "no price"
        grid.add_row(str(r["epochs"]), fmt.count(r["samples"]), _points_or_over(r["mde"]),
                     _points_or_over(r["shift"]), cost)  # fmt: skip
    out.print(grid)
    out.print(cost_note(result), highlight=False)


def _points_or_over(x: float) -> str:
    from . import formatting as fmt

    return "over 100 points" if fmt.missing(x) else fmt.points(x)


def _measured_source(from_dir: Path, suite: list[str], run: Any) -> str:
    """Where `--from`'s rates come from, in words: which of the suite's fixtures the run measured."""
    measured = sum(1 for key in suite if key in run.rates)
    models = f" of {run.models} models" if run.models > 1 else ""
    base = (f"per-fixture solve rates measured in {from_dir} (pooled over its {run.variants} variants{models}, "
            f"{run.samples} samples, infrastructure failures left out"
            + ("; it ran none of the chosen families, so its other families' rates stand in" if run.other_families else "")
            + ")")  # fmt: skip
    if measured == len(suite):
        return base
    pool = f"the distribution of the run's {len(run.rates)} fixture rates"
    if measured == 0:
        return f"{base}; none of the suite's {len(suite)} fixtures were in the run: they take {pool}"
    return (f"{base}; {measured} of the suite's {len(suite)} fixtures were in the run, the other "
            f"{len(suite) - measured} take {pool}")


def _of_agent(samples, agent: str | None, side: str):  # type: ignore[no-untyped-def]
    """Only `agent`'s samples (all when None); no samples of it is bad input."""
    if agent is None:
        return samples
    chosen = samples[samples["agent"] == agent]
    if chosen.empty:
        raise HarnessError(f"the {side} logs have no runs of agent '{agent}' "
                           f"(they have: {', '.join(sorted(samples['agent'].unique()))})")
    return chosen


@main.command()
@click.option("--baseline", "baseline", multiple=True, required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="Baseline log folder(s).")
@click.option("--candidate", "candidate", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Candidate log folder(s).")
@click.option("--persona", "persona_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Run this persona file as the candidate on the baseline's fixtures, models and epochs.")
@click.option("--variant", default=None, help="Variant to compare when a log set holds several.")
@click.option("--agent", default=None, type=click.Choice(["react", "claude-code"]),
              help="Compare only this agent's runs (when the logs hold several agents).")
@click.option("--alpha", default=0.05, show_default=True, type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="One-sided significance level (between 0 and 1).")
@click.option("--min-effect", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Smallest drop (0-1) that counts as a regression.")
@click.option("--summary", "summary_file", type=AppendFile(), default=None,
              help="Also append the Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).")
@click.option("--candidate-log-dir", default="logs/candidate", show_default=True, type=OutDir())
def regress(baseline: tuple[Path, ...], candidate: tuple[Path, ...], persona_file: Path | None,
            variant: str | None, agent: str | None, alpha: float, min_effect: float,
            summary_file: Path | None, candidate_log_dir: str) -> None:
    """CI gate: exit 0 if the candidate is not significantly worse, 1 if it is, 2 on bad input."""
    try:
        from .logdata import load_samples
        from .regress import gate, markdown
        from .regress_run import run_candidate

        if bool(candidate) == bool(persona_file):
            raise HarnessError("give either --candidate LOGS or --persona FILE (one of them)")
        if persona_file is None:
            only_with(click.get_current_context(), "--persona", ("candidate_log_dir",))
        base = _of_agent(load_samples(list(baseline)).samples, agent, "baseline")
        cand_variant = None
        if persona_file is not None:
            from .docker_engine import require_engine
            from .personas import load_persona

            load_persona(persona_file)  # a broken file is named before Docker is asked for
            require_engine()
            cand_dir, cand_variant = run_candidate(base, persona_file, candidate_log_dir, variant)
            cand = load_samples([cand_dir]).samples
        else:
            cand = load_samples(list(candidate)).samples
        cand = _of_agent(cand, agent, "candidate")
        results = gate(base, cand, alpha, min_effect, variant, cand_variant)
    except Interrupted as ex:
        print(f"interrupted: {ex}", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except HarnessError as ex:
        print(f"error: {ex}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:  # exit 1 is the gate's "worse": an interrupt must never read as one
        print("interrupted: no verdict; run the same command again", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except click.UsageError:
        raise
    except Exception as ex:  # anything unexpected is bad input for a gate, never a verdict
        text = _one_line(str(ex)) if _inspect_prerequisite(ex) else " ".join(str(ex).split())
        print(f"error: {type(ex).__name__}: {text}", file=sys.stderr)
        sys.exit(2)
    text = markdown(results)
    print(text)
    if summary_file is not None:
        with summary_file.open("a") as f:
            f.write(text)
    sys.exit(1 if any(r.fired for r in results) else 0)


if __name__ == "__main__":
    main()
