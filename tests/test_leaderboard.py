"""The leaderboard report from logs: tables, paired comparisons, charts, and bad input."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evals.leaderboard import build_report, write_report
from evals.report_html import to_html
from evals.report_markdown import overall_markdown, to_markdown, usage_markdown
from evals.logdata import LogDataError, load_samples
from evals.logzip import latest_attempts, local_path
from evals.paths import PERSONAS_DIR
from evals.personas import load_personas
from evals.prices import Price, load_prices
from evals.synthetic import SyntheticVariant, write_synthetic_logs
from inspect_ai.log import EvalConfig, EvalDataset, EvalError, EvalLog, EvalSpec, read_eval_log, write_eval_log

ROOT = Path(__file__).resolve().parents[1]


def _logs(tmp_path: Path) -> Path:
    log_dir = tmp_path / "logs"
    write_synthetic_logs(log_dir, [
        SyntheticVariant("backend", "backend", "backend", np.full(30, 0.9)),
        SyntheticVariant("backend-developer", "backend-developer", "backend-developer", np.full(30, 0.3)),
        SyntheticVariant("none+tools:minimal", "none", "minimal", np.full(30, 0.3)),
    ], epochs=3, seed=5, infra_rate=0.05)  # fmt: skip
    (log_dir / "corrupt.eval").write_bytes(b"PK\x03\x04 not really a zip")
    foreign = EvalLog(eval=EvalSpec(created=datetime.now(timezone.utc).isoformat(), task="other",
                                    dataset=EvalDataset(), model="x/y", config=EvalConfig()), status="success")
    write_eval_log(foreign, str(log_dir / "foreign.eval"))
    return log_dir


def test_report_tables_pairs_and_skips(tmp_path):
    data = load_samples(_logs(tmp_path))
    assert len(data.samples) == 270
    assert any("corrupt.eval" in s for s in data.skipped)
    assert any("foreign.eval" in s and "not a log of this harness" in s for s in data.skipped)
    report = build_report(data.samples, load_personas(PERSONAS_DIR), data.skipped)
    overall = report.overall.set_index("variant")
    assert overall.loc["backend", "rate"] > 0.75 and overall.loc["backend-developer", "rate"] < 0.45
    assert overall.loc["backend", "ci_method"] == "cluster-robust"
    assert (overall["infra_failures"] > 0).all()
    pair = report.pairs.set_index(["a", "b"]).loc[("backend", "backend-developer")]
    assert pair["diff"] > 0.4 and pair["p_value"] < 0.001
    assert "backend resolves" in pair["verdict"]
    same = report.pairs.set_index(["a", "b"]).loc[("backend-developer", "none+tools:minimal")]
    if same["p_value"] >= 0.05:
        assert same["verdict"].startswith("No detectable difference")
    assert set(report.tools.columns) >= {"Read", "Edit"}
    assert set(report.personas["persona"]) == {"backend", "backend-developer"}
    assert not report.scripted
    markdown = to_markdown(report)
    for heading in ("The answer", "Resolved rate by variant", "Fixtures × variants", "All paired differences",
                    "By task family", "Tool calls per sample", "The persona documents", "Notes"):
        assert f"## {heading}" in markdown


def test_written_files_are_self_contained(tmp_path):
    data = load_samples(_logs(tmp_path))
    written = write_report(build_report(data.samples, load_personas(PERSONAS_DIR)), tmp_path / "out")
    names = {p.name for p in written}
    assert {"leaderboard.md", "leaderboard.html", "forest.png", "resolved_rate.png", "families.png",
            "tool_calls.png"} <= names
    for png in (tmp_path / "out").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "out" / "leaderboard.html").read_text()
    assert html.count("data:image/png;base64,") == 4
    # nothing fetched from elsewhere: the page opens offline (links go to the local log viewer)
    assert not re.search(r'src="(?!data:)', html) and "<link" not in html and "@import" not in html
    assert set(re.findall(r'href="(https?://[^/"]+/)', html)) == {"http://127.0.0.1:7575/"}


def test_cli_leaderboard_and_bad_input(tmp_path):
    evals = str(ROOT / ".venv" / "bin" / "evals")
    good = subprocess.run([evals, "leaderboard", str(_logs(tmp_path)), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "| react | backend | backend | " in good.stdout and "skipped" in good.stderr
    assert good.stdout.startswith("**synthetic/model · react**")  # the answer first
    empty = tmp_path / "empty"
    empty.mkdir()
    for bad in (empty, tmp_path / "missing"):
        result = subprocess.run([evals, "leaderboard", str(bad)], capture_output=True, text=True)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert str(bad) in result.stderr


def test_leaderboard_of_finished_eval_logs_does_not_load_inspect(tmp_path):
    """Importing Inspect costs ~1.5 s, a third of the 5-s budget for 50,000 samples: finished
    .eval logs are listed and read without it (a corrupt file still goes to Inspect's reader)."""
    logs = _logs(tmp_path)
    for name in ("corrupt.eval", "foreign.eval"):
        (logs / name).unlink()
    code = ("import sys; from evals.cli import main\n"
            "try:\n    main(sys.argv[1:], standalone_mode=False)\nfinally:\n"
            "    print('INSPECT', sorted(m for m in sys.modules if m.startswith('inspect_ai'))[:3], file=sys.stderr)")
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code, "leaderboard", str(logs),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| react | backend | backend | " in result.stdout
    assert "INSPECT []" in result.stderr, result.stderr[-2000:]


def test_cache_tokens_per_variant_and_in_cost(tmp_path):
    """Cache writes and reads from the logs' model usage, per variant, next to input/output
    tokens in every rendering, and priced at the table's cache prices."""
    variants = [SyntheticVariant("backend", "backend", "backend", np.full(10, 0.8)),
                SyntheticVariant("none+tools:minimal", "none", "minimal", np.full(10, 0.4))]  # fmt: skip
    paths = write_synthetic_logs(tmp_path / "logs", variants, model="anthropic/claude-sonnet-4-5",
                                 epochs=2, seed=3, cache_share=0.6)  # fmt: skip
    price = Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30)
    data = load_samples(tmp_path / "logs", {"anthropic/claude-sonnet-4-5": price})
    report = build_report(data.samples, load_personas(PERSONAS_DIR))
    overall = report.overall.set_index("variant")
    for path, variant in zip(paths, variants):
        usages = [u for s in read_eval_log(str(path)).samples for u in s.model_usage.values()]
        expected = {"input_tokens": sum(u.input_tokens for u in usages),
                    "output_tokens": sum(u.output_tokens for u in usages),
                    "cache_write_tokens": sum(u.input_tokens_cache_write for u in usages),
                    "cache_read_tokens": sum(u.input_tokens_cache_read for u in usages)}  # fmt: skip
        row = overall.loc[variant.name]
        assert expected["cache_read_tokens"] > 0 and expected["cache_write_tokens"] > 0
        assert {k: row[k] for k in expected} == expected
        prompt = expected["input_tokens"] + expected["cache_write_tokens"] + expected["cache_read_tokens"]
        assert row["cache_read_share"] == pytest.approx(expected["cache_read_tokens"] / prompt)
        assert row["cache_read_share"] == pytest.approx(0.6, abs=0.01)
        dollars = (expected["input_tokens"] * 3.0 + expected["output_tokens"] * 15.0
                   + expected["cache_write_tokens"] * 3.75 + expected["cache_read_tokens"] * 0.30) / 1e6  # fmt: skip
        assert row["cost_usd"] == pytest.approx(dollars)
        # the cache discount is real: the same tokens at the full input price cost more
        assert row["cost_usd"] < (prompt * 3.0 + expected["output_tokens"] * 15.0) / 1e6
        # the usage row: per-sample tokens, uncached input, output, cache write, cache read (share)
        n = row["samples"]
        line = next(l for l in usage_markdown(report).splitlines() if f"| {variant.name} |" in l)
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[3:7] == [f"{expected['input_tokens'] / n:,.0f}", f"{expected['output_tokens'] / n:,.0f}",
                              f"{expected['cache_write_tokens'] / n:,.0f}",
                              f"{expected['cache_read_tokens'] / n:,.0f} ({row['cache_read_share'] * 100:.0f}%)"]  # fmt: skip
        assert cells[7] == f"${row['cost_usd']:.4f}" if row["cost_usd"] < 1 else f"${row['cost_usd']:,.2f}"
    header = usage_markdown(report).splitlines()[0]
    assert ("| Uncached input per sample | Output per sample | Cache writes per sample "
            "| Cache reads per sample (share of input) | Cost, all samples |") in header
    assert any("prompt cache" in note for note in report.notes)
    html = to_html(report, {})
    assert "Cache writes per sample" in html and "Cache reads per sample (share of input)" in html

    # logs without cache tokens: zeros, not missing values; the share is undefined
    write_synthetic_logs(tmp_path / "plain", variants[:1], model="x/model", epochs=1, seed=3)
    plain = build_report(load_samples(tmp_path / "plain").samples, {}).overall.iloc[0]
    assert plain["cache_write_tokens"] == plain["cache_read_tokens"] == 0 and np.isnan(plain["cost_usd"])
    assert "| 0 | 0 (0%) |" in usage_markdown(build_report(load_samples(tmp_path / "plain").samples, {}))


