"""`evals leaderboard`: tables, paired comparisons and charts from harness logs.

`build_report` computes everything as DataFrames (no I/O); `write_report` renders Markdown,
a self-contained HTML page (charts embedded) and PNG charts.
"""

from __future__ import annotations

import base64
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .claims import persona_claims
from .fixtures import family_names
from .personas import Persona
from .stats import format_p, paired_difference, rate_interval

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


def _overall(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (model, agent, variant), g in df.groupby(["model", "agent", "variant"], sort=True):
        epochs = g["epoch"].nunique()
        est = rate_interval(g["resolved"].to_numpy(), g["fixture"].to_numpy() if epochs > 1 else None)
        costs = g["cost"].dropna()
        rows.append({
            "model": model, "agent": agent, "variant": variant, "samples": len(g),
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
        })  # fmt: skip
    return pd.DataFrame(rows)


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


def _base_variant(variant: str, agent: str) -> str:
    """A variant's name without its agent prefix: `claude-code:backend` -> `backend`."""
    prefix = f"{agent}:"
    return variant[len(prefix):] if variant.startswith(prefix) else variant


def _agent_effects(pairs: pd.DataFrame) -> pd.DataFrame:
    """Does a persona comparison hold under every agent? One row per model and pair of variants
    (named without the agent) compared under two or more agents: each agent's difference."""
    if pairs.empty or pairs["agent"].nunique() < 2:
        return pd.DataFrame()
    named = pairs.assign(
        base_a=[_base_variant(v, g) for v, g in zip(pairs["a"], pairs["agent"])],
        base_b=[_base_variant(v, g) for v, g in zip(pairs["b"], pairs["agent"])],
    )
    rows = []
    for (model, a, b), g in named.groupby(["model", "base_a", "base_b"], sort=True):
        if g["agent"].nunique() < 2:
            continue
        row: dict[str, object] = {"model": model, "a": a, "b": b}
        signs = set()
        for r in g.itertuples():
            row[f"{r.agent}: diff (95% CI)"] = f"{r.diff:+.3f} ({r.ci_low:+.3f} to {r.ci_high:+.3f})"
            row[f"{r.agent}: p"] = format_p(r.p_value)
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
    families = family_names()
    rows = []
    for p in personas.values():
        claims = persona_claims(p, families)
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


def build_report(samples: pd.DataFrame, personas: dict[str, Persona], skipped: list[str] | None = None) -> Report:
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
    return Report(_overall(samples), _families(samples), _tools(samples), pairs,
                  _personas(personas), agents=agents, notes=notes, scripted=scripted)  # fmt: skip


# ---------------------------------------------------------------- rendering


def _pct(x: float) -> str:
    return "-" if pd.isna(x) else f"{x * 100:.1f}%"


def overall_markdown(report: Report) -> str:
    lines = ["| model | agent | variant | resolved | rate (95% CI) | pass rate | infra fail | tokens/sample "
             "| input/sample | output/sample | cache write/sample | cache read/sample | cost "
             "| time/sample | tool calls/sample |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in report.overall.itertuples():
        cost = "-" if pd.isna(r.cost_usd) else f"${r.cost_usd:.4f}"
        n = r.samples or 1
        lines.append(
            f"| {r.model} | {r.agent} | {r.variant} | {r.resolved}/{r.samples} | {_pct(r.rate)} ({_pct(r.ci_low)}–{_pct(r.ci_high)}) "
            f"| {r.pass_rate:.2f} | {r.infra_failures} | {r.tokens_per_sample:,.0f} "
            f"| {r.input_tokens / n:,.0f} | {r.output_tokens / n:,.0f} | {r.cache_write_tokens / n:,.0f} "
            f"| {r.cache_read_tokens / n:,.0f} ({_pct(r.cache_read_share)}) | {cost} "
            f"| {r.time_per_sample_s:.1f} s | {r.tool_calls_per_sample:.1f} |"
        )
    return "\n".join(lines)


def _table_md(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    if df.empty:
        return "_none_"

    def cell(value: object) -> str:
        if isinstance(value, float):
            return "-" if np.isnan(value) else format(value, floatfmt)
        return str(value).replace("|", "\\|")

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def pairs_markdown(report: Report) -> str:
    if report.pairs.empty:
        return "_No two variants ran on the same fixtures of the same model._"
    lines = ["| model | agent | a | b | pairs | diff a−b | paired SE | 95% CI | p | MDE |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report.pairs.itertuples():
        lines.append(
            f"| {r.model} | {r.agent} | {r.a} | {r.b} | {r.pairs} | {r.diff * 100:+.1f} pts | {r.se * 100:.1f} "
            f"| {r.ci_low * 100:+.1f} to {r.ci_high * 100:+.1f} | {format_p(r.p_value)} | {r.mde * 100:.0f} pts |"
        )
    lines.append("")
    lines += [f"- {r.verdict} ({r.model})" for r in report.pairs.itertuples()]
    return "\n".join(lines)


def to_markdown(report: Report) -> str:
    parts = ["# Leaderboard", ""]
    if report.scripted:
        parts += [f"> **{SCRIPTED_NOTE}**", ""]
    parts += ["## Resolved rate by variant", "", overall_markdown(report), "",
              "## Paired differences", "", pairs_markdown(report), "",
              *(["## Does the persona's effect hold in real Claude Code?", "", AGENTS_INTRO, "",
                 _table_md(report.agents), ""] if not report.agents.empty else []),
              "## By task family", "", _table_md(report.families), "",
              "## Tool calls per sample, by tool", "", _table_md(report.tools, ".2f"), "",
              "## The persona documents", "", _table_md(report.personas), "",
              "## Notes", "", *[f"- {n}" for n in report.notes], ""]  # fmt: skip
    return "\n".join(parts)


def charts(report: Report) -> dict[str, bytes]:
    """PNG charts: resolved rate with intervals, per-family rates, tool use."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images: dict[str, bytes] = {}

    def save(fig: object, name: str) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
        plt.close(fig)  # type: ignore[arg-type]
        images[name] = buffer.getvalue()

    o = report.overall
    if not o.empty:
        labels = [f"{v}\n({m})" for m, v in zip(o["model"], o["variant"])]
        fig, ax = plt.subplots(figsize=(max(6, len(o) * 1.1), 4))
        rate = o["rate"].to_numpy() * 100
        err = np.vstack([rate - o["ci_low"].to_numpy() * 100, o["ci_high"].to_numpy() * 100 - rate])
        # a bound equal to the rate can land a rounding error on the wrong side of it (Wilson at 1)
        ax.bar(range(len(o)), rate, yerr=np.clip(np.nan_to_num(err), 0, None), capsize=4, color="#4C72B0")
        ax.set_xticks(range(len(o)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("resolved (%) with 95% CI")
        ax.set_ylim(0, 105)
        ax.set_title("Resolved rate by variant" + (" — scripted models" if report.scripted else ""))
        save(fig, "resolved_rate.png")
    f = report.families
    if not f.empty:
        pivot = f.assign(label=f["variant"] + " (" + f["model"] + ")").pivot_table(
            index="label", columns="family", values="rate")
        fig, ax = plt.subplots(figsize=(max(6, pivot.shape[1] * 1.2), max(3, pivot.shape[0] * 0.5)))
        image = ax.imshow(pivot.to_numpy(dtype=float, na_value=np.nan) * 100, vmin=0, vmax=100, cmap="viridis", aspect="auto")
        ax.set_xticks(range(pivot.shape[1]), pivot.columns, rotation=30, ha="right", fontsize=8)
        ax.set_yticks(range(pivot.shape[0]), pivot.index, fontsize=8)
        fig.colorbar(image, ax=ax, label="resolved (%)")
        ax.set_title("Resolved rate by task family")
        save(fig, "families.png")
    t = report.tools
    if not t.empty and t.shape[1] > 2:
        names = [c for c in t.columns if c not in ("model", "variant")]
        fig, ax = plt.subplots(figsize=(max(6, len(t) * 1.1), 4))
        bottom = np.zeros(len(t))
        for name in names:
            ax.bar(range(len(t)), t[name], bottom=bottom, label=name)
            bottom += t[name].to_numpy()
        ax.set_xticks(range(len(t)), [f"{v}\n({m})" for m, v in zip(t["model"], t["variant"])],
                      rotation=30, ha="right", fontsize=8)  # fmt: skip
        ax.set_ylabel("tool calls per sample")
        ax.legend(fontsize=7, ncol=2)
        ax.set_title("Which tools each variant used")
        save(fig, "tool_calls.png")
    return images


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Leaderboard</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3} .note{background:#fff4d6;border-left:4px solid #e0a800;padding:8px 12px}
img{max-width:100%;border:1px solid #eee;margin:8px 0}
</style></head><body>
<h1>Leaderboard</h1>
{% if scripted %}<p class="note"><b>{{ scripted_note }}</b></p>{% endif %}
<h2>Resolved rate by variant</h2>{{ overall }}
{% for name, data in images %}<img alt="{{ name }}" src="data:image/png;base64,{{ data }}">{% endfor %}
<h2>Paired differences</h2>{{ pairs }}
<ul>{% for sentence in sentences %}<li>{{ sentence }}</li>{% endfor %}</ul>
{% if agents %}<h2>Does the persona's effect hold in real Claude Code?</h2><p>{{ agents_intro }}</p>{{ agents }}{% endif %}
<h2>By task family</h2>{{ families }}
<h2>Tool calls per sample, by tool</h2>{{ tools }}
<h2>The persona documents</h2>{{ personas }}
<h2>Notes</h2><ul>{% for n in notes %}<li>{{ n }}</li>{% endfor %}</ul>
</body></html>"""


def to_html(report: Report, images: dict[str, bytes]) -> str:
    from jinja2 import Environment

    def table(df: pd.DataFrame) -> str:
        return "<p><i>none</i></p>" if df.empty else df.to_html(index=False, float_format=lambda x: f"{x:.3f}", border=0)

    template = Environment(autoescape=False).from_string(_HTML)
    return template.render(
        scripted=report.scripted, scripted_note=SCRIPTED_NOTE, overall=table(report.overall),
        images=[(n, base64.b64encode(b).decode()) for n, b in images.items()],
        pairs=table(report.pairs.drop(columns=["verdict"], errors="ignore")),
        sentences=[f"{r.verdict} ({r.model})" for r in report.pairs.itertuples()],
        families=table(report.families), tools=table(report.tools), personas=table(report.personas),
        notes=report.notes, agents=None if report.agents.empty else table(report.agents),
        agents_intro=AGENTS_INTRO,
    )  # fmt: skip


def write_report(report: Report, out_dir: Path) -> list[Path]:
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
