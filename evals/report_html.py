"""The report as one self-contained HTML page (`leaderboard.html`): no request leaves it, charts
are embedded PNGs, tables come from `report_tables` and text written in Markdown (notes) is
rendered by markdown-it, so no Markdown syntax reaches the page."""

from __future__ import annotations

import base64
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import report_tables as rt
from .comparisons import KINDS, agent_key
from .leaderboard import AGENTS_INTRO, SCRIPTED_NOTE
from .outcome_grid import INFRA, RESOLVED, UNINFORMATIVE, UNRESOLVED, shares

if TYPE_CHECKING:
    from .leaderboard import Report

CSS_CLASS = {RESOLVED: "resolved", UNRESOLVED: "unresolved", INFRA: "infra"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def inline_markdown(text: str) -> Markup:
    """`code`, **bold** and links as HTML; raw HTML in the text is escaped, not passed on."""
    return Markup(_markdown().renderInline(text))


def _cell_html(cell: rt.Cell) -> Markup:
    title = Markup(f' title="{escape(cell.title)}"') if cell.title else Markup("")
    if cell.href:
        return Markup(f'<a href="{escape(cell.href)}"{title}>{escape(cell.text)}</a>')
    if cell.links:
        items = Markup(" · ").join(Markup(f'<a href="{escape(u)}">{escape(label)}</a>') for label, u in cell.links)
        return Markup(f"<details><summary>{escape(cell.text)}</summary>{items}</details>")
    return Markup(f"<span{title}>{escape(cell.text)}</span>") if cell.title else escape(cell.text)


def table_html(table: rt.Table) -> Markup:
    if not table.rows:
        return Markup("<p><i>none</i></p>")
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in table.numeric else ""}>{_cell_html(c)}</td>'
                         for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )  # fmt: skip
    notes = "".join(f'<p class="footnote">{escape(n)}</p>' for n in table.footnotes)
    return Markup(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}")


def _meta(report: Report) -> str:
    o = report.outcomes
    if o.empty:
        return ""
    fixtures = o[["family", "fixture"]].drop_duplicates()
    parts = [f"{len(o):,} samples", f"{len(fixtures):,} fixtures in {o['family'].nunique()} "
             f"{'family' if o['family'].nunique() == 1 else 'families'}",
             f"{o['epoch'].nunique()} {'epoch' if o['epoch'].nunique() == 1 else 'epochs'}",
             f"{o['variant'].nunique()} variants", "agents: " + ", ".join(sorted(o["agent"].unique(), key=agent_key)),
             "models: " + ", ".join(sorted(o["model"].unique()))]  # fmt: skip
    return " · ".join(parts)


def _answer(report: Report) -> list[dict[str, object]]:
    groups: list[dict[str, object]] = []
    for c in report.answer:
        title = f"{c.model} · {c.agent}"
        if not groups or groups[-1]["title"] != title:
            groups.append({"title": title, "lines": []})
        groups[-1]["lines"].append({"kind": KINDS[c.kind], "line": c.line(), "detectable": c.detectable})  # type: ignore[attr-defined]
    return groups


def to_html(report: Report, images: dict[str, bytes]) -> str:
    from jinja2 import Environment

    template = resources.files("evals").joinpath("templates/leaderboard.html").read_text()
    env = Environment(autoescape=True)
    b64 = {name: base64.b64encode(data).decode() for name, data in images.items()}
    models = rt.models(report)
    return env.from_string(template).render(
        meta=_meta(report), scripted=report.scripted, scripted_note=inline_markdown(SCRIPTED_NOTE),
        viewer=report.viewer, answer=_answer(report), forest=b64.get("forest.png"),
        variant_tables=[(m, rt.variant_table(report, m), rt.usage_table(report, m)) for m in models],
        grids=report.grids, uninformative=inline_markdown(UNINFORMATIVE), shares=shares, css=CSS_CLASS, tools_label=rt.tools_label,
        pair_tables=[(m, rt.pairs_table(report, m)) for m in models if (report.pairs.get("model", []) == m).any()]
        if not report.pairs.empty else [],
        agents=None if report.agents.empty else rt.agents_table(report), agents_intro=inline_markdown(AGENTS_INTRO),
        families_png=b64.get("families.png"), family_tables=[(m, rt.families_table(report, m)) for m in models],
        tools_png=b64.get("tool_calls.png"), tool_tables=[(m, rt.tool_use_table(report, m)) for m in models],
        rate_png=b64.get("resolved_rate.png"), personas=rt.personas_table(report),
        notes=[inline_markdown(n) for n in report.notes], render=table_html,
    )  # fmt: skip
