"""`evals validate`: every fixture discriminates, test by test.

By default each fixture's states are graded directly, the way the scorer grades an agent's
changes (a fresh grading environment each, `evals.scorer.grade_files`), with no agent run:

* `noop`        the untouched repository;
* `oracle`      the reference fix (`solution/reference.patch`);
* `alternative` a different correct fix (`solution/alternative.patch`), when the fixture has one;
* `wrong`       each plausible wrong fix (`solution/wrong.patch`, `solution/wrong-<name>.patch`);
* `visible`     on a shared codebase: the starting repository's own test suite must pass (a
                break deletes or edits the visible tests that would show it); for a pytest
                suite, only the tests the break can change (`evals.affected_tests`).

Rules (`problems`), each naming the test that broke it: every `fail_to_pass` test fails on the
untouched repository and passes with the reference; every `pass_to_pass` test passes on both;
the alternative is resolved; no wrong fix is. That the agent's tools can apply a fix is proven
apart (the pipeline tests, `make demo`); `--agent react` also runs `replay/oracle` and
`replay/noop` through the agent on every fixture, as a user's run would.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HarnessError, Interrupted
from .fixtures import Fixture, load_all
from .grading import GradeReport
from .paths import TASKS_DIR
from .providers import DEFAULT_SANDBOX
from .replay import SolutionError, solution_files

if TYPE_CHECKING:
    from .affected_tests import CoverageMap
    from .changes import Affected

POLICIES = ("oracle", "noop")
"""The states every fixture has (named after the scripted models that play them)."""
EXPECTED = {"noop": "unresolved", "oracle": "resolved", "alternative": "resolved", "wrong": "unresolved",
            "visible": "resolved"}
VISIBLE = "visible"
"""The pseudo-state of a codebase fixture: its starting repository's visible suite, run as is."""
DEFAULT_CONCURRENCY = 3
"""Grading environments at once (measured on 2 cores: see the README, "Cost and speed")."""
MAP_MIN_FIXTURES = 3
"""A codebase's visible suite is mapped (`evals.affected_tests`) only when a run validates at
least this many of its fixtures: the map is the whole suite run once under coverage, so for one
or two fixtures it costs more than running the whole suite for each (`make test`'s sample has
one fixture per codebase)."""


class SelectionError(HarnessError):
    """A FAMILY or FAMILY/FIXTURE argument that names nothing."""


class ValidationInterrupted(Interrupted):
    """Ctrl-C during `evals validate`: which fixtures are left, as arguments that select them."""

    def __init__(self, done: int, left: int, remaining: list[str]) -> None:
        super().__init__(f"{done} fixture(s) validated before the interrupt, {left} left")
        self.remaining = remaining
        """`FAMILY` / `FAMILY/FIXTURE` arguments selecting exactly the fixtures left"""


def selectors(fixtures: list[Fixture], tasks_dir: Path = TASKS_DIR) -> list[str]:
    """The shortest `FAMILY` / `FAMILY/FIXTURE` arguments selecting exactly these fixtures."""
    from .fixtures import load_family

    chosen: list[str] = []
    for family in dict.fromkeys(f.family for f in fixtures):
        ids = [f.id for f in fixtures if f.family == family]
        whole = [f.id for f in load_family(tasks_dir / family)]
        chosen += [family] if sorted(ids) == sorted(whole) else [f"{family}/{i}" for i in ids]
    return chosen


def select(names: list[str] | None, tasks_dir: Path = TASKS_DIR, except_sample: bool = False) -> list[Fixture]:
    """Fixtures named by `family` or `family/fixture` arguments (all when none); with
    `except_sample`, less those `make test` validates (`sample` of the whole suite). Those a
    change can affect: `changed_selection`."""
    if except_sample:
        chosen = select(names, tasks_dir)
        left = sample(chosen if not names else load_all(None, tasks_dir))
        return [f for f in chosen if f not in left]
    if not names:
        return load_all(None, tasks_dir)
    chosen: list[Fixture] = []
    for name in names:
        family, _, fixture_id = name.partition("/")
        fixtures = load_all([family], tasks_dir)
        if fixture_id:
            picked = [f for f in fixtures if f.id == fixture_id]
            if not picked:
                raise SelectionError(f"unknown fixture '{name}': {family} has {', '.join(f.id for f in fixtures)}")
            fixtures = picked
        chosen += [f for f in fixtures if f not in chosen]
    return chosen


