"""The report's PNG charts (matplotlib, Agg): embedded in the HTML page and written beside it.

* `forest.png` — the headline paired differences: point and 95% interval per comparison, the
  zero line, and the band of differences smaller than the run could detect (±MDE);
* `resolved_rate.png` — resolved rate per variant with its interval;
* `families.png` — resolved rate per variant and task family;
* `tool_calls.png` — which tools each variant used.

Why PNG and not an interactive library: the page must open offline from one file, and
inspect-viz (Inspect's own charts) loads its Mosaic runtime from a CDN.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np

from .comparisons import KINDS, Comparison

if TYPE_CHECKING:
    from .leaderboard import Report

DPI = 110
SIGNIFICANT, NOT_SIGNIFICANT, BAND = "#1f5fa8", "#8a8a8a", "#e9e9e9"


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


SHORT = {"persona": "Persona", "prompt": "Prompt", "tools": "Tools", "control": "vs none"}
"""Row labels of the forest plot, by comparison kind."""


def _label(c: Comparison) -> str:
    """"Prompt, with backend's tools: backend − backend-developer" (more − fewer)."""
    def name(side: str) -> str:
        return side.removeprefix("the ").removesuffix(" prompt").removesuffix("'s tools")

    held = f", {c.context}" if c.context else ""
    return f"{SHORT[c.kind]}{held}:  {name(c.more)} − {name(c.fewer)}"


def forest(found: list[Comparison], scripted: bool = False) -> bytes:
    """Paired differences as a forest plot in points, one panel per model and agent, each
    difference oriented as the answer states it (the side resolving more first), with the ±MDE
    band of each row shaded: an interval inside it is below what the run can detect."""
    import matplotlib.pyplot as plt

    groups: dict[tuple[str, str], list[Comparison]] = {}
    for c in found:
        groups.setdefault((c.model, c.agent), []).append(c)
    rows = [len(g) for g in groups.values()]
    fig, axes = plt.subplots(len(groups), 1, figsize=(11, 0.9 + 0.36 * sum(rows) + 0.5 * len(groups)),
                             sharex=True, squeeze=False, gridspec_kw={"height_ratios": rows})  # fmt: skip
    lows = [c.low * 100 for c in found if np.isfinite(c.low)] or [-10.0]
    highs = [c.high * 100 for c in found if np.isfinite(c.high)] or [10.0]
    span = max(10.0, min(100.0, max(abs(min(lows)), abs(max(highs))) * 1.15))
    for ax, ((model, agent), group) in zip(axes[:, 0], groups.items()):
        ys = np.arange(len(group))[::-1]
        for y, c in zip(ys, group):
            mde = min(c.mde, 1.0) * 100 if np.isfinite(c.mde) else 100.0
            ax.add_patch(plt.Rectangle((-mde, y - 0.34), 2 * mde, 0.68, color=BAND, zorder=0, lw=0))
            colour = SIGNIFICANT if c.detectable else NOT_SIGNIFICANT
            ax.plot([c.low * 100, c.high * 100], [y, y], color=colour, lw=2.2, zorder=2)
            ax.plot([c.diff * 100], [y], "o", color=colour, ms=7, zorder=3)
        ax.axvline(0, color="#333", lw=1, zorder=1)
        ax.set_yticks(ys, [_label(c) for c in group], fontsize=9)
        ax.set_ylim(-0.6, len(group) - 0.4)
        ax.set_xlim(-span, span)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_title(f"{model} · {agent}", fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("difference in resolved rate, percentage points, with 95% CI (blue: detectable at 5%); "
                           "grey band ±MDE: smaller than this run detects reliably (80% power)", fontsize=9)  # fmt: skip
    if scripted:
        fig.suptitle("scripted models", fontsize=9)
    fig.tight_layout()
    return _png(fig)


def charts(report: Report) -> dict[str, bytes]:
    """Every chart the report has data for, by file name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images: dict[str, bytes] = {}
    found = report.answer
    if found:
        images["forest.png"] = forest(found, report.scripted)
    o = report.overall
    several = o["model"].nunique() > 1 if not o.empty else False

    def label(model: str, variant: str, sep: str = "\n") -> str:
        """The variant, and its model only when the report has several."""
        return f"{variant}{sep}({model})" if several else variant

    if not o.empty:
        labels = [label(m, v) for m, v in zip(o["model"], o["variant"])]
        fig, ax = plt.subplots(figsize=(max(6, len(o) * 0.8), 4))
        rate = o["rate"].to_numpy() * 100
        err = np.vstack([rate - o["ci_low"].to_numpy() * 100, o["ci_high"].to_numpy() * 100 - rate])
        # a bound equal to the rate can land a rounding error on the wrong side of it (Wilson at 1)
        ax.bar(range(len(o)), rate, yerr=np.clip(np.nan_to_num(err), 0, None), capsize=4, color="#4C72B0")
        ax.set_xticks(range(len(o)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("resolved (%) with 95% CI")
        ax.set_ylim(0, 105)
        ax.set_title("Resolved rate by variant" + (" — scripted models" if report.scripted else ""))
        images["resolved_rate.png"] = _png(fig)
    f = report.families
    if not f.empty:
        pivot = f.assign(label=[label(m, v, " ") for m, v in zip(f["model"], f["variant"])]).pivot_table(
            index="label", columns="family", values="rate")
        fig, ax = plt.subplots(figsize=(max(6, pivot.shape[1] * 1.2), max(3, pivot.shape[0] * 0.4)))
        values = pivot.to_numpy(dtype=float, na_value=np.nan) * 100
        image = ax.imshow(values, vmin=0, vmax=100, cmap="viridis", aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.0f}%", ha="center", va="center", fontsize=7,
                        color="white" if v < 60 else "black")  # fmt: skip
        ax.set_xticks(range(pivot.shape[1]), pivot.columns, rotation=30, ha="right", fontsize=8)
        ax.set_yticks(range(pivot.shape[0]), pivot.index, fontsize=8)
        fig.colorbar(image, ax=ax, label="resolved (%)")
        ax.set_title("Resolved rate by task family")
        images["families.png"] = _png(fig)
    t = report.tools
    if not t.empty and t.shape[1] > 2:
        names = [c for c in t.columns if c not in ("model", "variant")]
        fig, ax = plt.subplots(figsize=(max(6, len(t) * 0.8), 4))
        bottom = np.zeros(len(t))
        for name in names:
            ax.bar(range(len(t)), t[name], bottom=bottom, label=name)
            bottom += t[name].to_numpy()
        ax.set_xticks(range(len(t)), [label(m, v) for m, v in zip(t["model"], t["variant"])],
                      rotation=30, ha="right", fontsize=8)  # fmt: skip
        ax.set_ylabel("tool calls per sample")
        ax.legend(fontsize=7, ncol=2)
        ax.set_title("Which tools each variant used")
        images["tool_calls.png"] = _png(fig)
    return images
