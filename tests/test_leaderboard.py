"""The leaderboard report from logs: tables, paired comparisons, charts, and bad input."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from evals.leaderboard import build_report, to_markdown, write_report
from evals.logdata import load_samples
from evals.paths import PERSONAS_DIR
from evals.personas import load_personas
from evals.synthetic import SyntheticVariant, write_synthetic_logs
from inspect_ai.log import EvalConfig, EvalDataset, EvalLog, EvalSpec, write_eval_log

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
    for heading in ("Resolved rate by variant", "Paired differences", "By task family",
                    "Tool calls per sample", "The persona documents", "Notes"):
        assert f"## {heading}" in markdown


def test_written_files_are_self_contained(tmp_path):
    data = load_samples(_logs(tmp_path))
    written = write_report(build_report(data.samples, load_personas(PERSONAS_DIR)), tmp_path / "out")
    names = {p.name for p in written}
    assert {"leaderboard.md", "leaderboard.html", "resolved_rate.png", "families.png", "tool_calls.png"} <= names
    for png in (tmp_path / "out").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "out" / "leaderboard.html").read_text()
    assert html.count("data:image/png;base64,") == 3
    # nothing fetched from elsewhere: the page opens offline
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_cli_leaderboard_and_bad_input(tmp_path):
    evals = str(ROOT / ".venv" / "bin" / "evals")
    good = subprocess.run([evals, "leaderboard", str(_logs(tmp_path)), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "| synthetic/model | backend |" in good.stdout and "skipped" in good.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    for bad in (empty, tmp_path / "missing"):
        result = subprocess.run([evals, "leaderboard", str(bad)], capture_output=True, text=True)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert str(bad) in result.stderr
