"""`evals power`: the analytic MDE against simulations of the harness's own paired test.

Two variants are simulated over the suite's fixtures as `evals/power.py` models them (a solve
rate per fixture, the variants a shift apart, independent epochs), each simulated run is tested
with `stats.paired_difference` exactly as `evals regress` and the leaderboard test, and the share
of runs it finds significant at the printed MDE must be about 80%.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from evals.cli import main
from evals.fixtures import load_all
from evals.power import beta_prior, detectable, power_at, run_facts, shifted, suite_rates
from evals.stats import minimum_detectable_effect, paired_difference
from evals.synthetic import SyntheticVariant, write_synthetic_logs

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
FIXTURES = len(load_all())


def _simulate(rates: np.ndarray | None, shift: float, epochs: int, runs: int, seed: int,
              fixtures: int = FIXTURES) -> np.ndarray:
    """p-values of `paired_difference` over `runs` simulated comparisons. `rates=None`: each
    run draws its fixtures' rates from the uniform prior, as the analytic model assumes."""
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(fixtures), epochs)
    p_values = np.empty(runs)
    for i in range(runs):
        p = rng.uniform(0, 1, fixtures) if rates is None else rates
        a, b = shifted(p, shift)
        ya = (rng.random((fixtures, epochs)) < a[:, None]).ravel().astype(float)
        yb = (rng.random((fixtures, epochs)) < b[:, None]).ravel().astype(float)
        p_values[i] = paired_difference(ya, yb, clusters).p_value
    return p_values


@pytest.mark.parametrize("epochs", [1, 3, 5])
def test_the_paired_test_has_80_percent_power_at_the_printed_mde(epochs):
    """600 simulated runs per epoch count (about 3 s each): the power's standard error is
    sqrt(0.8 · 0.2 / 600) = 1.6 points, so ±6 points is a 3.7-SE band. At one epoch a fixture's
    difference is −1, 0 or +1 and the t-test's normal approximation is slightly optimistic: a
    100,000-run check gives 78.8% there (80.2% at 3 and 5 epochs)."""
    found = detectable(beta_prior(), epochs, FIXTURES)
    power = float(np.mean(_simulate(None, found.shift, epochs, runs=600, seed=epochs) < 0.05))
    assert abs(power - 0.80) < 0.06, (epochs, found.difference, power)
    # and the same run is clearly underpowered at half that difference (the band is not vacuous)
    half = float(np.mean(_simulate(None, found.shift / 2, epochs, runs=200, seed=10 + epochs) < 0.05))
    assert half < 0.45, half


def test_fixed_measured_rates_give_80_percent_power():
    """With `--from`, the rates are the run's own, fixed per fixture (here a spread from never to
    always solved, with fixtures at both ends that cannot move)."""
    measured = {f"fam/fx{i}": float(r) for i, r in enumerate(np.r_[np.zeros(5), np.ones(5), np.linspace(0.05, 0.95, 27)])}
    rates = suite_rates(list(measured), measured, "test")
    found = detectable(rates, 3, len(measured))
    power = float(np.mean(_simulate(rates.points, found.shift, 3, runs=600, seed=7, fixtures=len(measured)) < 0.05))
    assert abs(power - 0.80) < 0.06, (found.difference, power)


def test_the_mde_agrees_with_the_harness_formula_and_shrinks_with_epochs():
    """The leaderboard's MDE column is (t_0.975 + t_0.8) · SE: at the standard error the model
    predicts, it gives the same number to a tenth of a point."""
    prior = beta_prior()
    found = [detectable(prior, k, FIXTURES) for k in (1, 3, 5)]
    for d in found:
        harness = minimum_detectable_effect(d.sd / np.sqrt(FIXTURES), FIXTURES)
        assert abs(harness - d.difference) < 0.001, (d.epochs, harness, d.difference)
        assert abs(power_at(prior, d.shift, d.epochs, FIXTURES) - 0.80) < 1e-6
        assert d.shift >= d.difference  # clipping: the shift is at least the difference it makes
    assert found[0].difference > found[1].difference > found[2].difference > 0
    assert np.isnan(detectable(prior, 3, 1).difference)  # one fixture: no test at all


