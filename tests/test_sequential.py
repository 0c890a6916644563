"""The sequential comparison by simulation: no early stops on noise, and what it costs to decide.

Each simulated run has 20 fixtures of varied difficulty; a round is one epoch (20 pairs). The
fixed design is `stats.paired_difference` (t-test on per-fixture means) at the same alpha, with
its epochs chosen for 80-90% power at each difference, or sized for 15 points (9 epochs, 180
pairs): the sequential test needs at most half of those pairs from about 30 points (not at 15
and 20 points, out of reach for any test at the same error rates, see below).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from evals.sequential import Decision, SequentialResult, VariantChoiceError, paired_rounds, sequential_test
from evals.stats import paired_difference

ALPHA = 0.05
FIXTURES = 20
FIXED_EPOCHS = {0.15: 9, 0.20: 5, 0.30: 3}
"""smallest epoch count with >= 80% simulated power for the fixed design (20 fixtures)"""


def _run(rng: np.random.Generator, base: np.ndarray, cand: np.ndarray, epochs: int) -> np.ndarray:
    """(epochs, fixtures) differences candidate − baseline."""
    yb = rng.random((epochs, len(base))) < base
    yc = rng.random((epochs, len(cand))) < cand
    return yc.astype(float) - yb


def _probabilities(rng: np.random.Generator, delta: float, low: float = 0.2, high: float = 0.65) -> tuple[np.ndarray, np.ndarray]:
    base = rng.uniform(low, high, FIXTURES)
    return base, base + delta


def _sequential(diffs: np.ndarray, max_rounds: int) -> SequentialResult:
    return sequential_test(list(diffs[:max_rounds]), ALPHA, max_rounds=max_rounds, with_interval=False)


def _fixed(diffs: np.ndarray) -> int:
    """+1 / -1 / 0: the fixed design's decision at the same alpha (two-sided)."""
    fixtures = np.tile(np.arange(diffs.shape[1]), diffs.shape[0])
    d = paired_difference(diffs.ravel(), np.zeros(diffs.size), fixtures)
    return 0 if d.p_value >= ALPHA else int(np.sign(d.mean_diff))


def _sign(result: SequentialResult) -> int:
    return {Decision.CANDIDATE_BETTER: 1, Decision.BASELINE_BETTER: -1}.get(result.decision, 0)


@pytest.mark.parametrize("low,high", [(0.45, 0.55), (0.1, 0.3), (0.05, 0.95)])
def test_no_early_stop_on_noise(low, high):
    """Equal variants on every fixture (fixtures differ among themselves): any decision at any of
    40 looks (800 pairs) is a false alarm, and they stay at or under alpha."""
    rng = np.random.default_rng(11)
    runs, looks = 600, 40
    stops = 0
    for _ in range(runs):
        base = rng.uniform(low, high, FIXTURES)
        stops += sequential_test(list(_run(rng, base, base, looks)), ALPHA, with_interval=False).decided
    rate = stops / runs
    # alpha + 2 Monte Carlo standard errors
    assert rate <= ALPHA + 2 * np.sqrt(ALPHA * (1 - ALPHA) / runs), rate


@functools.lru_cache(maxsize=None)
def _compare(delta: float, runs: int, max_factor: int = 2, fixed_epochs: int | None = None, seed: int = 5) -> dict[str, float]:
    """Simulated runs, each decided by both designs on the same data (the sequential test looks
    once per round, as the CLI does, and counts all pairs of the rounds it used; an undecided run
    counts its max_factor * epochs rounds)."""
    rng = np.random.default_rng(seed)
    epochs = fixed_epochs or FIXED_EPOCHS[delta]
    max_rounds = max_factor * epochs
    seq_right = fixed_right = seq_wrong = seq_any = fixed_decided = agree = 0
    samples = []
    for _ in range(runs):
        base, cand = _probabilities(rng, delta)
        diffs = _run(rng, base, cand, max_rounds)
        fixed = _fixed(diffs[:epochs])
        seq = _sequential(diffs, max_rounds)
        fixed_right += fixed == 1
        seq_right += _sign(seq) == 1
        seq_wrong += _sign(seq) == -1
        seq_any += _sign(seq) != 0
        fixed_decided += fixed != 0
        agree += fixed != 0 and _sign(seq) == fixed
        samples.append(seq.samples)
    return {"fixed_power": fixed_right / runs, "seq_power": seq_right / runs, "seq_wrong": seq_wrong / runs,
            "seq_decided": seq_any / runs, "agreement": agree / max(fixed_decided, 1),
            "seq_samples": float(np.mean(samples)), "fixed_samples": float(epochs * FIXTURES)}


@pytest.mark.parametrize("delta", [0.15, 0.20, 0.30])
def test_same_decisions_as_the_fixed_design_at_no_more_cost(delta):
    """At its own design point (80-90% power), the fixed design is hard to beat: the sequential
    test decides the right way at least as often and uses about as many pairs, never the wrong way."""
    r = _compare(delta, runs=400)
    print(delta, r)
    se = np.sqrt(0.25 / 400)
    assert 0.75 <= r["fixed_power"] <= 0.97, r
    assert r["seq_power"] >= r["fixed_power"] - 2 * se, r
    assert r["seq_wrong"] <= 0.01, r
    assert r["seq_samples"] <= 1.15 * r["fixed_samples"], r


HALF_RUNS = 400


