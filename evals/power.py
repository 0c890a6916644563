"""How small a difference between two personas can the suite detect? (`evals power`)

The harness compares two variants with a paired t-test on per-fixture mean differences
(`stats.paired_difference`: one value per fixture, the mean over its epochs of a − b; fixtures
are the clusters). This module answers, before a run is paid for, the question that test's MDE
answers after it: the smallest true difference in resolved rate found with 80% power at 5%
two-sided, for the suite's fixtures at K epochs.

The model. Fixture i has a solve rate p_i; the two variants straddle it, a_i = clip(p_i + s/2)
and b_i = clip(p_i − s/2) (a shift s of the solve probability, clipped to [0, 1], so a fixture
every variant solves cannot move further); each epoch is an independent draw. Then the
per-fixture difference d_i has mean mu_i = a_i − b_i and variance (a_i(1−a_i) + b_i(1−b_i)) / K.
Fixtures' rates come from a distribution (a prior, or the rates a real run measured), so the
d_i are independent with mean m = E[mu] (the difference in resolved rate the test sees) and
variance sigma² = Var(mu) + E[a(1−a) + b(1−b)] / K. The t statistic is then noncentral t with
n − 1 degrees of freedom and noncentrality m·√n / sigma (exact for normal d_i; for these
discrete ones `tests/test_power.py` checks it against a simulation of `paired_difference`).
The MDE is the m at which that power is 80%, found by root-finding over s. At one epoch (d_i is
−1, 0 or +1) the t-test's true power there is about 79%, at 3 and 5 epochs 80% (100,000
simulated runs): close enough to print as the 80% point.

Why not `stats.minimum_detectable_effect` alone: it needs the standard error, which here
depends on the difference itself (clipping, and the variance of a shifted rate); solving for
the power directly gives that standard error at the difference it is for. The two agree to a
fraction of a point (checked in the test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps

from .stats import LEVEL, POWER

PRIOR = (1.0, 1.0)
"""Beta(1, 1): every solve rate from 0 to 1 equally likely, before any run has been seen.

Why this prior: the fixtures are validated to discriminate (a reference fix resolves, a
wrong fix does not), which says nothing about how often an agent solves them, so no rate is
favoured. It puts more fixtures mid-way than real runs tend to (per-fixture rates of agents
pile up near 0 and 1), i.e. more epoch-to-epoch noise; `--from LOGS` replaces it with the
rates a run measured."""
BINS = 2000
"""Quadrature bins for a Beta prior (the MDE moves by under 0.01 points beyond this)."""


@dataclass(frozen=True)
class Rates:
    """A distribution of per-fixture solve rates: points and their weights (summing to 1)."""

    points: np.ndarray
    weights: np.ndarray
    source: str
    """what the rates are, in words (printed with the table)"""


@dataclass(frozen=True)
class Detectable:
    epochs: int
    fixtures: int
    difference: float
    """the MDE: difference in resolved rate (0–1) detected with the chosen power"""
    shift: float
    """the shift of each fixture's solve probability that gives it (larger, for the clipping)"""
    sd: float
    """standard deviation of a fixture's mean difference at that shift"""

    @property
    def samples(self) -> int:
        """samples one comparison costs: two variants × fixtures × epochs"""
        return 2 * self.fixtures * self.epochs


def beta_prior(a: float = PRIOR[0], b: float = PRIOR[1], bins: int = BINS) -> Rates:
    """A Beta(a, b) prior as quadrature: each bin's probability at its conditional mean (so a
    U-shaped prior's mass at the ends is kept)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    weights = np.diff(sps.beta.cdf(edges, a, b))
    # E[p | bin] = a/(a+b) · P_{a+1,b}(bin) / P_{a,b}(bin)
    upper = np.diff(sps.beta.cdf(edges, a + 1, b)) * a / (a + b)
    points = np.where(weights > 0, upper / np.where(weights > 0, weights, 1.0), (edges[:-1] + edges[1:]) / 2)
    label = "uniform, Beta(1, 1)" if (a, b) == (1.0, 1.0) else f"Beta({a:g}, {b:g})"
    return Rates(np.clip(points, 0.0, 1.0), weights / weights.sum(), f"per-fixture solve rates from a prior, {label}")


def suite_rates(suite: list[str], measured: dict[str, float], source: str) -> Rates:
    """Rates for the suite's fixtures from a run: a fixture the run measured has its own rate;
    one it did not gets the distribution of the measured ones (so a run of part of the suite, or
    of other fixtures, still speaks for the rest)."""
    if not measured:
        raise ValueError("no measured rates")
    pool = np.array(list(measured.values()), dtype=float)
    known = [measured[f] for f in suite if f in measured]
    unknown = len(suite) - len(known)
    if not unknown:
        return Rates(np.array(known, dtype=float), np.full(len(known), 1 / len(known)), source)
    points = np.concatenate([np.array(known, dtype=float), pool])
    weights = np.concatenate([np.ones(len(known)), np.full(len(pool), unknown / len(pool))])
    return Rates(points, weights / weights.sum(), source)


def shifted(p: np.ndarray, shift: float) -> tuple[np.ndarray, np.ndarray]:
    """The two variants' solve rates around p, `shift` apart before clipping to [0, 1]."""
    return np.clip(p + shift / 2, 0.0, 1.0), np.clip(p - shift / 2, 0.0, 1.0)