def test_rates_from_a_run_pool_the_variants_and_leave_infrastructure_failures_out(tmp_path):
    from evals.logdata import load_samples
    from evals.prices import load_prices

    write_synthetic_logs(tmp_path / "logs", [
        SyntheticVariant("backend", "backend", "backend", np.array([1.0, 0.0, 1.0, 0.5])),
        SyntheticVariant("none+tools:minimal", "none", "minimal", np.array([1.0, 0.0, 0.0, 0.5])),
    ], model="replay/oracle", epochs=4, seed=3)  # fmt: skip
    facts = run_facts(load_samples(tmp_path / "logs", load_prices()).samples)
    assert facts.rates["synthetic/fx0000"] == 1.0 and facts.rates["synthetic/fx0001"] == 0.0
    assert facts.rates["synthetic/fx0002"] == 0.5  # pooled over the two variants
    assert facts.variants == 2 and facts.samples == 32 and facts.cost_per_sample == 0.0
    # a suite of which the run measured two fixtures: the others get the run's distribution
    rates = suite_rates(["synthetic/fx0000", "synthetic/fx0001", "x/a", "x/b"], facts.rates, "run")
    assert np.isclose(rates.weights.sum(), 1.0)
    assert np.isclose(rates.weights @ rates.points, (1 + 0 + 2 * np.mean(list(facts.rates.values()))) / 4)


# --------------------------------------------------------------------------- the command


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["power", *args], prog_name="evals")


def test_power_prints_the_prior_and_says_cost_needs_logs():
    result = _run()
    assert result.exit_code == 0, result.output
    assert f"{FIXTURES} fixtures" in result.output and "uniform" in result.output
    assert "needs --from" in result.output
    rows = json.loads(_run("--json", "--epochs", "2,4").output)
    assert [r["epochs"] for r in rows["rows"]] == [2, 4]
    assert rows["fixtures"] == FIXTURES and rows["cost_per_sample"] is None
    assert rows["rows"][0]["mde"] > rows["rows"][1]["mde"] > 0
    one = json.loads(_run("--json", "db_optimize").output)
    assert one["fixtures"] == len(load_all(["db_optimize"])) and one["rows"][0]["mde"] > rows["rows"][0]["mde"]


def test_power_from_a_run_prices_a_comparison(tmp_path):
    write_synthetic_logs(tmp_path / "logs", [
        SyntheticVariant("backend", "backend", "backend", np.linspace(0, 1, 12)),
        SyntheticVariant("backend-developer", "backend-developer", "backend-developer", np.linspace(0, 1, 12)),
    ], model="anthropic/claude-sonnet-4-5", epochs=2, seed=4)  # fmt: skip
    result = _run("--from", str(tmp_path / "logs"), "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["cost_per_sample"] > 0 and "pooled over its 2 variants" in got["rates"]
    for row in got["rows"]:
        assert row["samples"] == 2 * FIXTURES * row["epochs"]
        assert row["cost"] == pytest.approx(row["samples"] * got["cost_per_sample"])
    text = _run("--from", str(tmp_path / "logs")).output
    assert "$" in text and "tokens per sample" in text
    assert f"none of the suite's {FIXTURES} fixtures were in the run: they take the distribution of the run's 12" \
        in " ".join(text.split())
    other = json.loads(_run("--from", str(tmp_path / "logs"), "--json", "auth").output)
    assert other["fixtures"] == len(load_all(["auth"])) and "ran none of the chosen families" in other["rates"]


def test_power_from_a_run_without_prices_says_so(tmp_path):
    write_synthetic_logs(tmp_path / "logs", [SyntheticVariant("backend", "backend", "backend", np.full(5, 0.5))],
                         epochs=1, seed=5)  # fmt: skip
    result = _run("--from", str(tmp_path / "logs"))
    assert result.exit_code == 0, result.output
    assert "no price for synthetic/model" in " ".join(result.output.split())


def test_readme_power_table_is_made_by_the_command():
    """The README's table is `evals power --markdown` for the suite as it stands: a fixture
    added or removed changes it, and the README must follow."""
    result = subprocess.run([str(BIN / "evals"), "power", "--markdown"], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ), timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = result.stdout.strip()
    assert f"{FIXTURES} fixtures" in table
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index("<!-- power:start -->"), readme.index("<!-- power:end -->")
    assert readme[start:end].split("-->", 1)[1].strip() == table, "README power table is stale: paste `evals power --markdown`"