def changed_selection(names: list[str] | None, tasks_dir: Path, except_sample: bool,
                      rev: str) -> tuple[list[Fixture], Affected]:
    """(the fixtures the arguments select, those of them the changes since `rev` can affect):
    one `git diff` serves both the report of what was left out and the run."""
    from .changes import affected, changed_paths

    chosen = select(names, tasks_dir, except_sample)
    root = tasks_dir.parent
    return chosen, affected(chosen, changed_paths(rev, root), root)


def sample(fixtures: list[Fixture]) -> list[Fixture]:
    """The fixtures `make test` validates (`tests/test_validate.py`; CI's `make validate` step
    then validates the rest, `--except-sample`): per family the fixture with the fewest services
    (then by id) among those not on a codebase, and per shared codebase the one with the shortest
    per-test timeout (then by family and id). Together they meet every family, every stack and
    every codebase's kit, at the least cost."""
    families = dict.fromkeys(f.family for f in fixtures)
    chosen = [min((f for f in fixtures if f.family == family and not f.codebase),
                  key=lambda f: (len(f.services), f.id), default=None) for family in families]  # fmt: skip
    for codebase in sorted({f.codebase for f in fixtures if f.codebase}):
        chosen.append(min((f for f in fixtures if f.codebase == codebase),
                          key=lambda f: (f.per_test_timeout, f.family, f.id)))  # fmt: skip
    picked = {(f.family, f.id) for f in chosen if f is not None}
    return [f for f in fixtures if (f.family, f.id) in picked]


def fixture_states(fixture: Fixture) -> dict[str, str | None]:
    """State name -> solution patch name (None: the untouched repository)."""
    states: dict[str, str | None] = {"noop": None, "oracle": "reference"}
    if fixture.solution_patch("alternative").is_file():
        states["alternative"] = "alternative"
    for patch in sorted(fixture.solution_dir.glob("wrong*.patch")) if fixture.solution_dir.is_dir() else []:
        states[patch.stem] = patch.stem
    if fixture.visible_tests:
        states[VISIBLE] = None
    return states


def state_kind(state: str) -> str:
    """A state's kind: every `wrong-<name>` is a `wrong`."""
    return "wrong" if state.startswith("wrong") else state


def expected_verdict(state: str) -> str:
    return EXPECTED[state_kind(state)]


@dataclass
class StateResult:
    verdict: str
    """resolved, unresolved, infra_error, error (no verdict), or flaky (k/n resolved)"""
    reports: list[GradeReport] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0
    """wall time of its grading runs, environments included (where validation's time goes)"""
    selected: list[str] | None = None
    """the visible state's tests when only those a break can change ran (None: the whole suite)"""


def problems(fixture: Fixture, results: dict[str, StateResult]) -> list[str]:
    """Every rule a fixture's graded states break, as sentences naming the state and the test."""
    found: list[str] = []
    for state, result in results.items():
        if state == VISIBLE:
            if result.verdict != "resolved":
                found.append(f"visible: the starting repository's own tests ({fixture.visible_tests}) "
                             f"{result.verdict.replace('unresolved', 'fail')}: the break must delete or edit "
                             f"the visible tests that show it ({result.reason[-300:]})")  # fmt: skip
            continue
        if result.verdict != expected_verdict(state):
            found.append(f"{state}: {result.verdict}, expected {expected_verdict(state)}"
                         + (f" ({result.reason[:300]})" if result.reason else ""))  # fmt: skip
    for state, must in (("noop", "fail"), ("oracle", "pass")):
        for report in results[state].reports if state in results else []:
            for test in fixture.fail_to_pass:
                status = report.tests.get(test, "missing")
                if (status == "passed") != (must == "pass"):
                    why = report.messages.get(test, "")
                    found.append(f"{state}: fail_to_pass test {test} {status}, must {must}"
                                 + (f": {why[-300:]}" if why and must == "pass" else ""))  # fmt: skip
            for test in fixture.pass_to_pass:
                status = report.tests.get(test, "missing")
                if status != "passed":
                    why = report.messages.get(test, "")
                    found.append(f"{state}: pass_to_pass test {test} {status}, must pass"
                                 + (f": {why[-300:]}" if why else ""))  # fmt: skip
    return list(dict.fromkeys(found))