def moments(rates: Rates, shift: float, epochs: int) -> tuple[float, float]:
    """Mean and standard deviation of one fixture's mean difference a − b over `epochs`."""
    a, b = shifted(rates.points, shift)
    mu = a - b
    w = rates.weights
    mean = float(w @ mu)
    between = float(w @ (mu - mean) ** 2)
    within = float(w @ (a * (1 - a) + b * (1 - b))) / epochs
    return mean, float(np.sqrt(between + within))


def power_at(rates: Rates, shift: float, epochs: int, fixtures: int, level: float = LEVEL) -> float:
    """Chance that the two-sided paired t-test over `fixtures` rejects at this shift."""
    if fixtures < 2:
        return float("nan")
    mean, sd = moments(rates, shift, epochs)
    if sd == 0:
        return 1.0 if mean != 0 else 1 - level
    df = fixtures - 1
    crit = float(sps.t.ppf(0.5 + level / 2, df))
    ncp = abs(mean) * np.sqrt(fixtures) / sd
    if ncp > crit + 10:  # scipy's noncentral t gives NaN far out; the power there is 1 to 1e-9
        return 1.0
    # rejections on the wrong side: under 1e-6 once ncp > crit + 4 (where scipy can give NaN)
    wrong_side = float(sps.nct.cdf(-crit, df, ncp)) if ncp < crit + 4 else 0.0
    return float(sps.nct.sf(crit, df, ncp)) + wrong_side


def detectable(rates: Rates, epochs: int, fixtures: int, level: float = LEVEL, power: float = POWER) -> Detectable:
    """The smallest difference in resolved rate detected with `power` (NaN below 2 fixtures,
    where the test cannot run)."""
    nan = float("nan")
    if fixtures < 2:
        return Detectable(epochs, fixtures, nan, nan, nan)
    top = 2.0  # every a = 1, every b = 0: the largest difference there is
    if power_at(rates, top, epochs, fixtures, level) < power:
        return Detectable(epochs, fixtures, nan, nan, nan)
    shift = float(optimize.brentq(lambda s: power_at(rates, s, epochs, fixtures, level) - power,
                                  1e-9, top, xtol=1e-7))  # fmt: skip
    mean, sd = moments(rates, shift, epochs)
    return Detectable(epochs, fixtures, mean, shift, sd)


def comparison_cost(cost_per_sample: float, fixtures: int, epochs: int) -> float:
    """Dollars for one comparison: two variants × fixtures × epochs samples."""
    return 2 * fixtures * epochs * cost_per_sample


# ---------------------------------------------------------------------------- from a run's logs


@dataclass(frozen=True)
class RunFacts:
    """What `--from LOGS` takes from a run: per-fixture rates, and what a sample cost."""

    rates: dict[str, float]
    """"family/fixture" -> resolved rate pooled over every variant, model and epoch"""
    variants: int
    models: int
    samples: int
    other_families: bool
    """the run had none of the chosen families: its rates for others stand in"""
    tokens_per_sample: float
    cost_per_sample: float | None
    """None when a model of the run has no price"""
    unpriced: tuple[str, ...]