@pytest.mark.parametrize("delta", [0.0, 0.15, 0.20, 0.30])
def test_same_decisions_as_a_fixed_design_sized_for_fifteen_points(delta):
    """The practical fixed design is sized for the smallest difference worth finding (15 points,
    9 epochs); the sequential test may run to twice that. With no difference it decides (either
    way, at any of the 18 looks) at most alpha of the time; with one it decides the right way at
    least as often as the fixed design, agrees with the fixed design's decisions, never errs."""
    r = _compare(delta, runs=HALF_RUNS, fixed_epochs=FIXED_EPOCHS[0.15], max_factor=2, seed=6)
    print(delta, r)
    se = np.sqrt(0.25 / HALF_RUNS)
    if delta == 0:
        assert r["seq_decided"] <= ALPHA + 2 * np.sqrt(ALPHA * (1 - ALPHA) / HALF_RUNS), r
        return
    assert r["seq_power"] >= r["fixed_power"] - 2 * se and r["seq_wrong"] <= 0.01, r
    assert r["agreement"] >= 0.95, r
    if delta >= 0.20:
        assert r["seq_power"] >= 0.97, r


@pytest.mark.parametrize("delta", [0.20, 0.30])
def test_fewer_samples_than_a_fixed_design_sized_for_fifteen_points(delta):
    """The practical fixed design is sized for the smallest difference worth finding (15 points,
    9 epochs, 180 pairs): when the truth is larger the sequential test stops sooner: at most half
    the pairs from 30 points, about 0.65 of them at 20 points. (Half at 15 and 20 points is out of
    reach for any test at the fixed design's error rates and power: by the Wald-Hoeffding bound it
    needs on average at least ~102 pairs at 15 points and ~80 at 20 even if told the difference and
    looking after every pair, before the cost of looking once per 20-pair round.)"""
    r = _compare(delta, runs=HALF_RUNS, fixed_epochs=FIXED_EPOCHS[0.15], max_factor=2, seed=6)
    print(delta, r)
    limit = 0.65 if delta == 0.20 else 0.5
    assert r["seq_samples"] <= limit * r["fixed_samples"], r


def test_decision_object_and_sentences():
    up = [np.ones(10)] * 3
    result = sequential_test(up, alpha=0.05)
    assert result.decision is Decision.CANDIDATE_BETTER and result.decided and result.stopped
    assert result.low > 0 and result.high == pytest.approx(1.0) and result.alpha == 0.05
    assert result.samples % 10 == 0 and result.rounds == result.samples // 10
    assert "decided after" in result.summary("A", "B") and "B resolves more than A" in result.summary("A", "B")
    assert "error rate at most 0.05" in result.summary("A", "B")
    assert result.line("A", "B").startswith(f"round {result.rounds}: {result.samples} pairs")

    down = sequential_test([-np.ones(10)] * 3)
    assert down.decision is Decision.BASELINE_BETTER and down.high < 0

    none = sequential_test([np.array([1.0, -1.0, 0.0, 0.0])], max_rounds=1)
    assert none.decision is Decision.MAX_REACHED and not none.decided and none.stopped
    assert none.low < 0 < none.high
    assert none.summary().startswith("not decided after max epochs")
    assert sequential_test([np.array([1.0, -1.0])]).decision is Decision.UNDECIDED

    flat = sequential_test([np.zeros(20)] * 4, delta=0.2)
    assert flat.decision is Decision.NO_LARGE_DIFFERENCE and -0.2 < flat.low and flat.high < 0.2
    assert "no difference larger than 20 points" in flat.summary()

    # rounds after the stop are not counted; the decision does not depend on the interval grid
    more = sequential_test([np.ones(10)] * 8)
    assert more.samples == result.samples
    assert sequential_test(up, with_interval=False).decision is result.decision
    with pytest.raises(ValueError):
        sequential_test([np.array([2.0])])


def test_interval_agrees_with_the_decision_and_covers_the_truth():
    rng = np.random.default_rng(3)
    misses = 0
    for _ in range(200):
        base, cand = _probabilities(rng, 0.1)
        r = sequential_test(list(_run(rng, base, cand, 6)))
        assert (r.low > 0) == (r.decision is Decision.CANDIDATE_BETTER)
        misses += not (r.low <= 0.1 <= r.high)
    assert misses / 200 <= 0.05


def _samples(variant: str, probs: np.ndarray, epochs: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame([
        {"model": "m", "variant": variant, "family": "db", "fixture": f"f{i}", "epoch": e,
         "resolved": float(rng.random() < p), "infra": False}
        for i, p in enumerate(probs) for e in range(1, epochs + 1)
    ])  # fmt: skip


def test_paired_rounds_from_a_samples_table():
    rng = np.random.default_rng(4)
    df = pd.concat([_samples("backend", np.full(10, 0.2), 3, rng), _samples("backend-developer", np.full(10, 0.9), 3, rng)])
    df.loc[(df["variant"] == "backend") & (df["fixture"] == "f0") & (df["epoch"] == 2), "infra"] = True
    rounds = paired_rounds(df, "backend", "backend-developer")
    assert [len(r) for r in rounds] == [10, 9, 10]
    assert sum(r.sum() for r in rounds) == pytest.approx(
        df[df["variant"] == "backend-developer"]["resolved"].sum() - df[df["variant"] == "backend"]["resolved"].sum()
        - (df.query("fixture == 'f0' and epoch == 2 and variant == 'backend-developer'")["resolved"].sum()
           - df.query("fixture == 'f0' and epoch == 2 and variant == 'backend'")["resolved"].sum())
    )  # fmt: skip
    with pytest.raises(VariantChoiceError, match="no variant 'nope'"):
        paired_rounds(df, "nope", "backend")