def agreed(verdicts: list[str]) -> str:
    """The verdict every epoch gave, or "flaky (k/n resolved)" when they differ."""
    if len(set(verdicts)) == 1:
        return verdicts[0]
    return f"flaky ({verdicts.count('resolved')}/{len(verdicts)} resolved)"


class CoverageMaps:
    """One map of the visible suite per codebase and run (`evals.affected_tests`), measured when
    the first fixture on the codebase needs it, for the codebases in `mapped`; None for the others
    and where it could not be measured (then every fixture on that codebase runs the whole suite,
    as without a map)."""

    def __init__(self, mapped: set[str]) -> None:
        self.mapped = mapped
        self._locks: dict[str, asyncio.Lock] = {}
        self._maps: dict[str, CoverageMap | None] = {}
        self.notes: list[str] = []
        """why a codebase's map is missing, and what measuring each one cost"""

    async def get(self, fixture: Fixture, limit: asyncio.Semaphore) -> CoverageMap | None:
        from .affected_tests import measure

        name = fixture.codebase or ""
        if name not in self.mapped:
            return None
        async with self._locks.setdefault(name, asyncio.Lock()):
            if name not in self._maps:
                started = time.monotonic()
                async with limit:
                    try:
                        self._maps[name] = await measure(fixture, codebase_dir(fixture))
                    except Exception as ex:
                        self._maps[name] = None
                        self.notes.append(f"codebases/{name}: no map of its visible tests, each fixture runs "
                                          f"them all ({type(ex).__name__}: {str(ex)[:300]})")  # fmt: skip
                self.notes.append(f"codebases/{name}: visible tests mapped in {time.monotonic() - started:.0f} s")
        return self._maps[name]


def worth_mapping(fixtures: list[Fixture], least: int = MAP_MIN_FIXTURES) -> set[str]:
    """The codebases whose visible suite can be mapped (a pytest suite) and is worth mapping in a
    run of these fixtures: those with at least `least` of them (see MAP_MIN_FIXTURES)."""
    from .affected_tests import supports_selection

    counts = Counter(f.codebase for f in fixtures if f.codebase and supports_selection(f.visible_tests))
    return {name for name, count in counts.items() if count >= least}


def codebase_dir(fixture: Fixture) -> Path:
    """The correct codebase a fixture breaks (`codebases/<name>/repo`, beside its tasks folder)."""
    from .codebases import codebases_dir

    return codebases_dir(fixture.path.parent.parent.parent) / str(fixture.codebase) / "repo"


async def _visible_state(fixture: Fixture, limit: asyncio.Semaphore, maps: CoverageMaps | None = None) -> StateResult:
    """The starting repository's visible suite, once, in a fresh grading environment: only the
    tests the break can change when the codebase's suite is mapped (`evals.affected_tests`)."""
    from .affected_tests import affected, changed_files, selected_command, supports_selection
    from .grading_env import fresh_environment
    from .hidden_run import run_visible_tests

    selected: list[str] | None = None
    if maps is not None and supports_selection(fixture.visible_tests):
        started = time.monotonic()
        cover = await maps.get(fixture, limit)
        if cover is not None:
            selected = affected(cover, changed_files(codebase_dir(fixture), fixture.repo_dir))
            if selected == []:
                return StateResult("resolved", reason="no visible test runs the changed code",
                                   seconds=time.monotonic() - started, selected=[])  # fmt: skip
    command = None if selected is None else selected_command(str(fixture.visible_tests), selected)
    async with limit:
        started = time.monotonic()
        try:
            async with fresh_environment(fixture) as env:
                passed, output = await run_visible_tests(env, fixture, command=command)
        except Exception as ex:
            return StateResult("error", reason=f"{type(ex).__name__}: {ex}", seconds=time.monotonic() - started)
    return StateResult("resolved" if passed else "unresolved", reason="" if passed else output,
                       seconds=time.monotonic() - started, selected=selected)  # fmt: skip


