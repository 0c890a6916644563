"""`evals leaderboard`: tables, paired comparisons and charts from harness logs.

`build_report` computes everything as DataFrames (no I/O); `write_report` renders Markdown
(`report_markdown`), a self-contained HTML page (`report_html`, charts embedded) and PNG charts
(`charts`), every figure written by `formatting` and laid out by `report_tables`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .claims import persona_claims
from .fixtures import family_names
from .personas import Persona
from . import formatting as fmt
from .stats import paired_difference, rate_interval
from .viewer import DEFAULT_URL, Viewer, viewer_for

if TYPE_CHECKING:
    from .comparisons import Comparison
    from .outcome_grid import Grid

SCRIPTED_NOTE = (
    "Rows for `replay/*` models were produced by scripted models: they demonstrate the "
    "pipeline and are not model results."
)


AGENTS_INTRO = (
    "The same two variants compared under each agent: `react` (the harness's versions of Claude "
    "Code's tools) and `claude-code` (the real Claude Code CLI, the persona applied as a "
    "subagent). A persona's effect measured with react holds in Claude Code when both agents show "
    "a significant difference in the same direction."
)


@dataclass
class Report:
    overall: pd.DataFrame
    families: pd.DataFrame
    tools: pd.DataFrame
    pairs: pd.DataFrame
    personas: pd.DataFrame
    agents: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The same persona comparison under each agent (empty unless two agents ran it)."""
    notes: list[str] = field(default_factory=list)
    scripted: bool = False
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per sample: model, agent, variant, persona, tools_from, family, fixture, epoch,
    resolved, infra and the log file (the grid of outcomes and the links to transcripts)."""
    viewer: Viewer | None = None
    """Inspect's log viewer the report links into (None: no log files known)."""

    @cached_property
    def answer(self) -> list[Comparison]:
        """The headline comparisons (see `comparisons`), made once for every rendering."""
        from .comparisons import comparisons

        return comparisons(self)

    @cached_property
    def grids(self) -> list[Grid]:
        """Fixtures × variants per model and agent (see `outcome_grid`), made once."""
        from .outcome_grid import grids

        return grids(self)