def run_facts(samples: pd.DataFrame, families: list[str] | None = None) -> RunFacts:
    """Per-fixture solve rates pooled over the run's variants (the midpoint the two compared
    variants straddle), infrastructure failures left out as the paired test leaves them out;
    tokens and cost per sample over every sample (failures cost too)."""
    chosen = samples if not families else samples[samples["family"].isin(families)]
    other_families = chosen.empty
    if other_families:
        chosen = samples  # the run has none of the chosen families: its rates stand in (said in the output)
    scored = chosen[~chosen["infra"].astype(bool)]
    keys = scored["family"].astype(str) + "/" + scored["fixture"].astype(str)
    rates = scored["resolved"].astype(float).groupby(keys).mean()
    costs = chosen["cost"]
    unpriced = tuple(sorted(chosen.loc[costs.isna(), "model"].astype(str).unique()))
    return RunFacts(
        rates={str(k): float(v) for k, v in rates.items()},
        variants=int(chosen["variant"].nunique()),
        models=int(chosen["model"].nunique()),
        samples=len(chosen),
        other_families=other_families,
        tokens_per_sample=float(chosen["total_tokens"].mean()),
        cost_per_sample=None if unpriced else float(costs.astype(float).mean()),
        unpriced=unpriced,
    )


# ---------------------------------------------------------------------------- what the command prints

EPOCHS = (1, 3, 5)
TEST = "paired t-test on per-fixture mean differences (as `evals regress` and the leaderboard test)"
MODEL = ("the two variants are a shift of each fixture's solve probability apart (clipped to 0–1), "
         "epochs independent")  # fmt: skip


def summary(rates: Rates, fixtures: int, families: int, epochs: tuple[int, ...], run: RunFacts | None = None,
            level: float = LEVEL, power: float = POWER) -> dict[str, object]:
    """Everything the command prints, as plain data (its `--json`)."""
    rows = []
    for k in epochs:
        d = detectable(rates, k, fixtures, level, power)
        cost = None if run is None or run.cost_per_sample is None else comparison_cost(run.cost_per_sample, fixtures, k)
        rows.append({"epochs": k, "samples": d.samples, "mde": d.difference, "shift": d.shift, "sd": d.sd, "cost": cost})
    return {
        "fixtures": fixtures, "families": families, "rates": rates.source, "test": TEST, "model": MODEL,
        "alpha": round(1 - level, 10), "power": power,
        "tokens_per_sample": None if run is None else run.tokens_per_sample,
        "cost_per_sample": None if run is None else run.cost_per_sample,
        "unpriced": [] if run is None else list(run.unpriced),
        "rows": rows,
    }  # fmt: skip


def cost_note(result: dict[str, object]) -> str:
    """Why the cost column is what it is, in one sentence."""
    if result["tokens_per_sample"] is None:
        return "Cost of a comparison: needs --from LOGS (a run's measured tokens per sample)."
    if result["unpriced"]:
        return (f"Cost of a comparison: no price for {', '.join(result['unpriced'])} (add it to prices.yaml "  # type: ignore[arg-type]
                "or give --prices FILE).")
    from . import formatting as fmt

    return (f"Cost of a comparison: 2 variants × fixtures × epochs samples at the run's "
            f"{fmt.count(result['tokens_per_sample'])} tokens per sample "  # type: ignore[arg-type]
            f"({fmt.dollars(result['cost_per_sample'])} per sample, from the price table).")  # type: ignore[arg-type]


def headline(result: dict[str, object]) -> str:
    """The sentence above the table: what is computed, for which suite, from which rates."""
    return (f"{result['fixtures']} fixtures in {result['families']} "
            f"{'family' if result['families'] == 1 else 'families'}; {result['rates']}; {result['model']}. "
            f"Smallest difference in resolved rate detected with {result['power']:.0%} power at "
            f"{result['alpha']:g} two-sided by the {TEST}.")  # fmt: skip


def power_markdown(result: dict[str, object]) -> str:
    """The headline, then one table row per epoch count (the README's table)."""
    from . import formatting as fmt

    priced = result["cost_per_sample"] is not None
    lines = [headline(result), "",
             "| epochs | samples per comparison | smallest detectable difference | shift of each fixture's solve rate |"
             + (" cost of a comparison |" if priced else ""),
             "|---:|---:|---:|---:|" + ("---:|" if priced else "")]  # fmt: skip
    for r in result["rows"]:  # type: ignore[attr-defined]
        cells = [str(r["epochs"]), fmt.count(r["samples"]), _points(r["mde"]), _points(r["shift"])]
        if priced:
            cells.append(fmt.dollars(r["cost"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _points(x: float) -> str:
    from . import formatting as fmt

    return "over 100 points" if fmt.missing(x) else fmt.points(x)