async def _grade_state(fixture: Fixture, state: str, patch: str | None, epochs: int,
                       limit: asyncio.Semaphore, maps: CoverageMaps | None = None) -> StateResult:
    from .scorer import grade_files

    if state == VISIBLE:
        return await _visible_state(fixture, limit, maps)

    try:
        files = solution_files(fixture, patch) if patch else {}
    except SolutionError as ex:
        return StateResult("error", reason=str(ex))
    reports: list[GradeReport] = []
    verdicts: list[str] = []
    reason = ""
    seconds = 0.0
    for _ in range(epochs):
        async with limit:
            started = time.monotonic()
            try:
                report = await grade_files(fixture, files)
            except Exception as ex:  # no verdict: the run timed out, the environment failed
                verdicts.append("error")
                reason = f"{type(ex).__name__}: {ex}"
                continue
            finally:
                seconds += time.monotonic() - started
        reports.append(report)
        verdicts.append(report.verdict.value)
        if report.verdict.value != expected_verdict(state):
            reason = report.reason
    return StateResult(agreed(verdicts), reports, reason, seconds)


async def validate_fixtures(
    fixtures: list[Fixture], epochs: int = 1, concurrency: int = DEFAULT_CONCURRENCY,
    progress: Callable[[str], None] | None = None, finished: list[Fixture] | None = None,
    visible: str = "affected",
) -> list[dict[str, object]]:
    """Grade every state of every fixture (`concurrency` grading environments at once): one row
    per fixture with each state's verdict, the problems found and whether it discriminates.
    Each fixture done is appended to `finished` (what an interrupt leaves to do). `visible`:
    "affected" runs only the visible tests a break can change where the suite can be mapped and
    the run has enough of the codebase's fixtures to repay the map (`worth_mapping`), "all" every
    visible test."""
    limit = asyncio.Semaphore(concurrency)
    maps = CoverageMaps(worth_mapping(fixtures)) if visible == "affected" else None
    done = 0
    started = time.monotonic()

    async def one(fixture: Fixture) -> dict[str, object]:
        nonlocal done
        states = fixture_states(fixture)
        graded = await asyncio.gather(*(_grade_state(fixture, state, patch, epochs, limit, maps)
                                        for state, patch in states.items()))
        results = dict(zip(states, graded))
        found = problems(fixture, results)
        done += 1
        if finished is not None:
            finished.append(fixture)
        if progress:
            progress(f"[{done}/{len(fixtures)} {time.monotonic() - started:.0f} s] {fixture.family}/{fixture.id}: "
                     + ("ok" if not found else f"{len(found)} problem(s)"))  # fmt: skip
        return {
            "fixture": fixture.id,
            "family": fixture.family,
            "codebase": fixture.codebase,
            **{state: result.verdict for state, result in results.items()},
            "problems": found,
            "discriminates": not found,
            "seconds": {state: round(result.seconds, 1) for state, result in results.items()},
            **({"visible_tests_run": "all" if results[VISIBLE].selected is None else results[VISIBLE].selected}
               if VISIBLE in results else {}),
        }

    rows = list(await asyncio.gather(*(one(f) for f in fixtures)))
    for note in maps.notes if maps and progress else []:
        progress(note)  # type: ignore[misc]
    return rows


def table_cells(row: dict[str, object]) -> dict[str, str]:
    """One row of `evals validate`'s table, narrow enough for a CI log: every wrong fix's verdict
    in one `wrong` column (the fixtures with a second wrong fix would each add a column), and how
    many visible tests ran instead of their names (`--json` has them)."""
    cells: dict[str, str] = {}
    for state, verdict in row.items():
        if state in ("family", "fixture", "codebase", "problems", "discriminates", "seconds"):
            continue
        if state == "visible_tests_run":
            cells[state] = verdict if isinstance(verdict, str) else str(len(verdict))  # type: ignore[arg-type]
        elif state_kind(state) == "wrong":
            cells["wrong"] = f"{cells['wrong']}, {verdict}" if "wrong" in cells else str(verdict)
        else:
            cells[state] = str(verdict)
    return cells


def time_summary(rows: list[dict[str, object]]) -> list[str]:
    """Where a validation's grading time went, from its rows' `seconds`: by kind of state and by
    codebase (own repositories apart). Seconds are each grading's wall time, environments
    included, summed over gradings that overlap: they compare costs, they do not add up to the
    run's wall time."""
    by_state: Counter[str] = Counter()
    by_codebase: Counter[str] = Counter()
    fixtures: Counter[str] = Counter()
    for row in rows:
        group = str(row.get("codebase") or "own repositories")
        fixtures[group] += 1
        for state, seconds in dict(row.get("seconds") or {}).items():  # type: ignore[call-overload]
            by_state[state_kind(state)] += seconds
            by_codebase[group] += seconds
    if not by_state:
        return []
    total = sum(by_state.values())
    states = ", ".join(f"{state} {seconds:.0f}" for state, seconds in by_state.most_common())
    groups = ", ".join(f"{group} {seconds:.0f} ({fixtures[group]} fixture(s), {seconds / fixtures[group]:.0f} each)"
                       for group, seconds in by_codebase.most_common())  # fmt: skip
    return [f"grading time, summed over overlapping gradings: {total:.0f} s; by state: {states}",
            f"by codebase: {groups}"]


