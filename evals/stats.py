"""Statistics for comparing variants: pure functions on arrays, checked against direct sums.

* `rate_interval` — a resolved rate with its 95% interval: Wilson's interval when every fixture
  ran once; with several epochs, a cluster-robust interval (fixtures are the clusters, since
  epochs of one fixture are not independent).
* `paired_difference` — the mean difference between two variants over the same
  (fixture, epoch) pairs, with its paired standard error (clustered by fixture), interval,
  p-value and the minimum detectable effect for this many fixtures.

Tests are paired t-tests on per-fixture mean differences (one cluster, one value), which is
what makes them valid with repeated epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.regression.linear_model import OLS
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

LEVEL = 0.95
POWER = 0.80


@dataclass(frozen=True)
class RateEstimate:
    n: int
    clusters: int
    mean: float
    se: float
    low: float
    high: float
    method: str


def rate_interval(
    values: np.ndarray | list[float], clusters: np.ndarray | list[str] | None = None,
    level: float = LEVEL,
) -> RateEstimate:
    """Mean of 0/1 (or [0,1]) outcomes with an interval that respects clustering by fixture."""
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n == 0:
        return RateEstimate(0, 0, float("nan"), float("nan"), float("nan"), float("nan"), "none")
    groups = np.asarray(clusters) if clusters is not None else np.arange(n)
    codes, group_ids = np.unique(groups, return_inverse=True)
    g = len(codes)
    mean = float(y.mean())
    binary = bool(np.all((y == 0) | (y == 1)))
    if g == n and binary:
        low, high = proportion_confint(int(y.sum()), n, alpha=1 - level, method="wilson")
        se = float(np.sqrt(mean * (1 - mean) / n))
        return RateEstimate(n, g, mean, se, float(low), float(high), "wilson")
    if g < 2:
        return RateEstimate(n, g, mean, float("nan"), float("nan"), float("nan"), "too few fixtures")
    fit = OLS(y, np.ones(n)).fit(cov_type="cluster", cov_kwds={"groups": group_ids})
    se = float(fit.bse[0])
    t = float(sps.t.ppf(0.5 + level / 2, g - 1))
    return RateEstimate(
        n, g, mean, se, max(0.0, mean - t * se), min(1.0, mean + t * se), "cluster-robust"
    )


@dataclass(frozen=True)
class PairedDifference:
    n_pairs: int
    n_fixtures: int
    mean_diff: float
    """mean of (a - b): positive means a resolves more."""
    se: float
    low: float
    high: float
    p_value: float
    """two-sided"""
    p_less: float
    """one-sided, for H1: a < b"""
    mde: float
    """smallest true difference detected with 80% power at this size (two-sided 5%)"""

    def sentence(self, a: str, b: str, level: float = LEVEL) -> str:
        alpha = 1 - level
        points = abs(self.mean_diff) * 100
        if self.n_fixtures < 2:
            return f"{a} vs {b}: too few fixtures to compare."
        if self.p_value < alpha:
            better, worse = (a, b) if self.mean_diff > 0 else (b, a)
            return (
                f"{better} resolves {points:.1f} points more than {worse} "
                f"(95% CI {_interval(self.low, self.high)}, {format_p(self.p_value)})."
            )
        from . import formatting as fmt

        reach = ("this run is too small to detect any difference (MDE over 100 points)"
                 if fmt.mde_too_large(self.mde)
                 else f"differences under about {fmt.mde(self.mde)} are not detectable here")  # fmt: skip
        return (
            f"No detectable difference between {a} and {b} at this sample size "
            f"(difference {fmt.signed_points(self.mean_diff)} points, 95% CI "
            f"{fmt.points_interval(self.low, self.high)}, {fmt.p_value(self.p_value)}; {reach})."
        )


def _interval(low: float, high: float) -> str:
    from .formatting import points_interval

    return points_interval(low, high)


def format_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def cluster_means(diffs: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Mean difference per fixture (each fixture weighs the same, whatever its epochs)."""
    codes, inverse = np.unique(clusters, return_inverse=True)
    sums = np.bincount(inverse, weights=diffs, minlength=len(codes))
    counts = np.bincount(inverse, minlength=len(codes))
    return sums / counts


def minimum_detectable_effect(se: float, fixtures: int, level: float = LEVEL, power: float = POWER) -> float:
    if fixtures < 2 or not np.isfinite(se):
        return float("nan")
    df = fixtures - 1
    return float((sps.t.ppf(0.5 + level / 2, df) + sps.t.ppf(power, df)) * se)


def paired_difference(
    a: np.ndarray | list[float], b: np.ndarray | list[float],
    clusters: np.ndarray | list[str] | None = None, level: float = LEVEL,
) -> PairedDifference:
    """Difference a - b over aligned pairs (same fixture and epoch at each position)."""
    a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a_arr.shape != b_arr.shape:
        raise ValueError("paired samples must be aligned (same length)")
    n = len(a_arr)
    groups = np.asarray(clusters) if clusters is not None else np.arange(n)
    per_fixture = cluster_means(a_arr - b_arr, groups) if n else np.array([])
    g = len(per_fixture)
    nan = float("nan")
    if g < 2:
        mean = float(per_fixture.mean()) if g else nan
        return PairedDifference(n, g, mean, nan, nan, nan, 1.0, 1.0, nan)
    mean = float(per_fixture.mean())
    sd = float(per_fixture.std(ddof=1))
    se = float(sd / np.sqrt(g))
    t = float(sps.t.ppf(0.5 + level / 2, g - 1))
    if se == 0:
        # every fixture moved by the same amount: no sampling noise left to test against
        p_two = 1.0 if mean == 0 else 0.0
        p_less = 1.0 if mean >= 0 else 0.0
    else:
        p_two = float(sps.ttest_1samp(per_fixture, 0.0).pvalue)
        p_less = float(sps.ttest_1samp(per_fixture, 0.0, alternative="less").pvalue)
    # for the detectable effect, a run with no discordant fixtures still has a floor: the
    # standard error one discordant fixture would give
    se_mde = se if se > 0 else float(np.sqrt(1.0 / g) / np.sqrt(g))
    return PairedDifference(
        n_pairs=n, n_fixtures=g, mean_diff=mean, se=se, low=mean - t * se, high=mean + t * se,
        p_value=p_two, p_less=p_less, mde=minimum_detectable_effect(se_mde, g, level),
    )