def test_anthropic_prices_carry_cache_prices(tmp_path):
    """Every Anthropic model in the table has cache prices at the standard ratios, and a row
    that leaves them out gets those ratios instead of free cache tokens."""
    table = load_prices()
    anthropic = {m: p for m, p in table.items() if m.startswith("anthropic/")}
    assert anthropic
    for model, price in anthropic.items():
        assert price.cache_write == pytest.approx(1.25 * price.input), model
        assert price.cache_read == pytest.approx(0.1 * price.input), model
    extra = tmp_path / "prices.yaml"
    extra.write_text("anthropic/claude-new: {input: 2.0, output: 10.0}\nother/model: {input: 2.0, output: 10.0}\n")
    table = load_prices(extra)
    assert table["anthropic/claude-new"] == Price(2.0, 10.0, 2.5, 0.2)
    assert table["other/model"] == Price(2.0, 10.0, 0.0, 0.0)


def test_a_log_with_scored_and_unscored_samples_reads(tmp_path):
    """A sample with no score (its scorer never ran) next to scored ones in one log: it counts
    as an infra failure, not as a crash of the whole report (it used to raise on pd.NA)."""
    variant = SyntheticVariant("backend", "backend", "backend", np.array([1.0, 1.0, 1.0]))
    [path] = write_synthetic_logs(tmp_path / "logs", [variant], epochs=1, seed=3)
    log = read_eval_log(str(path))
    log.samples[1].scores = None
    write_eval_log(log, str(path))
    samples = load_samples(tmp_path / "logs").samples.set_index("fixture")
    assert list(samples.index) == ["fx0000", "fx0001", "fx0002"]
    assert samples["scored"].tolist() == [True, False, True]
    assert samples["infra"].tolist() == [False, True, False]
    assert samples["resolved"].tolist() == [1.0, 0.0, 1.0]