def _overall(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (model, agent, variant), g in df.groupby(["model", "agent", "variant"], sort=True):
        epochs = g["epoch"].nunique()
        est = rate_interval(g["resolved"].to_numpy(), g["fixture"].to_numpy() if epochs > 1 else None)
        costs = g["cost"].dropna()
        rows.append({
            "model": model, "agent": agent, "variant": variant,
            "persona": _first(g, "persona"), "tools_from": _first(g, "tools_from"), "samples": len(g),
            "fixtures": g["fixture"].nunique(),
            "epochs": epochs, "resolved": int(g["resolved"].sum()), "rate": est.mean,
            "ci_low": est.low, "ci_high": est.high, "ci_method": est.method,
            "pass_rate": g["pass_rate"].mean(), "infra_failures": int(g["infra"].sum()),
            "tokens_per_sample": g["total_tokens"].mean(),
            "input_tokens": g["input_tokens"].sum(),
            "output_tokens": g["output_tokens"].sum(),
            "cache_write_tokens": g["cache_write"].sum(),
            "cache_read_tokens": g["cache_read"].sum(),
            "cache_read_share": _share(g["cache_read"].sum(),
                                       g["input_tokens"].sum() + g["cache_write"].sum() + g["cache_read"].sum()),
            "cost_usd": costs.sum() if len(costs) == len(g) else np.nan,
            "cost_per_sample": costs.mean() if len(costs) == len(g) else np.nan,
            "time_per_sample_s": g["time"].mean(),
            "tool_calls_per_sample": g["tool_calls"].map(lambda d: sum(d.values())).mean(),
            "web_unavailable": int(g["web_unavailable"].sum()),
            "logs": _logs_by_family(g),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _first(g: pd.DataFrame, column: str) -> object:
    return g[column].iloc[0] if column in g.columns and len(g) else None


def _logs_by_family(g: pd.DataFrame) -> list[tuple[str, str]]:
    """(family, log file) of a variant's logs: one per family (when a family's samples came from
    several logs, as after a retry, the log of its last sample; each sample still links to its own)."""
    if "log" not in g.columns:
        return []
    return sorted({str(f): str(log) for f, log in zip(g["family"], g["log"])}.items())


def _share(part: float, whole: float) -> float:
    return part / whole if whole else np.nan


def _families(df: pd.DataFrame) -> pd.DataFrame:
    grouped = df.groupby(["model", "variant", "family"], sort=True)
    out = grouped.agg(samples=("resolved", "size"), rate=("resolved", "mean"),
                      pass_rate=("pass_rate", "mean"), infra=("infra", "sum")).reset_index()  # fmt: skip
    return out


def _tools(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (model, variant), g in df.groupby(["model", "variant"], sort=True):
        totals: dict[str, float] = {}
        for calls in g["tool_calls"]:
            for name, count in calls.items():
                totals[name] = totals.get(name, 0) + (count or 0)
        rows.append({"model": model, "variant": variant,
                     **{name: total / len(g) for name, total in sorted(totals.items())}})  # fmt: skip
    return pd.DataFrame(rows).fillna(0.0)


def _pairs(df: pd.DataFrame) -> pd.DataFrame:
    """Paired differences between the variants of one model and one agent (an agent's effect
    is not a persona's: comparisons across agents are in `_agent_effects`)."""
    rows = []
    clean = df[~df["infra"]]
    for (model, agent), g in clean.groupby(["model", "agent"], sort=True):
        wide = g.pivot_table(index=["family", "fixture", "epoch"], columns="variant",
                             values="resolved", aggfunc="first")  # fmt: skip
        # fixtures are the clusters: made once per model, not per pair (50,000 samples)
        cluster_of = (wide.index.get_level_values("family").astype(str) + "/"
                      + wide.index.get_level_values("fixture").astype(str)).to_numpy()  # fmt: skip
        for a, b in itertools.combinations(sorted(wide.columns), 2):
            va, vb = wide[a].to_numpy(dtype=float), wide[b].to_numpy(dtype=float)
            both = ~(np.isnan(va) | np.isnan(vb))
            if not both.any():
                continue
            d = paired_difference(va[both], vb[both], cluster_of[both])
            rows.append({
                "model": model, "agent": agent, "a": a, "b": b, "pairs": d.n_pairs, "fixtures": d.n_fixtures,
                "diff": d.mean_diff, "se": d.se, "ci_low": d.low, "ci_high": d.high,
                "p_value": d.p_value, "mde": d.mde, "verdict": d.sentence(a, b),
            })  # fmt: skip
    return pd.DataFrame(rows)


def base_variant(variant: str, agent: str) -> str:
    """A variant's name without its agent prefix: `claude-code:backend` -> `backend`."""
    prefix = f"{agent}:"
    return variant[len(prefix):] if variant.startswith(prefix) else variant


def _agent_effects(pairs: pd.DataFrame) -> pd.DataFrame:
    """Does a persona comparison hold under every agent? One row per model and pair of variants
    (named without the agent) compared under two or more agents: each agent's difference."""
    if pairs.empty or pairs["agent"].nunique() < 2:
        return pd.DataFrame()
    named = pairs.assign(
        base_a=[base_variant(v, g) for v, g in zip(pairs["a"], pairs["agent"])],
        base_b=[base_variant(v, g) for v, g in zip(pairs["b"], pairs["agent"])],
    )
    rows = []
    for (model, a, b), g in named.groupby(["model", "base_a", "base_b"], sort=True):
        if g["agent"].nunique() < 2:
            continue
        row: dict[str, object] = {"model": model, "a": a, "b": b}
        signs = set()
        for r in g.itertuples():
            row[f"{r.agent}: difference, points (95% CI)"] = (
                f"{fmt.signed_points(r.diff)} ({fmt.points_interval(r.ci_low, r.ci_high)})")
            row[f"{r.agent}: p"] = fmt.p_value(r.p_value)
            if r.p_value < 0.05:
                signs.add(np.sign(r.diff))
        row["holds"] = (
            "same direction, significant under each agent" if len(signs) == 1 and all(g["p_value"] < 0.05)
            else "opposite significant directions" if len(signs) > 1
            else "not established under every agent"
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _personas(personas: dict[str, Persona]) -> pd.DataFrame:
    from .families import measured_areas
    from .fixtures import load_all

    families, measured = family_names(), measured_areas(load_all())
    rows = []
    for p in personas.values():
        claims = persona_claims(p, families, measured)
        rows.append({
            "persona": p.name, "format": p.format, "tools granted": ", ".join(p.tools),
            "prompt ≈tokens": len(p.system_prompt) // 4,
            "claimed skills": "; ".join(c.area for c in claims),
            "measured by": ", ".join(sorted({f for c in claims for f in c.families})) or "-",
            "unmeasured claims": "; ".join(c.area for c in claims if not c.families) or "-",
            "no runtime meaning (ignored)": "; ".join(p.ignored_parts) or "-",
            "sha256": p.source_sha256[:12],
        })  # fmt: skip
    return pd.DataFrame(rows)


_OUTCOME_COLUMNS = ["model", "agent", "variant", "persona", "tools_from", "family", "fixture", "epoch",
                    "resolved", "infra", "log"]


def build_report(
    samples: pd.DataFrame, personas: dict[str, Persona], skipped: list[str] | None = None,
    viewer_url: str = DEFAULT_URL,
) -> Report:
    notes = [f"Left out: {s}" for s in (skipped or [])]
    notes.append(
        "Resolved rates count infrastructure failures as not resolved (as the logs' metrics do); "
        "paired differences leave out every (fixture, epoch) where either variant had one."
    )
    notes.append(
        "Intervals: Wilson for one epoch; with several epochs, cluster-robust by fixture. Paired "
        "differences: t-test on per-fixture mean differences; MDE = smallest true difference "
        "detectable with 80% power at 5% two-sided, for this many fixtures."
    )
    notes.append(
        "Tokens: tokens/sample counts everything (uncached input + output + cache writes + cache "
        "reads); input/sample is the uncached input only; cache read/sample shows in brackets the "
        "share of all input tokens read from the prompt cache (the persona's system prompt and tools "
        "are cached on the Anthropic path). Cost prices cache writes and reads at the price table's "
        "own rates (Anthropic: 1.25× and 0.1× the input price); a sample whose requests were more than "
        "5 minutes apart may have had its later writes made with the 1-hour cache (2× input), which "
        "the logs do not tell apart, so its cost can be slightly under-counted."
    )
    notes.append(
        "Document parts with no runtime meaning (activation patterns, slash commands, extra front "
        "matter fields, the `model` field) are ignored: the agent gets only the system prompt, the "
        "environment facts and the granted tools."
    )
    scripted = bool(len(samples)) and samples["model"].str.startswith("replay/").any()
    if scripted:
        notes.insert(0, SCRIPTED_NOTE)
    if "agent" not in samples.columns:
        samples = samples.assign(agent="react")
    pairs = _pairs(samples)
    agents = _agent_effects(pairs)
    if samples["agent"].nunique() > 1:
        notes.append(
            "Agents: `react` is Inspect's react loop with the harness's own versions of Claude "
            "Code's tools; `claude-code` is the real Claude Code CLI with the persona applied as a "
            "subagent. Paired differences compare variants within one agent; the agents section "
            "shows whether a persona comparison holds under both."
        )
    outcomes = samples[[c for c in _OUTCOME_COLUMNS if c in samples.columns]].reset_index(drop=True)
    logs = sorted(set(samples["log"])) if "log" in samples.columns else []
    return Report(_overall(samples), _families(samples), _tools(samples), pairs,
                  _personas(personas), agents=agents, notes=notes, scripted=scripted,
                  outcomes=outcomes, viewer=viewer_for(logs, viewer_url) if logs else None)  # fmt: skip


def write_report(report: Report, out_dir: Path) -> list[Path]:
    """leaderboard.md, leaderboard.html (self-contained) and the PNG charts into `out_dir`."""
    from .charts import charts
    from .report_html import to_html
    from .report_markdown import to_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    images = charts(report)
    written = []
    for name, data in images.items():
        (out_dir / name).write_bytes(data)
        written.append(out_dir / name)
    (out_dir / "leaderboard.md").write_text(to_markdown(report))
    (out_dir / "leaderboard.html").write_text(to_html(report, images))
    written += [out_dir / "leaderboard.md", out_dir / "leaderboard.html"]
    return written


