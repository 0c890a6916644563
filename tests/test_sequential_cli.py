"""`evals matrix --until-decided` end to end with scripted models (needs Docker and the images).

NOT RUN by its author (it starts Docker containers). The comparison is between two variants on
one model, so with `replay/oracle` both variants resolve the fixture: every pair differs by 0,
3 pairs can never decide, and the command must say "not decided after max epochs" (exit 1).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVALS = ROOT / ".venv" / "bin" / "evals"

pytestmark = pytest.mark.docker


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(EVALS), *args], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ), timeout=3000)  # fmt: skip


def test_until_decided_stops_and_says_so(tmp_path):
    result = _run("matrix", "--model", "replay/oracle", "--families", "db_optimize",
                  "--fixtures", "n_plus_one_orders", "--until-decided", "--baseline", "none+tools:minimal",
                  "--candidate", "backend", "--max-epochs", "3", "--log-dir", str(tmp_path / "logs"))  # fmt: skip
    assert "round 1: 1 pairs" in result.stdout, result.stdout + result.stderr[-2000:]
    assert "round 3: 3 pairs" in result.stdout
    assert "not decided after max epochs" in result.stdout
    assert result.returncode == 1


def test_until_decided_rejects_an_unknown_variant_before_running(tmp_path):
    result = _run("matrix", "--model", "replay/noop", "--until-decided", "--baseline", "nope",
                  "--log-dir", str(tmp_path / "logs"))  # fmt: skip
    assert result.returncode == 2 and "unknown variant 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