def test_zip_reader_and_inspect_reader_give_the_same_table(tmp_path):
    """The leaderboard reads finished .eval logs straight from their zip (Inspect's reader is
    too slow for 50,000 samples). Both readers must agree on every column, with an errored
    sample, an unscored one, a .json log (always read by Inspect) and unreadable files around."""
    log_dir = _logs(tmp_path)
    [path] = write_synthetic_logs(tmp_path / "extra", [
        SyntheticVariant("backend+tools:minimal", "backend", "minimal", np.full(4, 0.5))], epochs=2, seed=9)  # fmt: skip
    log = read_eval_log(str(path))
    # an error recorded after the score was written still makes the sample an infra failure
    log.samples[0].error = EvalError(message="RuntimeError('sandbox died')", traceback="", traceback_ansi="")
    log.samples[3].scores = None
    write_eval_log(log, str(log_dir / "with_errors.eval"))
    log.eval.eval_id, log.eval.model = "json-copy", "synthetic/other"
    write_eval_log(log, str(log_dir / "2026-11-23T03-00-00+00-00_synthetic_jsoncopy.json"), format="json")
    fast, slow = load_samples(log_dir), load_samples(log_dir, reader="inspect")
    pd.testing.assert_frame_equal(fast.samples, slow.samples)
    assert sorted(fast.skipped) == sorted(slow.skipped) and len(fast.skipped) == 2
    errored = fast.samples[(fast.samples["variant"] == "backend+tools:minimal") & fast.samples["infra"]]
    assert len(errored) == 4 and not errored["scored"].any()
    assert set(errored["model"]) == {"synthetic/model", "synthetic/other"}


def test_latest_attempt_of_a_sample_wins():
    """A requeued sample's re-run is written after the attempt it replaces."""
    first = {"id": 1, "epoch": 1, "scores": "first"}
    rows = [first, {"id": "2", "epoch": 1}, {"id": "1", "epoch": 1, "scores": "rerun"}, {"id": 1, "epoch": 2}]
    assert [r.get("scores") for r in latest_attempts(rows)] == ["rerun", None, None]


def test_log_names_as_inspect_lists_them():
    assert local_path("file:///tmp/my%20logs/a.eval") == Path("/tmp/my logs/a.eval")
    assert local_path("/tmp/b.eval") == Path("/tmp/b.eval")
    assert local_path("s3://bucket/logs/a.eval") is None


