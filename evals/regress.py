"""`evals regress`: is a candidate persona significantly worse than the baseline? (CI gate)

One-sided paired test over the same (model, family, fixture, epoch): the per-fixture mean
differences candidate − baseline are tested against 0 (t-test, clustered by fixture). The gate
fires when p < alpha AND the drop is at least `min_effect`. Pairs where either side had an
infrastructure failure are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import HarnessError
from .stats import PairedDifference, format_p, paired_difference

KEY = ["model", "family", "fixture", "epoch"]


class GateInputError(HarnessError):
    """The two log sets cannot be compared (exit code 2)."""


@dataclass(frozen=True)
class GateResult:
    fired: bool
    model: str
    baseline_variant: str
    candidate_variant: str
    baseline_rate: float
    candidate_rate: float
    diff: PairedDifference
    alpha: float
    min_effect: float
    dropped: int
    """pairs left out for infrastructure failures"""


def _one_variant(df: pd.DataFrame, variant: str | None, side: str) -> pd.DataFrame:
    variants = sorted(df["variant"].unique())
    if variant is not None:
        if variant not in variants:
            raise GateInputError(f"--variant {variant!r}: the {side} logs have no such variant (they have: {', '.join(variants)})")
        return df[df["variant"] == variant]
    if len(variants) != 1:
        raise GateInputError(
            f"{side} logs hold {len(variants)} variants ({', '.join(variants)}): choose one with --variant"
        )
    return df


def gate(
    baseline: pd.DataFrame, candidate: pd.DataFrame, alpha: float = 0.05, min_effect: float = 0.0,
    variant: str | None = None, candidate_variant: str | None = None,
) -> list[GateResult]:
    """One result per model present on both sides."""
    base = _one_variant(baseline, variant, "baseline")
    cand = _one_variant(candidate, candidate_variant or variant, "candidate")
    merged = base.merge(cand, on=KEY, suffixes=("_b", "_c"))
    if merged.empty:
        raise GateInputError(
            "baseline and candidate share no (model, family, fixture, epoch): "
            f"baseline models {sorted(base['model'].unique())}, candidate models {sorted(cand['model'].unique())}"
        )
    results = []
    for model, g in merged.groupby("model", sort=True):
        clean = g[~(g["infra_b"] | g["infra_c"])]
        diff = paired_difference(
            clean["resolved_c"].to_numpy(), clean["resolved_b"].to_numpy(),
            np.array([f"{f}/{x}" for f, x in zip(clean["family"], clean["fixture"])]),
        )  # fmt: skip
        fired = bool(diff.p_less < alpha and diff.mean_diff <= -min_effect)
        results.append(GateResult(
            fired, str(model), str(g["variant_b"].iloc[0]), str(g["variant_c"].iloc[0]),
            float(clean["resolved_b"].mean()) if len(clean) else float("nan"),
            float(clean["resolved_c"].mean()) if len(clean) else float("nan"),
            diff, alpha, min_effect, len(g) - len(clean),
        ))  # fmt: skip
    return results


def markdown(results: list[GateResult]) -> str:
    worse = any(r.fired for r in results)
    head = "❌ **The candidate persona is significantly worse than the baseline.**" if worse else \
        "✅ **The candidate persona is not significantly worse than the baseline.**"
    lines = ["### Persona regression gate", "", head, "",
             "| model | baseline | candidate | resolved (base → cand) | difference | 95% CI | one-sided p | fixtures × epochs | verdict |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        d = r.diff
        lines.append(
            f"| {r.model} | {r.baseline_variant} | {r.candidate_variant} | {r.baseline_rate:.1%} → {r.candidate_rate:.1%} "
            f"| {d.mean_diff * 100:+.1f} pts | {d.low * 100:+.1f} to {d.high * 100:+.1f} | {format_p(d.p_less)} "
            f"| {d.n_fixtures} fixtures, {d.n_pairs} pairs | {'worse' if r.fired else 'ok'} |"
        )
    r0 = results[0]
    lines += ["", f"Gate: fires when the one-sided p-value < {r0.alpha} and the drop is at least "
              f"{r0.min_effect * 100:.0f} points. Differences under about {r0.diff.mde * 100:.0f} points "
              "cannot be detected at this sample size."]  # fmt: skip
    dropped = sum(r.dropped for r in results)
    if dropped:
        lines.append(f"{dropped} pair(s) with an infrastructure failure were left out.")
    if any(r.model.startswith("replay/") for r in results):
        lines.append("Scripted models (replay/*): this demonstrates the gate, not a model result.")
    return "\n".join(lines) + "\n"
