"""The comparisons a run is made for, each as one plain line: the answer the report leads with.

A matrix crosses every persona's prompt with every persona's tools, so for two personas A and B
within one model and one agent:

* persona: A (its prompt, its tools) against B;
* prompt: A's prompt against B's, the tools held equal (with B's tools, and with A's);
* tools: A's tools against B's, the prompt held equal (with A's prompt, and with B's);
* control: each persona against no persona.

Each line reads "X resolves N points more than Y (95% CI …, p = …): <verdict>; this run could only
detect M points or more". Pairs are taken from `Report.pairs` (variants of one model and one
agent, over the same fixtures and epochs); the direction is flipped so the difference is never
negative.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from . import formatting as fmt
from .stats import LEVEL

if TYPE_CHECKING:
    from .leaderboard import Report

KINDS = {
    "persona": "Whole persona",
    "prompt": "Prompt alone",
    "tools": "Tool set alone",
    "control": "Against no persona",
}


@dataclass(frozen=True)
class Comparison:
    model: str
    agent: str
    kind: str
    """one of KINDS"""
    more: str
    """the side that resolves more (or the first, when equal), as the sentence names it"""
    fewer: str
    more_variant: str
    fewer_variant: str
    diff: float
    """more − fewer, never negative"""
    low: float
    high: float
    p_value: float
    mde: float
    fixtures: int
    pairs: int
    context: str = ""
    """what was held equal, e.g. "with backend's tools" """

    @property
    def detectable(self) -> bool:
        return self.fixtures >= 2 and self.p_value < 1 - LEVEL

    def subject(self) -> str:
        return f"{self.context[:1].upper()}{self.context[1:]}, {self.more}" if self.context else self.more

    def difference(self) -> str:
        """"backend resolves 6.2 points more than backend-developer (95% CI −3.1 to +15.5, p = 0.19)"."""
        verb = "resolve" if self.more.endswith("tools") else "resolves"
        if round(self.diff * 100, 1) == 0:
            head = f"{self.subject()} and {self.fewer} resolve as many"
        else:
            head = f"{self.subject()} {verb} {fmt.points(self.diff)} more than {self.fewer}"
        return f"{head} (95% CI {fmt.points_interval(self.low, self.high)}, {fmt.p_value(self.p_value)})"

    def verdict(self) -> str:
        if self.fixtures < 2:
            return "too few fixtures to compare"
        if fmt.mde_too_large(self.mde):
            reach = "this run is too small to detect any difference (MDE over 100 points)"
        elif self.detectable:
            reach = f"MDE of this run {fmt.mde(self.mde)}"
        else:
            reach = f"this run could only detect {fmt.mde(self.mde)} or more"
        judged = "a detectable difference" if self.detectable else "not a detectable difference"
        return f"{judged}; {reach}"

    def line(self) -> str:
        return f"{self.difference()}: {self.verdict()}."


def agent_key(agent: str) -> tuple[bool, str]:
    """react (the default agent) first, then the others by name."""
    return (agent != "react", agent)


def _variant_of(overall: pd.DataFrame, model: str, agent: str, persona: str, tools: str) -> str | None:
    rows = overall[(overall["model"] == model) & (overall["agent"] == agent)
                   & (overall["persona"] == persona) & (overall["tools_from"] == tools)]  # fmt: skip
    return None if rows.empty else str(rows["variant"].iloc[0])


def _compare(
    report: Report, model: str, agent: str, kind: str, first: tuple[str, str], second: tuple[str, str],
    context: str = "",
) -> Comparison | None:
    """(variant, how the sentence names it) of each side -> the comparison, oriented."""
    pairs = report.pairs
    (va, na), (vb, nb) = first, second
    rows = pairs[(pairs["model"] == model) & (pairs["agent"] == agent)
                 & (((pairs["a"] == va) & (pairs["b"] == vb)) | ((pairs["a"] == vb) & (pairs["b"] == va)))]  # fmt: skip
    if rows.empty:
        return None
    r = rows.iloc[0]
    diff, low, high = float(r["diff"]), float(r["ci_low"]), float(r["ci_high"])
    if r["a"] != va:  # the table holds b − a: make it first − second
        diff, low, high = -diff, -high, -low
    if diff < 0:
        (va, na), (vb, nb) = (vb, nb), (va, na)
        diff, low, high = -diff, -high, -low
    return Comparison(model, agent, kind, na, nb, va, vb, diff, low, high, float(r["p_value"]),
                      float(r["mde"]), int(r["fixtures"]), int(r["pairs"]), context)  # fmt: skip


def comparisons(report: Report) -> list[Comparison]:
    """The headline comparisons, per model and agent, in the order the report shows them."""
    overall = report.overall
    if overall.empty or report.pairs.empty or "persona" not in overall.columns:
        return []
    found: list[Comparison | None] = []
    groups = sorted(overall.groupby(["model", "agent"]), key=lambda kv: (kv[0][0], agent_key(kv[0][1])))
    for (model, agent), g in groups:
        own = sorted(p for p, t in zip(g["persona"], g["tools_from"]) if p == t and p != "none")
        control = g[g["persona"] == "none"]

        def v(persona: str, tools: str) -> str | None:
            return _variant_of(overall, model, agent, persona, tools)

        for a, b in itertools.combinations(own, 2):
            found.append(_compare(report, model, agent, "persona", (v(a, a), a), (v(b, b), b)))
        for a, b in itertools.combinations(own, 2):
            for tools in (b, a):
                va, vb = v(a, tools), v(b, tools)
                if va and vb:
                    found.append(_compare(report, model, agent, "prompt", (va, f"the {a} prompt"),
                                          (vb, f"the {b} prompt"), f"with {tools}'s tools"))  # fmt: skip
        for a, b in itertools.combinations(own, 2):
            for prompt in (a, b):
                va, vb = v(prompt, a), v(prompt, b)
                if va and vb:
                    found.append(_compare(report, model, agent, "tools", (va, f"{a}'s tools"),
                                          (vb, f"{b}'s tools"), f"with the {prompt} prompt"))  # fmt: skip
        for _, row in control.iterrows():
            name = f"no persona ({row['tools_from']} tools)"
            for p in own:
                found.append(_compare(report, model, agent, "control", (v(p, p), p), (str(row["variant"]), name)))
    return [c for c in found if c is not None]
