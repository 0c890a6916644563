"""Statistics checked, not trusted: direct computations, and simulated error rates of the gate."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from evals.logdata import load_samples
from evals.regress import gate
from evals.stats import paired_difference, rate_interval
from evals.synthetic import SyntheticVariant, fixture_probabilities, write_synthetic_logs

ROOT = Path(__file__).resolve().parents[1]


def test_wilson_interval_matches_the_formula():
    y = np.array([1] * 13 + [0] * 7)
    est = rate_interval(y)
    n, p, z = 20, 13 / 20, sps.norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert est.method == "wilson"
    assert est.low == pytest.approx(centre - half) and est.high == pytest.approx(centre + half)


def test_cluster_robust_interval_matches_the_formula():
    rng = np.random.default_rng(1)
    fixtures = np.repeat([f"f{i}" for i in range(12)], 4)
    y = (rng.random(len(fixtures)) < 0.6).astype(float)
    est = rate_interval(y, fixtures)
    # CR1 sandwich for an intercept-only model: G/(G-1) * sum_g (sum_i e_gi)^2 / N^2
    resid = y - y.mean()
    per = pd.Series(resid).groupby(fixtures).sum().to_numpy()
    g, n = 12, len(y)
    se = math.sqrt(g / (g - 1) * (per**2).sum() / n**2)
    assert est.method == "cluster-robust" and est.se == pytest.approx(se)
    t = sps.t.ppf(0.975, g - 1)
    assert est.low == pytest.approx(max(0, y.mean() - t * se))


def test_paired_difference_matches_a_direct_computation():
    rng = np.random.default_rng(2)
    fixtures = np.repeat([f"f{i}" for i in range(30)], 3)
    a = (rng.random(90) < 0.7).astype(float)
    b = (rng.random(90) < 0.5).astype(float)
    d = paired_difference(a, b, fixtures)
    per_fixture = pd.Series(a - b).groupby(fixtures).mean().to_numpy()
    se = per_fixture.std(ddof=1) / math.sqrt(30)
    assert d.mean_diff == pytest.approx(per_fixture.mean())
    assert d.se == pytest.approx(se)
    t = per_fixture.mean() / se
    assert d.p_value == pytest.approx(2 * sps.t.sf(abs(t), 29))
    assert d.p_less == pytest.approx(sps.t.cdf(t, 29))
    assert d.low == pytest.approx(per_fixture.mean() - sps.t.ppf(0.975, 29) * se)
    assert d.mde == pytest.approx((sps.t.ppf(0.975, 29) + sps.t.ppf(0.8, 29)) * se)
    # with one epoch the clustered SE is the ordinary paired SE
    single = paired_difference(a[::3], b[::3])
    assert single.se == pytest.approx((a[::3] - b[::3]).std(ddof=1) / math.sqrt(30))


def test_sentence_says_no_detectable_difference_when_that_is_the_truth():
    rng = np.random.default_rng(3)
    a, b = (rng.random(40) < 0.5).astype(float), (rng.random(40) < 0.5).astype(float)
    d = paired_difference(a, b)
    if d.p_value >= 0.05:
        assert d.sentence("A", "B").startswith("No detectable difference")
    big = paired_difference(np.ones(40), np.r_[np.zeros(30), np.ones(10)])
    assert "resolves 75.0 points more" in big.sentence("A", "B")


def _frame(model, variant, probs, epochs, rng) -> pd.DataFrame:
    rows = []
    for i, p in enumerate(probs):
        for e in range(1, epochs + 1):
            rows.append({"model": model, "variant": variant, "family": "sim", "fixture": f"f{i}",
                         "epoch": e, "resolved": float(rng.random() < p), "infra": False})
    return pd.DataFrame(rows)


def _fire_rate(drop: float, runs: int, fixtures: int = 40, epochs: int = 5, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    fired = 0
    for _ in range(runs):
        probs = fixture_probabilities(fixtures, rng)
        base = _frame("m", "v", probs, epochs, rng)
        cand = _frame("m", "v", np.clip(probs - drop, 0, 1), epochs, rng)
        fired += gate(base, cand)[0].fired
    return fired / runs


def test_gate_false_alarm_rate_with_equal_variants_is_about_five_percent():
    rate = _fire_rate(0.0, runs=600)
    # nominal 5%; 600 runs give a standard error of about 0.9 points
    assert rate <= 0.075, rate


def test_gate_catches_a_twenty_point_drop_on_40_fixtures_by_5_epochs():
    assert _fire_rate(0.20, runs=200, seed=1) >= 0.97


def test_regress_cli_exit_codes_on_synthetic_logs(tmp_path):
    rng = np.random.default_rng(7)
    probs = fixture_probabilities(40, rng)
    base = SyntheticVariant("backend", "backend", "backend", probs)
    same = SyntheticVariant("backend", "backend", "backend", probs)
    worse = SyntheticVariant("backend", "backend", "backend", np.clip(probs - 0.25, 0, 1))
    write_synthetic_logs(tmp_path / "base", [base], epochs=5, seed=1)
    write_synthetic_logs(tmp_path / "same", [same], epochs=5, seed=2)
    write_synthetic_logs(tmp_path / "worse", [worse], epochs=5, seed=3)
    evals = str(ROOT / ".venv" / "bin" / "evals")

    def regress(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([evals, "regress", *args], capture_output=True, text=True, cwd=ROOT)

    ok = regress("--baseline", str(tmp_path / "base"), "--candidate", str(tmp_path / "same"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "not significantly worse" in ok.stdout
    bad = regress("--baseline", str(tmp_path / "base"), "--candidate", str(tmp_path / "worse"),
                  "--summary", str(tmp_path / "summary.md"))
    assert bad.returncode == 1 and "significantly worse" in bad.stdout
    assert "Persona regression gate" in (tmp_path / "summary.md").read_text()
    # a big minimum effect makes the same drop acceptable
    assert regress("--baseline", str(tmp_path / "base"), "--candidate", str(tmp_path / "worse"),
                   "--min-effect", "0.5").returncode == 0
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.eval").write_text("not a log")
    missing = regress("--baseline", str(tmp_path / "nope"), "--candidate", str(tmp_path / "same"))
    junk = regress("--baseline", str(tmp_path / "junk"), "--candidate", str(tmp_path / "same"))
    assert missing.returncode == 2 and f"'{tmp_path / 'nope'}' does not exist" in missing.stderr
    assert junk.returncode == 2 and "Traceback" not in junk.stderr


def test_synthetic_logs_read_back_with_known_rates(tmp_path):
    probs = np.full(50, 0.8)
    write_synthetic_logs(tmp_path, [SyntheticVariant("a", "a", "a", probs),
                                    SyntheticVariant("b", "b", "b", np.full(50, 0.2))], epochs=4)
    df = load_samples(tmp_path).samples
    rates = df.groupby("variant")["resolved"].mean()
    assert len(df) == 400
    assert abs(rates["a"] - 0.8) < 0.08 and abs(rates["b"] - 0.2) < 0.08
