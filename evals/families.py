"""The README's task-family table, made from the fixtures themselves (so it cannot go stale).

Each family's folder has a `family.yaml` with what only a person can say (the stacks of its
small fixtures, what its hidden tests check); the fixtures, their difficulty, their codebases and
services come from the fixture folders. `evals families --markdown` prints the table and a test
keeps the README's copy in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import LocatedError
from .fixtures import Fixture, family_names, load_family
from .paths import TASKS_DIR
from .yamlfile import read_mapping

SERVICE_NAMES = {"postgres": "PostgreSQL", "redis": "Redis"}
_NUMBERS = "no one two three four five six seven eight nine ten eleven twelve".split()


class FamilyError(LocatedError):
    """A family's family.yaml that cannot be used."""


@dataclass(frozen=True)
class FamilyRow:
    name: str
    fixtures: tuple[Fixture, ...]
    stacks: str
    checks: str

    @property
    def codebases(self) -> tuple[str, ...]:
        return tuple(sorted({f.codebase for f in self.fixtures if f.codebase}))

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(sorted({s for f in self.fixtures for s in f.services}))


def _family_meta(family_dir: Path) -> dict[str, str]:
    path = family_dir / "family.yaml"
    if not path.is_file():
        raise FamilyError(family_dir, "missing family.yaml (stacks:, checks: for the README's family table)")
    meta = read_mapping(path, FamilyError)
    if set(meta) - {"stacks", "checks"} or not all(isinstance(v, str) for v in meta.values()):
        raise FamilyError(path, "must be a mapping with the text keys stacks and checks")
    return meta


def family_rows(tasks_dir: Path = TASKS_DIR) -> list[FamilyRow]:
    rows = []
    for name in family_names(tasks_dir):
        meta = _family_meta(tasks_dir / name)
        rows.append(FamilyRow(name, tuple(load_family(tasks_dir / name)), meta.get("stacks", ""), meta.get("checks", "")))
    return rows


def measured_areas(fixtures: list[Fixture]) -> dict[str, tuple[str, ...]]:
    """Claimed-expertise area -> the families whose fixtures say they measure it (`measures:`)."""
    found: dict[str, set[str]] = {}
    for fixture in fixtures:
        for area in fixture.measures:
            found.setdefault(area, set()).add(fixture.family)
    return {area: tuple(sorted(families)) for area, families in found.items()}


def measured_stacks(fixtures: list[Fixture]) -> dict[str, tuple[str, ...]]:
    """Claimed-expertise area -> the stacks of the shared codebases whose fixtures measure it
    (`measures:`, the codebase's own included): where "other stacks" is measured, and on what."""
    from .codebases import codebases_dir, load_codebase

    found: dict[str, set[str]] = {}
    for fixture in fixtures:
        if not fixture.codebase:
            continue
        codebase = load_codebase(codebases_dir(fixture.path.parent.parent.parent), fixture.codebase)
        for area in fixture.measures:
            if codebase.stack:
                found.setdefault(area, set()).add(codebase.stack)
    return {area: tuple(sorted(stacks)) for area, stacks in found.items()}


def _fixtures_cell(row: FamilyRow) -> str:
    own = [f for f in row.fixtures if not f.codebase]
    parts = [", ".join(f"{f.id} ({f.difficulty})" for f in own)] if own else []
    for codebase in row.codebases:
        on = [f for f in row.fixtures if f.codebase == codebase]
        parts.append(f"on `{codebase}`: " + ", ".join(f"{f.id} ({f.difficulty})" for f in on))
    return "; ".join(parts)


def _count(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def families_markdown(rows: list[FamilyRow]) -> str:
    """The sentence that counts them, then one table row per family."""
    total = sum(len(r.fixtures) for r in rows)
    on_codebases = sum(1 for r in rows for f in r.fixtures if f.codebase)
    shared = f" ({on_codebases} of them on shared codebases)" if on_codebases else ""
    lines = [f"{_count(len(rows)).capitalize()} families, {total} fixtures{shared}.", "",
             "| family | fixtures (difficulty) | stacks | real services | what the hidden tests check |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        stacks = "; ".join(filter(None, [r.stacks, *(f"codebase `{c}`" for c in r.codebases)]))
        services = " + ".join(SERVICE_NAMES.get(s, s) for s in r.services) or "none"
        lines.append(f"| `{r.name}` | {_fixtures_cell(r)} | {stacks} | {services} | {r.checks} |")
    return "\n".join(lines)
