"""The report as Markdown (`leaderboard.md`, and what `evals leaderboard` prints): the answer
first, then the tables of `report_tables`, cells drawn as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import report_tables as rt
from .comparisons import KINDS
from .leaderboard import AGENTS_INTRO, SCRIPTED_NOTE
from .outcome_grid import INFRA, RESOLVED, UNINFORMATIVE, shares

if TYPE_CHECKING:
    from .leaderboard import Report

SYMBOL = {RESOLVED: "✓", INFRA: "!"}
"""Per epoch in the Markdown grid: ✓ resolved, · unresolved, ! infrastructure failure."""


def _cell(cell: rt.Cell) -> str:
    text = cell.text.replace("|", "\\|")
    if cell.href:
        return f"[{text}]({cell.href})"
    if cell.links:
        return ", ".join(f"[{label}]({url})" for label, url in cell.links)
    return text


def table_markdown(table: rt.Table) -> str:
    if not table.rows:
        return "_none_"
    lines = ["| " + " | ".join(table.headers) + " |",
             "|" + "".join("---:|" if i in table.numeric else "---|" for i in range(len(table.headers)))]  # fmt: skip
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    lines += [f"\n{n}" for n in table.footnotes]
    return "\n".join(lines)


def answer_markdown(report: Report) -> str:
    """The headline comparisons, grouped by model and agent, one line each."""
    found = report.answer
    if not found:
        return "_No two personas ran on the same fixtures of the same model and agent._"
    lines: list[str] = []
    group = None
    for c in found:
        if (c.model, c.agent) != group:
            group = (c.model, c.agent)
            lines += ["" if lines else "", f"**{c.model} · {c.agent}**", ""]
        lines.append(f"- {KINDS[c.kind]}: {c.line()}")
    return "\n".join(lines).strip()


def overall_markdown(report: Report) -> str:
    return "\n\n".join(
        (f"**{m}**\n\n" if len(rt.models(report)) > 1 else "") + table_markdown(rt.variant_table(report, m))
        for m in rt.models(report)
    )


def usage_markdown(report: Report) -> str:
    return "\n\n".join(table_markdown(rt.usage_table(report, m)) for m in rt.models(report))


def pairs_markdown(report: Report) -> str:
    if report.pairs.empty:
        return "_No two variants ran on the same fixtures of the same model._"
    return "\n\n".join(table_markdown(rt.pairs_table(report, m)) for m in rt.models(report) if
                       (report.pairs["model"] == m).any())  # fmt: skip


def _epochs(cell: tuple, squares: bool) -> str:
    """✓✓· for few epochs; "37 ✓ · 160 · · 11 !" (counts) for many."""
    if not cell:
        return "—"
    if squares:
        return "".join(SYMBOL.get(e.outcome, "·") for e in cell)
    return " ".join(f"{s.count} {SYMBOL.get(s.outcome, '·')}" for s in shares(cell))


def grid_markdown(report: Report) -> str:
    parts = []
    for g in report.grids:
        headers = ["Fixture", *[f"{p} / {rt.tools_label(t, g.agent)}" for _, p, t in g.variants], "Fixture tells variants apart?"]
        rows = [[rt.Cell(f"{r.family}/{r.fixture}"),
                 *[rt.Cell(_epochs(cell, g.squares)) for cell in r.cells],
                 rt.Cell(r.kind)] for r in g.rows]  # fmt: skip
        parts += [f"**{g.model} · {g.agent}** — {g.summary()} Per epoch: ✓ resolved, · unresolved, "
                  "! infrastructure failure; columns are prompt / tools.", "",
                  table_markdown(rt.Table(headers, rows))]  # fmt: skip
    return "\n\n".join(parts) or "_none_"


def uninformative_markdown(report: Report) -> str:
    """Per model and agent, the fixtures that cannot tell its variants apart, by kind."""
    lines = []
    for g in report.grids:
        flat = g.uninformative()
        found = "; ".join(f"{kind} ({len(names)}): {', '.join(names)}" for kind, names in flat.items())
        lines.append(f"- **{g.model} · {g.agent}** — {found or 'none: every fixture had differing outcomes'}")
    return "\n".join(lines) or "_none_"


def to_markdown(report: Report) -> str:
    parts = ["# Leaderboard", ""]
    if report.scripted:
        parts += [f"> **{SCRIPTED_NOTE}**", ""]
    if report.viewer is not None:
        parts += [f"Transcripts: start Inspect's viewer with `{report.viewer.command()}`; the links "
                  f"below open there ({report.viewer.url}).", ""]  # fmt: skip
    parts += ["## The answer", "", answer_markdown(report), "",
              "## Resolved rate by variant", "", overall_markdown(report), "",
              "## Fixtures × variants", "", grid_markdown(report), "",
              "## Fixtures that cannot tell variants apart", "", UNINFORMATIVE, "", uninformative_markdown(report), "",
              "## Tokens, cost and tool calls", "", usage_markdown(report), "",
              "## All paired differences", "", pairs_markdown(report), "",
              *(["## Does the persona's effect hold in real Claude Code?", "", AGENTS_INTRO, "",
                 table_markdown(rt.agents_table(report)), ""] if not report.agents.empty else []),
              "## By task family", "",
              *[table_markdown(rt.families_table(report, m)) + "\n" for m in rt.models(report)],
              "## Tool calls per sample, by tool", "",
              *[table_markdown(rt.tool_use_table(report, m)) + "\n" for m in rt.models(report)],
              "## The persona documents", "", table_markdown(rt.personas_table(report)), "",
              "## Notes", "", *[f"- {n}" for n in report.notes], ""]  # fmt: skip
    return "\n".join(parts)