def run_validation(
    names: list[str] | None, tasks_dir: Path = TASKS_DIR, epochs: int = 1,
    concurrency: int = DEFAULT_CONCURRENCY, progress: Callable[[str], None] | None = None,
    visible: str = "affected", except_sample: bool = False, chosen: list[Fixture] | None = None,
) -> list[dict[str, object]]:
    """`evals validate` without an agent: every state of the chosen fixtures, graded directly
    (`chosen`, when the caller has already selected them, e.g. by `changed_selection`)."""
    from .images import ensure_images

    # select checks every folder first, with a clear error
    fixtures = chosen if chosen is not None else select(names, tasks_dir, except_sample)
    finished: list[Fixture] = []
    try:
        ensure_images(fixtures, log=lambda m: print(m, file=sys.stderr, flush=True))
        # on Ctrl-C asyncio cancels the gradings (their environments are removed) and re-raises
        return asyncio.run(validate_fixtures(fixtures, epochs, concurrency, progress, finished, visible))
    except KeyboardInterrupt:
        left = [f for f in fixtures if f not in finished]
        raise ValidationInterrupted(len(finished), len(left), selectors(left, tasks_dir)) from None


def run_agent_validation(
    names: list[str] | None, agent: str = "react", persona: str = "none", tools: str | None = None,
    log_dir: str = "logs/validate", tasks_dir: Path = TASKS_DIR, epochs: int = 1,
    sandbox: str = DEFAULT_SANDBOX,
) -> list[dict[str, object]]:
    """`evals validate --agent react|claude-code`: `replay/oracle` and `replay/noop` through the agent on every
    chosen fixture, `epochs` times each; one row per fixture (same keys as without an agent)."""
    from inspect_ai import eval as inspect_eval

    from .results import sample_results
    from .task import family_task

    fixtures = select(names, tasks_dir)
    by_family: dict[str, list[str]] = {}
    for fixture in fixtures:
        by_family.setdefault(fixture.family, []).append(fixture.id)
    tasks = [family_task(tasks_dir / family, agent=agent, persona=persona, tools=tools, sandbox=sandbox, fixtures=ids)
             for family, ids in by_family.items()]  # fmt: skip
    with contextlib.redirect_stdout(sys.stderr):
        logs = inspect_eval(tasks, model=[f"replay/{p}" for p in POLICIES], log_dir=log_dir, epochs=epochs,
                            display="plain" if not sys.stderr.isatty() else "full", fail_on_error=False)  # fmt: skip
    from .demo import interrupted

    if interrupted(logs, len(tasks) * len(POLICIES)):
        raise Interrupted(f"no report; the runs so far are in {log_dir}; run the same command again "
                          "to start the validation over")
    seen: dict[tuple[str, str], dict[str, list[str]]] = {}
    reasons: dict[tuple[str, str, str], str] = {}
    for log in logs:
        policy = log.eval.model.split("/", 1)[1]
        if log.status != "success" and not log.samples:
            message = log.error.message if log.error else log.status
            raise RuntimeError(f"validation run for {log.eval.task} / {policy} failed: {message}")
        for row in sample_results(log):
            seen.setdefault((row.family, row.fixture), {}).setdefault(policy, []).append(row.verdict)
            if row.verdict != EXPECTED[policy]:
                reasons[(row.family, row.fixture, policy)] = row.reason
    rows: list[dict[str, object]] = []
    for f in fixtures:
        verdicts = {p: agreed(seen.get((f.family, f.id), {}).get(p, ["error"])) for p in POLICIES}
        found = [f"{p} (through the agent): {v}, expected {EXPECTED[p]}: "
                 f"{reasons.get((f.family, f.id, p)) or 'no result in the logs'}"
                 for p, v in verdicts.items() if v != EXPECTED[p]]  # fmt: skip
        rows.append({"fixture": f.id, "family": f.family, **verdicts, "problems": found, "discriminates": not found})
    return rows
