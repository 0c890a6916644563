"""Every correct fix is accepted, plausible wrong fixes are not: scripted alternative and wrong
solutions (`solution/alternative.patch`, `solution/wrong.patch`) run through the real pipeline."""

from __future__ import annotations

import pytest
from inspect_ai import eval as inspect_eval

from evals.fixtures import family_names, load_all
from evals.paths import TASKS_DIR
from evals.results import sample_results
from evals.task import family_task


def _with_patch(name: str) -> dict[str, list[str]]:
    by_family: dict[str, list[str]] = {}
    for fixture in load_all():
        if fixture.solution_patch(name).is_file():
            by_family.setdefault(fixture.family, []).append(fixture.id)
    return by_family


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[tuple[str, str, str], str]:
    """Run replay/alternative and replay/wrong on every fixture that has the patch (one eval)."""
    log_dir = tmp_path_factory.mktemp("solution-logs")
    results: dict[tuple[str, str, str], str] = {}
    for policy, patch in (("alternative", "alternative"), ("wrong", "wrong")):
        families = _with_patch(patch)
        tasks = [family_task(TASKS_DIR / fam, persona="none", tools="minimal", fixtures=ids)
                 for fam, ids in sorted(families.items())]  # fmt: skip
        if not tasks:
            continue
        for log in inspect_eval(tasks, model=f"replay/{policy}", log_dir=str(log_dir),
                                display="none", max_tasks=4, fail_on_error=False):  # fmt: skip
            for row in sample_results(log):
                results[(policy, row.family, row.fixture)] = row.verdict
    return results


def test_every_family_ships_alternative_and_wrong_fixes():
    alternative, wrong = _with_patch("alternative"), _with_patch("wrong")
    for family in family_names():
        assert alternative.get(family), f"{family}: no fixture has solution/alternative.patch"
        assert wrong.get(family), f"{family}: no fixture has solution/wrong.patch"


def test_alternative_fixes_are_resolved(verdicts):
    runs = {k: v for k, v in verdicts.items() if k[0] == "alternative"}
    assert runs, "no alternative solutions ran"
    assert {k: v for k, v in runs.items() if v != "resolved"} == {}


def test_wrong_fixes_are_not_resolved(verdicts):
    runs = {k: v for k, v in verdicts.items() if k[0] == "wrong"}
    assert runs, "no wrong solutions ran"
    assert {k: v for k, v in runs.items() if v != "unresolved"} == {}
