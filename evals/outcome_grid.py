"""Fixtures × variants: what happened in each epoch, and which fixtures tell variants apart.

A fixture every variant solved in every epoch (or none did) cannot separate personas; the
fixtures where outcomes differ are the ones any difference comes from. One grid per model and
agent; each epoch's outcome keeps the link to its transcript in Inspect's viewer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .leaderboard import Report

RESOLVED, UNRESOLVED, INFRA = "resolved", "unresolved", "infra failure"
SQUARES_UP_TO = 6
"""Up to this many epochs a cell shows one square per epoch; beyond, one bar of shares."""
KINDS = ("tells variants apart", "every variant solved", "no variant solved", "infrastructure failures only")
UNINFORMATIVE = (
    "Every variant solved these fixtures in every epoch, or none did (or every epoch was an "
    "infrastructure failure): their difference is 0 in every pair, so they say nothing about which variant is "
    "better, and in the paired test they count as fixtures with no difference, pulling the mean "
    "difference toward 0. `evals power --from LOGS` sizes a run with their measured rates."
)


class Outcome(NamedTuple):
    """One epoch of one cell (a tuple: a 50,000-sample report makes 50,000 of them)."""

    epoch: int
    outcome: str
    url: str | None = None


@dataclass(frozen=True)
class Share:
    outcome: str
    count: int
    share: float
    url: str | None
    """the first such epoch's transcript"""


def shares(cell: tuple[Outcome, ...]) -> list[Share]:
    """A cell's epochs as shares of each outcome, in a fixed order (for many epochs)."""
    out = []
    for outcome in (RESOLVED, UNRESOLVED, INFRA):
        found = [e for e in cell if e.outcome == outcome]
        if found:
            out.append(Share(outcome, len(found), len(found) / len(cell), found[0].url))
    return out


@dataclass(frozen=True)
class GridRow:
    family: str
    fixture: str
    cells: tuple[tuple[Outcome, ...], ...]
    """per variant (in `Grid.variants` order), its epochs"""
    kind: str


@dataclass
class Grid:
    model: str
    agent: str
    variants: list[tuple[str, str, str]]
    """(variant, prompt, tools)"""
    rows: list[GridRow]
    family_logs: dict[str, list[str | None]] = field(default_factory=dict)
    """per family, the viewer link of each variant's log"""

    @property
    def squares(self) -> bool:
        """One square per epoch (few epochs), or a bar of shares (many)."""
        return max((len(c) for r in self.rows for c in r.cells), default=0) <= SQUARES_UP_TO

    def counts(self) -> Counter[str]:
        return Counter(r.kind for r in self.rows)

    def uninformative(self) -> dict[str, list[str]]:
        """Fixtures that cannot tell these variants apart, by kind ("family/fixture"): every
        variant solved them in every epoch, none did, or every epoch was an infrastructure failure."""
        found: dict[str, list[str]] = {}
        for kind in KINDS[1:]:
            names = [f"{r.family}/{r.fixture}" for r in self.rows if r.kind == kind]
            if names:
                found[kind] = names
        return found

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[k]} {k.replace('tells', 'tell') if counts[k] > 1 else k}" for k in KINDS if counts[k]]
        return f"Of {len(self.rows)} fixtures: " + "; ".join(parts) + "."


def _outcome(resolved: float, infra: bool) -> str:
    return INFRA if infra else RESOLVED if resolved >= 1 else UNRESOLVED


def classify(outcomes: list[str]) -> str:
    scored = [o for o in outcomes if o != INFRA]
    if not scored:
        return KINDS[3]
    if all(o == RESOLVED for o in scored):
        return KINDS[1]
    if all(o == UNRESOLVED for o in scored):
        return KINDS[2]
    return KINDS[0]


def _variant_order(g: pd.DataFrame) -> list[tuple[str, str, str]]:
    seen = g[["variant", "persona", "tools_from"]].drop_duplicates("variant")
    seen = seen.assign(_none=seen["persona"].eq("none"), _own=~seen["persona"].eq(seen["tools_from"]))
    seen = seen.sort_values(["_none", "persona", "_own", "tools_from"])
    return [(str(v), str(p), str(t)) for v, p, t in zip(seen["variant"], seen["persona"], seen["tools_from"])]


def grids(report: Report) -> list[Grid]:
    """One grid per model and agent (react first). Links are built from each log's route and
    each fixture's quoted id once, not per sample: a 50,000-sample report links them all."""
    from .comparisons import agent_key

    o = report.outcomes
    if o.empty:
        return []
    viewer = report.viewer
    log_routes = {log: viewer.log_url(log) for log in o["log"].unique()} if viewer is not None else {}
    ids = {f: quote(str(f), safe="") for f in o["fixture"].unique()}
    result = []
    for (model, agent), g in sorted(o.groupby(["model", "agent"]), key=lambda kv: (kv[0][0], agent_key(kv[0][1]))):
        variants = _variant_order(g)
        index = {v: i for i, (v, _, _) in enumerate(variants)}
        g = g.sort_values(["family", "fixture", "epoch"])
        kinds = np.where(g["infra"].to_numpy(bool), INFRA,
                         np.where(g["resolved"].to_numpy(float) >= 1, RESOLVED, UNRESOLVED))  # fmt: skip
        squares = int(g.groupby(["family", "fixture", "variant"]).size().max()) <= SQUARES_UP_TO
        raw: dict[tuple[str, str], list[list[Outcome]]] = {}
        logs: dict[str, list[str | None]] = {}
        linked: set[tuple[str, str, str, str]] = set()
        for family, fixture, variant, log, epoch, outcome in zip(
            g["family"].astype(str).tolist(), g["fixture"].astype(str).tolist(), g["variant"].astype(str).tolist(),
            g["log"].astype(str).tolist(), g["epoch"].astype(int).tolist(), kinds.tolist(),
        ):
            cells = raw.get((family, fixture))
            if cells is None:
                cells = raw[family, fixture] = [[] for _ in variants]
            cell = cells[index[variant]]
            # with bars (many epochs), only the first epoch of each outcome is linked
            route = None
            if squares or (family, fixture, variant, outcome) not in linked:
                route = log_routes.get(log)
                linked.add((family, fixture, variant, outcome))
            cell.append(Outcome(epoch, outcome, f"{route}sample/{ids[fixture]}/{epoch}/" if route else None))

        for family, variant, log in g[["family", "variant", "log"]].drop_duplicates(["family", "variant"], keep="last").astype(str).itertuples(index=False):
            logs.setdefault(family, [None] * len(variants))[index[variant]] = log_routes.get(log)
        rows = [GridRow(family, fixture, tuple(map(tuple, row)), classify([e.outcome for c in row for e in c]))
                for (family, fixture), row in sorted(raw.items())]  # fmt: skip
        result.append(Grid(str(model), str(agent), variants, rows, logs))
    return result
