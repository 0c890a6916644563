"""Run epochs until a paired comparison is decided: an always-valid betting confidence sequence.

`evals matrix --until-decided` adds one epoch per round and looks at the data after every
round. Looking repeatedly at a fixed-design test (`stats.paired_difference`) inflates its error
rate, so the looks use a confidence sequence instead: an interval for the mean difference
(candidate − baseline, each pair one (fixture, epoch)) that holds at every look at once.

Method: the hedged betting capital of Waudby-Smith & Ramdas, "Estimating means of bounded random
variables by betting", JRSS-B 85(1), 2023 (arXiv:2010.09686), with the "diversified Kelly"
strategy (an average of constant bets on a grid). For a candidate mean m, a gambler bets on the
pair differences x_i in [-1, 1]:

    K+_t(m) = mean_d prod_i (1 + l_d (x_i - m)),   K-_t(m) = mean_d prod_i (1 - l_d (x_i - m))

Each is a nonnegative martingale when every pair's expected difference is m, so by Ville's
inequality P(ever K+ >= 2/alpha) <= alpha/2, and the same for K-. The confidence sequence is the
set of m neither gambler has refuted: it covers the true difference at every look with
probability >= 1 - alpha, so stopping whenever it excludes 0 keeps the error rate at alpha.
Fixtures may differ: when no fixture truly differs (each pair's expected difference is 0) the
probability of ever deciding is <= alpha, and when the candidate is truly no better on any
fixture the probability of ever deciding "candidate better" is <= alpha/2 (K+ is then a
supermartingale). The interval itself is exact for a common difference; with differences that
vary by fixture read it as a guide to the size, and the decision as the guaranteed part.

Cost (simulated in tests/test_sequential.py, 20 fixtures, looks once per 20-pair round): against
a fixed design sized for 15 points (180 pairs) it averages about 185 pairs at a true 15 points,
115 at 20 and 61 at 30, deciding the right way at least as often. No test at the same error
rates can average half of 180 at 15 points (Wald-Hoeffding bound ~102 pairs), and bets tuned to
the true difference gain only ~5%, so the untuned bet grid was kept.

`confseq` (the authors' package) was not used: it builds C++ extensions against Boost, which
this machine does not have; the method needs a few lines of numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from .errors import HarnessError

ALPHA = 0.05
LAMBDAS = (0.2, 0.35, 0.5)
"""constant bets averaged ("dKelly"); <= 0.5 keeps every factor >= 0 since |x - m| <= 2"""
GRID = np.linspace(-1.0, 1.0, 401)
"""candidate means tried for the interval (0.5-point steps; the interval is rounded outwards)"""


class Decision(str, Enum):
    CANDIDATE_BETTER = "candidate better"
    BASELINE_BETTER = "baseline better"
    NO_LARGE_DIFFERENCE = "no difference larger than delta"
    UNDECIDED = "undecided so far"
    MAX_REACHED = "stopped at max without decision"


@dataclass(frozen=True)
class SequentialResult:
    decision: Decision
    low: float
    """always-valid lower bound for the mean difference candidate − baseline"""
    high: float
    mean: float
    samples: int
    """pairs used (all rounds up to the stop)"""
    rounds: int
    alpha: float
    delta: float | None = None

    @property
    def decided(self) -> bool:
        return self.decision in (Decision.CANDIDATE_BETTER, Decision.BASELINE_BETTER, Decision.NO_LARGE_DIFFERENCE)

    @property
    def stopped(self) -> bool:
        return self.decision is not Decision.UNDECIDED

    def line(self, baseline: str = "baseline", candidate: str = "candidate") -> str:
        """One line per round: what is known so far."""
        what = {
            Decision.CANDIDATE_BETTER: f"{candidate} better",
            Decision.BASELINE_BETTER: f"{baseline} better",
            Decision.NO_LARGE_DIFFERENCE: f"no difference larger than {(self.delta or 0) * 100:.0f} points",
            Decision.UNDECIDED: "undecided so far",
            Decision.MAX_REACHED: "stopped at max without decision",
        }[self.decision]
        return (
            f"round {self.rounds}: {self.samples} pairs, difference {candidate} − {baseline} "
            f"{self.mean * 100:+.1f} points, always-valid {1 - self.alpha:.0%} CI "
            f"{self.low * 100:+.1f} to {self.high * 100:+.1f}: {what}"
        )

    def summary(self, baseline: str = "baseline", candidate: str = "candidate") -> str:
        """The closing sentence, with the error rate stated."""
        if not self.decided:
            return (
                f"not decided after max epochs ({self.rounds} rounds, {self.samples} pairs): "
                f"{candidate} − {baseline} is between {self.low * 100:+.1f} and {self.high * 100:+.1f} "
                f"points (always-valid {1 - self.alpha:.0%} CI)."
            )
        if self.decision is Decision.NO_LARGE_DIFFERENCE:
            verdict = f"no difference larger than {(self.delta or 0) * 100:.0f} points between {candidate} and {baseline}"
        else:
            better, worse = (candidate, baseline) if self.decision is Decision.CANDIDATE_BETTER else (baseline, candidate)
            verdict = f"{better} resolves more than {worse}"
        return (
            f"decided after {self.samples} samples ({self.rounds} rounds): {verdict} "
            f"(difference {self.mean * 100:+.1f} points, always-valid {1 - self.alpha:.0%} CI "
            f"{self.low * 100:+.1f} to {self.high * 100:+.1f}; error rate at most {self.alpha:g} "
            "however often it looked)."
        )


def log_capital(x: np.ndarray, m: np.ndarray | float, lambdas: tuple[float, ...] = LAMBDAS) -> tuple[np.ndarray, np.ndarray]:
    """log K+ and log K- after each pair, for each candidate mean m: shape (len(m), len(x)).

    Computed in logs (products of hundreds of factors overflow) and averaged over the bets with
    logsumexp, so a good bet dominates without knowing in advance which one it is.
    """
    xs = np.asarray(x, dtype=float)[None, :]
    ms = np.atleast_1d(np.asarray(m, dtype=float))[:, None]
    ups, downs = [], []
    with np.errstate(divide="ignore"):  # a factor of exactly 0 refutes m for good: log -> -inf
        for lam in lambdas:
            ups.append(np.cumsum(np.log(np.maximum(1 + lam * (xs - ms), 0.0)), axis=1))
            downs.append(np.cumsum(np.log(np.maximum(1 - lam * (xs - ms), 0.0)), axis=1))
    norm = np.log(len(lambdas))
    return np.logaddexp.reduce(ups, axis=0) - norm, np.logaddexp.reduce(downs, axis=0) - norm


def sequential_test(
    rounds: list[np.ndarray] | list[list[float]], alpha: float = ALPHA, delta: float | None = None,
    max_rounds: int | None = None, with_interval: bool = True,
) -> SequentialResult:
    """Decide from paired differences (candidate − baseline, in [-1, 1]) that arrived round by round.

    Looks once per round (Ville's inequality makes any number of looks safe) and stops at the
    first round where the running intersection of the intervals excludes 0 (a decision) or, with
    `delta`, lies inside (-delta, delta). Rounds after a stop are ignored. With `max_rounds` and
    no decision by then, the result says the maximum was reached. Since K+ falls and K- rises
    with m, "the interval excludes 0" is "a gambler refuted m = 0": the decision needs only
    m = 0 (and +-delta); `with_interval=False` skips the interval grid (for fast simulations).
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    arrays = [np.asarray(r, dtype=float).ravel() for r in rounds]
    if any(np.any(np.abs(a) > 1) for a in arrays):
        raise ValueError("paired differences must lie in [-1, 1]")
    x = np.concatenate(arrays) if arrays else np.array([])
    looks = [(k, int(end)) for k, end in enumerate(np.cumsum([len(a) for a in arrays]), start=1) if end > 0]
    threshold = np.log(2 / alpha)
    stop_k, stop_end, decision = len(arrays), len(x), Decision.UNDECIDED
    if looks:
        ms = [0.0] if delta is None else [0.0, -delta, delta]
        up, down = log_capital(x, np.array(ms))
        at = np.array([end - 1 for _, end in looks])
        refuted_up = np.maximum.accumulate(up[:, at] >= threshold, axis=1)  # running intersection
        refuted_down = np.maximum.accumulate(down[:, at] >= threshold, axis=1)
        for i, (k, end) in enumerate(looks):
            if refuted_up[0, i]:
                decision = Decision.CANDIDATE_BETTER
            elif refuted_down[0, i]:
                decision = Decision.BASELINE_BETTER
            elif delta is not None and refuted_up[1, i] and refuted_down[2, i]:
                decision = Decision.NO_LARGE_DIFFERENCE
            if decision is not Decision.UNDECIDED:
                stop_k, stop_end = k, end
                break
    if decision is Decision.UNDECIDED and max_rounds is not None and len(arrays) >= max_rounds:
        decision = Decision.MAX_REACHED
    low, high = _interval(x[:stop_end], [e for _, e in looks if e <= stop_end], threshold) if with_interval else (float("nan"), float("nan"))
    mean = float(x[:stop_end].mean()) if stop_end else float("nan")
    return SequentialResult(decision, low, high, mean, stop_end, stop_k, alpha, delta)


def _interval(x: np.ndarray, ends: list[int], threshold: float) -> tuple[float, float]:
    """Running intersection, over the looks, of the m on the grid no gambler has refuted."""
    low, high = -1.0, 1.0
    if not ends:
        return low, high
    up, down = log_capital(x, GRID)
    for end in ends:
        alive = (up[:, end - 1] < threshold) & (down[:, end - 1] < threshold)
        if not alive.any():  # every m refuted (probability <= alpha): keep what was known
            continue
        new_low, new_high = max(low, float(GRID[alive].min())), min(high, float(GRID[alive].max()))
        if new_low <= new_high:  # an empty intersection (again <= alpha) keeps the last interval
            low, high = new_low, new_high
    return low, high


def _decision(low: float, high: float, delta: float | None) -> Decision:
    if low > 0:
        return Decision.CANDIDATE_BETTER
    if high < 0:
        return Decision.BASELINE_BETTER
    if delta is not None and -delta < low and high < delta:
        return Decision.NO_LARGE_DIFFERENCE
    return Decision.UNDECIDED


class VariantChoiceError(HarnessError):
    """A --baseline / --candidate that is not a variant of this run."""


def paired_rounds(samples: pd.DataFrame, baseline: str, candidate: str, model: str | None = None) -> list[np.ndarray]:
    """From harness samples (`logdata.load_samples`): candidate − baseline per round (= epoch).

    Pairs are (model, family, fixture, epoch) present on both sides; pairs where either side had
    an infrastructure failure are left out (as in `evals regress`). Within a round the order is
    fixed (family, fixture), so re-reading the logs gives the same sequence.
    """
    variants = sorted(samples["variant"].unique())
    for name in (baseline, candidate):
        if name not in variants:
            raise VariantChoiceError(f"the logs have no variant '{name}' (they have: {', '.join(variants)})")
    if model is not None:
        samples = samples[samples["model"] == model]
    key = ["model", "family", "fixture", "epoch"]
    merged = samples[samples["variant"] == baseline].merge(
        samples[samples["variant"] == candidate], on=key, suffixes=("_b", "_c")
    )
    merged = merged[~(merged["infra_b"] | merged["infra_c"])].sort_values(key)
    return [
        (g["resolved_c"] - g["resolved_b"]).to_numpy(dtype=float)
        for _, g in merged.groupby("epoch", sort=True)
    ]
