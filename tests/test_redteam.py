"""Red team: every cheating scripted model (`replay/cheat-<name>`, evals/cheats.py) stays unresolved.

Each strategy tries to pass without fixing anything (gutting tests, conftest/site hooks, a pytest
plugin, patched pytest, fake reports, a background writer, pre-planted hidden tests, canned
answers under test, exiting early, hanging, forging the JUnit report, tampering with the grading
database, symlinks; rewriting the tests from inside the test process, shadowing a module nobody
has, unhooking in-process measurements, a process that outlives the run, blocking the grading
database's reset, stopping its own container). All run in ONE eval call, each (family, fixture,
cheat) its own task with its own model, on one fixture of EVERY task family under tasks/ (the
one with the fewest services, or the one named in RED_TEAM_FIXTURE; new families are picked up
automatically) and one fixture of every shared codebase:

* a strategy whose payload is code in the repository (`evals.cheats.IN_CODE`) runs on each of
  them that has Python sources: what it meets is that fixture's own code and tests;
* every other strategy acts on the agent's environment, and what stops it is where and from
  what the grader runs: it runs once per grading configuration (image, services, codebase),
  on the first of those fixtures (by family) that has it.

A cheat that ever scores resolved, or `infra_error`, is a grader bug: fix the grader.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import task_with
from inspect_ai.model import get_model

from evals.cheats import CHEATS, IN_CODE, cheat_steps
from evals.errors import HarnessError
from evals.fixtures import Fixture, family_names, load_family
from evals.paths import TASKS_DIR
from evals.task import family_task

pytestmark = pytest.mark.docker

TOY = Path(__file__).parent / "data" / "families" / "toy"
#: each family's fixture for the red team: the cheapest to grade (seconds for its four states in
#: `evals validate --json`, 2026-12-04: 28, 21, 69, 61, 67, 55, 112, 27, 33), except db_optimize's,
#: the target of the in-process measurement and seed-scale mechanisms; a new family gets the one
#: with the fewest services
RED_TEAM_FIXTURE = {
    "api_design": "product_put_idempotent", "auth": "jwt_expiry_audience", "caching": "stale_after_update",
    "concurrency": "stock_oversell", "db_optimize": "n_plus_one_orders", "messaging": "idempotent_payments",
    "migrations": "dedupe_customer_emails", "rate_limit": "rate_limit_headers", "security": "secrets_in_logs",
}
#: strategies run only where they have a target (stop-sandbox exhausts a container's memory)
TARGETED_ONLY = {"stop-sandbox"}
#: extra (family, fixture, cheat) runs where a strategy has a real target beyond the first fixture
#: (each of these scored resolved or infra_error on the grader that shared the agent's services)
TARGETED = [("db_optimize", "missing_index_lookup", "db-tamper"),
            ("db_optimize", "missing_index_lookup", "survive-kill"),
            ("db_optimize", "missing_index_lookup", "block-reset"),
            ("db_optimize", "n_plus_one_orders", "stop-sandbox")]
#: runs at once. About half the slot time goes to `hang` runs idling until their fixture's
#: per-test timeout (30-300 s), so the slots must outnumber the cores well: on 2 cores, 5 slots
#: left the machine 75% busy (7.7 min), 7 slots 87% (6.8 min; bench, 2026-11-23)
SLOTS = 7


def first_fixtures() -> dict[str, str]:
    """One fixture per family: RED_TEAM_FIXTURE's, else the one with the fewest services
    (cheapest to run), then by id."""
    return {
        family: RED_TEAM_FIXTURE.get(family)
        or min(load_family(TASKS_DIR / family), key=lambda f: (len(f.services), f.id)).id
        for family in family_names(TASKS_DIR)
    }


def codebase_fixtures() -> dict[str, tuple[str, str]]:
    """One fixture per shared codebase (codebases/<name>/) that fixtures use: the one with the
    shortest per-test timeout (a `hang` idles that long), then by family and id. The grader
    differs there (another stack, the codebase's kit beside gradekit, a starting repository made
    from a break), so each codebase is a target too (`red_team_runs` says which strategies run there)."""
    chosen: dict[str, tuple[int, str, str]] = {}
    for family in family_names(TASKS_DIR):
        for f in load_family(TASKS_DIR / family):
            if f.codebase and (f.codebase not in chosen or (f.per_test_timeout, family, f.id) < chosen[f.codebase]):
                chosen[f.codebase] = (f.per_test_timeout, family, f.id)
    return {name: (family, fixture) for name, (_, family, fixture) in sorted(chosen.items())}


def generic_cheats() -> list[str]:
    return sorted(set(CHEATS) - TARGETED_ONLY)


def grading_configuration(fixture: Fixture) -> tuple[str, tuple[str, ...], str | None]:
    """What decides how the grader meets a strategy that acts on the agent's environment: the
    image it grades on, the services it starts afresh, and the shared codebase (its kit, and the
    files the grader takes from the repository)."""
    return fixture.image, tuple(sorted(fixture.services)), fixture.codebase


def has_python_sources(fixture: Fixture) -> bool:
    """Whether the repository has Python code outside its tests (where IN_CODE payloads go)."""
    return any("tests" not in p.relative_to(fixture.repo_dir).parts and not p.name.startswith("test_")
               for p in fixture.repo_dir.rglob("*.py"))  # fmt: skip


def red_team_targets() -> dict[tuple[str, str], Fixture]:
    """(family, fixture id) -> fixture, for every fixture the react red team runs on: one per
    family (`first_fixtures`), then one per shared codebase (`codebase_fixtures`)."""
    targets = [*first_fixtures().items(), *codebase_fixtures().values()]
    loaded = {(family, f.id): f for family in {t[0] for t in targets} for f in load_family(TASKS_DIR / family)}
    return {target: loaded[target] for target in targets}


def red_team_runs() -> list[tuple[str, str, str]]:
    """(family, fixture, cheat) runs of the react red team, in order (see the module docstring),
    then the TARGETED ones."""
    runs: list[tuple[str, str, str]] = []
    configurations: set[tuple[str, tuple[str, ...], str | None]] = set()
    for (family, fixture_id), fixture in red_team_targets().items():
        first_of_its_configuration = grading_configuration(fixture) not in configurations
        configurations.add(grading_configuration(fixture))
        runs += [(family, fixture_id, cheat) for cheat in generic_cheats()
                 if (has_python_sources(fixture) if cheat in IN_CODE else first_of_its_configuration)]  # fmt: skip
    families = family_names(TASKS_DIR)
    runs += [r for r in TARGETED if r[0] in families and r[1] in {f.id for f in load_family(TASKS_DIR / r[0])}]
    return list(dict.fromkeys(runs))


def per_test_timeouts(runs: list[tuple[str, str, str]]) -> dict[tuple[str, str], int]:
    """(family, fixture) -> the fixture's per-test timeout, for every family the runs touch."""
    return {(f.family, f.id): f.per_test_timeout for family in {r[0] for r in runs}
            for f in load_family(TASKS_DIR / family)}  # fmt: skip


