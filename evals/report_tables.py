"""The report's tables as rows of formatted cells, laid out once for Markdown and HTML alike.

Every figure goes through `formatting`, every header is written for a reader (no column names
from the DataFrames), and a cell may carry a link into Inspect's log viewer and a tooltip.
`report_markdown` and `report_html` only decide how a cell is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from . import formatting as fmt
from .leaderboard import base_variant

if TYPE_CHECKING:
    from .leaderboard import Report


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    title: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    """several (label, url) links in one cell (a variant that ran several families)"""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()
    """columns of figures (right-aligned in HTML)"""
    footnotes: list[str] = field(default_factory=list)


def _c(text: object, **kw: object) -> Cell:
    return Cell(str(text), **kw)  # type: ignore[arg-type]


def tools_label(tools: object, agent: str) -> str:
    if tools == "all" and agent == "claude-code":
        return "all (Claude Code's own)"
    return str(tools)


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    """Agents as given, then own variants first, crossed ones, then the control."""
    key = df.assign(_agent=df["agent"].ne("react"), _none=df["persona"].eq("none"),
                    _own=~df["persona"].eq(df["tools_from"]))  # fmt: skip
    order = ["model", "_agent", "agent", "_none", "persona", "_own", "tools_from"]
    return key.sort_values(order).drop(columns=["_agent", "_none", "_own"])


def _log_links(report: Report, logs: list[tuple[str, str]]) -> Cell:
    if report.viewer is None or not logs:
        return _c(fmt.DASH)
    if len(logs) == 1:
        return _c("open log", href=report.viewer.log_url(logs[0][1]), title=logs[0][1])
    return Cell(f"{len(logs)} logs", links=tuple((family, report.viewer.log_url(log)) for family, log in logs))


def variant_table(report: Report, model: str) -> Table:
    """The main table: one row per variant of one model."""
    o = _ordered(report.overall[report.overall["model"] == model])
    rows = []
    for r in o.itertuples():
        rows.append([
            _c(r.agent), _c(r.persona, title=f"variant {r.variant}"), _c(tools_label(r.tools_from, r.agent)),
            _c(f"{fmt.count(r.resolved)} / {fmt.count(r.samples)}"),
            _c(fmt.rate_interval(r.rate, r.ci_low, r.ci_high), title=f"95% interval: {r.ci_method}"),
            _c(fmt.pct(r.pass_rate)), _c(fmt.count(r.infra_failures)),
            _c(fmt.dollars(r.cost_per_sample)), _c(fmt.duration(r.time_per_sample_s)),
            _log_links(report, r.logs),
        ])  # fmt: skip
    return Table(
        ["Agent", "Prompt", "Tools", "Resolved", "Resolved rate (95% CI)", "Hidden tests passed",
         "Infra failures", "Cost per sample", "Time per sample", "Transcripts"],
        rows, frozenset({3, 4, 5, 6, 7, 8}),
    )  # fmt: skip


def usage_table(report: Report, model: str) -> Table:
    """Tokens, dollars and tool calls per variant (the details under the main table)."""
    o = _ordered(report.overall[report.overall["model"] == model])
    rows = []
    for r in o.itertuples():
        n = r.samples or 1
        rows.append([
            _c(r.agent), _c(base_variant(r.variant, r.agent)), _c(fmt.count(r.tokens_per_sample)),
            _c(fmt.count(r.input_tokens / n)), _c(fmt.count(r.output_tokens / n)),
            _c(fmt.count(r.cache_write_tokens / n)),
            _c(f"{fmt.count(r.cache_read_tokens / n)} ({fmt.pct(r.cache_read_share)})"),
            _c(fmt.dollars(r.cost_usd)), _c(fmt.decimal(r.tool_calls_per_sample)),
            _c(fmt.count(r.web_unavailable)),
        ])  # fmt: skip
    return Table(
        ["Agent", "Variant", "Tokens per sample", "Uncached input per sample", "Output per sample",
         "Cache writes per sample", "Cache reads per sample (share of input)", "Cost, all samples",
         "Tool calls per sample", "Web calls answered \"unavailable\""],
        rows, frozenset(range(2, 10)),
    )  # fmt: skip


def pairs_table(report: Report, model: str) -> Table:
    """Every pair of variants of one model within one agent."""
    p = report.pairs[report.pairs["model"] == model]
    p = p.assign(_agent=p["agent"].ne("react")).sort_values(["_agent", "agent", "a", "b"], kind="stable")
    rows, too_large = [], False
    for r in p.itertuples():
        big = fmt.mde_too_large(r.mde)
        too_large |= big
        rows.append([
            _c(r.agent), _c(base_variant(r.a, r.agent)), _c(base_variant(r.b, r.agent)),
            _c(fmt.count(r.pairs)), _c(fmt.count(r.fixtures)), _c(fmt.signed_points(r.diff)),
            _c(fmt.points_interval(r.ci_low, r.ci_high)), _c(fmt.p_value(r.p_value)),
            _c(fmt.mde(r.mde), title=fmt.MDE_TOO_LARGE if big else None),
            _c("yes" if r.p_value < 0.05 and r.fixtures >= 2 else "no"),
        ])  # fmt: skip
    notes = [f"MDE {fmt.DASH}: {fmt.MDE_TOO_LARGE}."] if too_large else []
    return Table(
        ["Agent", "Variant A", "Variant B", "Pairs", "Fixtures", "A − B (points)", "95% CI (points)", "p",
         "Smallest detectable (MDE)", "Detectable?"],
        rows, frozenset({3, 4, 5, 6, 7, 8}), notes,
    )  # fmt: skip


def agents_table(report: Report) -> Table:
    a = report.agents
    headers = {"model": "Model", "a": "Variant A", "b": "Variant B", "holds": "Holds under every agent?"}
    return Table([headers.get(c, c) for c in a.columns],
                 [[_c(v) for v in row] for row in a.itertuples(index=False)])  # fmt: skip


def families_table(report: Report, model: str) -> Table:
    """Resolved rate per variant and task family."""
    f = report.families[report.families["model"] == model]
    families = sorted(f["family"].unique())
    rows = []
    for variant, g in f.groupby("variant", sort=True):
        by = g.set_index("family")
        rows.append([_c(variant)] + [
            _c(fmt.pct(by.loc[fam, "rate"]), title=f"{int(by.loc[fam, 'samples'])} samples") if fam in by.index
            else _c(fmt.DASH) for fam in families
        ])  # fmt: skip
    return Table(["Variant", *families], rows, frozenset(range(1, len(families) + 1)))


def tool_use_table(report: Report, model: str) -> Table:
    t = report.tools[report.tools["model"] == model]
    names = [c for c in t.columns if c not in ("model", "variant")]
    rows = [[_c(r["variant"])] + [_c(fmt.decimal(r[n])) for n in names] for _, r in t.iterrows()]
    return Table(["Variant", *names], rows, frozenset(range(1, len(names) + 1)))


def personas_table(report: Report) -> Table:
    p = report.personas
    headers = {"persona": "Persona", "format": "Format", "tools granted": "Tools granted",
               "prompt ≈tokens": "Prompt (≈ tokens)", "claimed skills": "Claimed skills",
               "measured by": "Measured by", "unmeasured claims": "Unmeasured claims",
               "no runtime meaning (ignored)": "Ignored parts (no runtime meaning)", "sha256": "SHA-256"}  # fmt: skip
    rows = [[_c(fmt.count(v) if isinstance(v, (int, float)) else v) for v in row] for row in p.itertuples(index=False)]
    return Table([headers.get(c, c) for c in p.columns], rows, frozenset({3}))


def models(report: Report) -> list[str]:
    return sorted(report.overall["model"].unique()) if not report.overall.empty else []