def test_unknown_reader_is_a_clear_error(tmp_path):
    with pytest.raises(LogDataError, match="unknown log reader 'fast'"):
        load_samples(_logs(tmp_path), reader="fast")


def test_a_variant_resolving_everything_is_charted(tmp_path):
    """At a rate of 1 the Wilson upper bound is 1 only up to rounding: the chart's error bar must
    not come out negative (matplotlib refuses it, which crashed `evals leaderboard`)."""
    write_synthetic_logs(tmp_path / "logs", [
        SyntheticVariant("backend", "backend", "backend", np.full(12, 1.0)),
        SyntheticVariant("backend-developer", "backend-developer", "backend-developer", np.full(12, 0.0)),
    ], epochs=1, seed=2, infra_rate=0.0)  # fmt: skip
    data = load_samples(tmp_path / "logs")
    report = build_report(data.samples, load_personas(PERSONAS_DIR))
    assert report.overall.set_index("variant").loc["backend", "rate"] == 1.0
    written = write_report(report, tmp_path / "out")
    assert (tmp_path / "out" / "resolved_rate.png") in written


def test_agents_are_compared_within_and_the_effect_across(tmp_path):
    """Pairs stay within an agent; a persona comparison run under both agents gets one row
    saying whether it holds under each (here: it holds under react, vanishes in Claude Code)."""
    log_dir = tmp_path / "logs"
    write_synthetic_logs(log_dir, [
        SyntheticVariant("backend", "backend", "backend", np.full(40, 0.9)),
        SyntheticVariant("none+tools:minimal", "none", "minimal", np.full(40, 0.2)),
        SyntheticVariant("claude-code:backend", "backend", "backend", np.full(40, 0.6), agent="claude-code"),
        SyntheticVariant("claude-code:none+tools:minimal", "none", "minimal", np.full(40, 0.6), agent="claude-code"),
    ], epochs=2, seed=3)  # fmt: skip
    report = build_report(load_samples(log_dir).samples, load_personas(PERSONAS_DIR))
    assert set(report.overall["agent"]) == {"react", "claude-code"}
    for row in report.pairs.itertuples():  # never a react variant against a claude-code one
        assert row.a.startswith("claude-code:") == row.b.startswith("claude-code:") == (row.agent == "claude-code")
    (effect,) = report.agents.itertuples(index=False)
    row = dict(zip(report.agents.columns, effect))
    assert (row["a"], row["b"]) == ("backend", "none+tools:minimal")
    assert re.fullmatch(r"\+\d+\.\d \([−+]?\d+\.\d to \+\d+\.\d\)", row["react: difference, points (95% CI)"])
    assert row["holds"] == "not established under every agent"
    markdown = to_markdown(report)
    assert "## Does the persona's effect hold in real Claude Code?" in markdown
    assert "| react | backend | backend |" in markdown and "| claude-code | backend | backend |" in markdown


def test_report_lists_the_fixtures_that_cannot_tell_variants_apart(tmp_path):
    """Fixtures every variant solved, or none did, carry no information about a difference: the
    Markdown report and the page name them per model and agent, and only them."""
    log_dir = tmp_path / "logs"
    write_synthetic_logs(log_dir, [
        SyntheticVariant("backend", "backend", "backend", np.array([1.0, 0.0, 1.0, 0.0, 1.0])),
        SyntheticVariant("backend-developer", "backend-developer", "backend-developer", np.array([1.0, 0.0, 0.0, 1.0, 1.0])),
    ], epochs=3, seed=2)  # fmt: skip
    report = build_report(load_samples(log_dir).samples, load_personas(PERSONAS_DIR))
    (grid,) = report.grids
    assert grid.uninformative() == {"every variant solved": ["synthetic/fx0000", "synthetic/fx0004"],
                                    "no variant solved": ["synthetic/fx0001"]}  # fmt: skip
    markdown = to_markdown(report)
    section = markdown.split("## Fixtures that cannot tell variants apart", 1)[1].split("\n## ", 1)[0]
    assert ("- **synthetic/model · react** — every variant solved (2): synthetic/fx0000, synthetic/fx0004; "
            "no variant solved (1): synthetic/fx0001") in section
    assert "fx0002" not in section and "fx0003" not in section
    html = to_html(report, {})
    assert "every variant solved (2): synthetic/fx0000, synthetic/fx0004; no variant solved (1): synthetic/fx0001" in html