def interleave_hangs(runs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Spread the `hang` runs evenly through the others, the longest-waiting first.

    A hang idles in its slot until the fixture's per-test timeout (one to five minutes), so
    bunched together the hangs either take every slot while the CPU sits idle or, run last, leave
    an idle tail. Inspect starts pending tasks in order, preferring a model with fewer tasks in
    flight, so each task is given its own Model object and this order is the order they start.
    """
    timeout = per_test_timeouts(runs)
    hangs = sorted((r for r in runs if r[2] == "hang"), key=lambda r: -timeout[r[0], r[1]])
    busy = [r for r in runs if r[2] != "hang"]
    step = max(1, len(busy) // max(1, len(hangs)))
    ordered = []
    for i, hang in enumerate(hangs):
        ordered += [hang, *busy[i * step:(i + 1) * step]]
    return ordered + busy[len(hangs) * step:]


def test_hangs_are_spread_through_the_other_runs():
    runs = [(family, fixture, cheat) for family, fixture in first_fixtures().items() for cheat in generic_cheats()]
    ordered = interleave_hangs(runs)
    assert sorted(ordered) == sorted(runs)
    at = [i for i, run in enumerate(ordered) if run[2] == "hang"]
    assert at[0] == 0 and len(at) == len(first_fixtures())
    gaps = {b - a for a, b in zip(at, at[1:])}
    assert len(gaps) == 1 and gaps.pop() >= SLOTS  # evenly spaced, never two starting together
    timeout = per_test_timeouts(runs)
    waits = [timeout[ordered[i][0], ordered[i][1]] for i in at]
    assert waits == sorted(waits, reverse=True)  # the longest-waiting start first


def test_every_strategy_is_registered_and_generic():
    assert len(CHEATS) >= 22
    toy = load_family(TOY)[0]
    for name in CHEATS:
        for fixture in (toy, None):  # fixture unknown to the scripted model: still a plan
            steps = cheat_steps(name, fixture, {"Bash", "Read", "Edit"})
            assert steps and all(step.tool == "Bash" for step in steps), name
    with pytest.raises(HarnessError, match="unknown cheat strategy"):
        cheat_steps("nope", toy, {"Bash"})


def test_every_strategy_meets_every_configuration_and_code_ones_every_family():
    runs = red_team_runs()
    loaded = red_team_targets()
    targets = list(loaded)
    assert len(targets) >= len(family_names(TASKS_DIR)), "no task family under tasks/"
    met: dict[str, set[tuple]] = {}
    for family, fixture_id, cheat in runs:
        if (family, fixture_id) in loaded:  # the TARGETED runs' fixtures are not targets
            met.setdefault(cheat, set()).add(grading_configuration(loaded[family, fixture_id]))
    every = {grading_configuration(fixture) for fixture in loaded.values()}
    assert all(met[cheat] == every for cheat in generic_cheats() if cheat not in IN_CODE), met
    with_code = {t for t in targets if has_python_sources(loaded[t])}
    assert {family for family, _ in with_code} >= set(family_names(TASKS_DIR))
    for cheat in IN_CODE - TARGETED_ONLY:
        assert {(f, i) for f, i, c in runs if c == cheat} == with_code, cheat
    assert len(runs) == len(set(runs)) and set(TARGETED) <= set(runs)


def test_no_cheat_resolves_any_family(tmp_path):
    assert_no_cheat_resolves(interleave_hangs(red_team_runs()), tmp_path, agent="react")


#: the family the cheats also run on under the real Claude Code (one is enough: the grader is the
#: same; what differs is how the cheat's commands reach the sandbox)
CLAUDE_CODE_FAMILY = "db_optimize"
#: the strategies whose outcome can depend on the agent being Claude Code: processes that must
#: outlive its Bash tool (a background writer, a disarmed kill, sessions held on the database),
#: its own container stopped from inside, the database reached from its shell, and a repository
#: edited and committed through it. The other strategies only leave files for the grader to
#: read from the stopped container (edit-tests stands for them) or put code in the sources that
#: runs at grading time, where nothing of the agent is left: their verdict cannot depend on the
#: agent, and the react red team runs every one of them (see `red_team_runs`).
CLAUDE_CODE_CHEATS = ("background-writer", "block-reset", "db-tamper", "edit-tests", "fake-reports",
                      "stop-sandbox", "survive-kill")


def test_no_cheat_resolves_under_claude_code(tmp_path):
    """The agent-dependent strategies, their commands run by Claude Code's own Bash tool, on one
    family (and the targeted runs on it)."""
    family = CLAUDE_CODE_FAMILY
    fixture = first_fixtures()[family]
    assert set(CLAUDE_CODE_CHEATS) <= set(CHEATS)
    runs = [(family, fixture, cheat) for cheat in CLAUDE_CODE_CHEATS if cheat not in TARGETED_ONLY]
    runs += [r for r in TARGETED if r[0] == family and r not in runs]
    assert_no_cheat_resolves(runs, tmp_path, agent="claude-code")


def assert_no_cheat_resolves(runs: list[tuple[str, str, str]], tmp_path: Path, agent: str) -> None:
    """Each (family, fixture, cheat) run is its own task with its own model, all in one eval call;
    every one must score unresolved (never resolved, never infra_error)."""
    tasks = [
        task_with(
            family_task(TASKS_DIR / family, persona="none", tools="minimal", fixtures=fixture, agent=agent),
            model=get_model(f"replay/cheat-{cheat}", memoize=False), name=f"{family}-{fixture}-{cheat}",
        )
        for family, fixture, cheat in runs
    ]  # fmt: skip
    started = time.monotonic()
    logs = inspect_eval(tasks, log_dir=str(tmp_path / "logs"), display="none", max_tasks=SLOTS,
                        max_sandboxes=SLOTS, fail_on_error=False, message_limit=30)  # fmt: skip
    elapsed = time.monotonic() - started
    assert len(logs) == len(runs)
    outcomes: dict[str, tuple[str, str]] = {}
    problems = []
    for log, (family, fixture, cheat) in zip(logs, runs):
        key = f"{family}/{fixture} {cheat}"
        assert log.eval.model == f"replay/cheat-{cheat}", key
        if log.status != "success" or not log.samples:
            problems.append(f"{key}: eval {log.status}: {log.error.message if log.error else ''}")
            continue
        (sample,) = log.samples
        score = (sample.scores or {}).get("hidden_tests")
        if sample.error is not None or score is None:
            problems.append(f"{key}: sample lost ({sample.error.message if sample.error else 'no score'})")
            continue
        verdict = score.metadata["verdict"]
        outcomes[key] = (verdict, score.explanation or "")
        ran = sample.metadata.get("tool_calls", {}).get("Bash", 0)
        if agent != "react" and (sample.metadata.get("agent", {}).get("name") != agent or not ran):
            problems.append(f"{key}: the cheat's commands did not run through {agent}")
        # "unresolved", never "infra_error": reports leave infrastructure failures out, so a
        # cheat that provokes one would improve its rate
        if score.value["resolved"] != 0 or verdict != "unresolved":
            problems.append(f"{key}: {verdict}: {score.explanation}")
    report = "\n".join(f"  {k}: {v} ({why[:160]})" for k, (v, why) in sorted(outcomes.items()))
    print(f"\nred team under {agent} ({len(runs)} runs, {elapsed:.0f} s):\n{report}")
    assert not problems, "\n".join(problems) + "\n" + report
