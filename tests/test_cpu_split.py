"""The benchmark's CPU accounting (benchmarks/cpu_split.py) puts CPU time where it was spent:
work inside a container counts for the containers, work in the command's own processes for the
harness. The validation suite's floor (containers' CPU over the cores) rests on this."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from cpu_split import busy_seconds, container_seconds, run_split  # noqa: E402
from sandbox_support import build_image  # noqa: E402

BUSY_LOOP = "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done"


def test_busy_time_leaves_out_idle_iowait_and_steal():
    times = psutil.cpu_times()._replace(user=1.0, nice=0.2, system=0.3, idle=50.0, iowait=4.0,
                                        irq=0.06, softirq=0.04, steal=7.0, guest=0.5)  # fmt: skip
    assert busy_seconds(times) == pytest.approx(1.6)


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> str:
    context = tmp_path_factory.mktemp("busybox-like")
    (context / "Dockerfile").write_text("FROM debian:bookworm-slim\n")
    return build_image(context, "evals-test/cpu-split")


@pytest.mark.docker
def test_work_in_a_container_counts_for_the_containers(image):
    if container_seconds() is None:
        pytest.fail("no Docker cgroup counter on this machine (cgroupfs driver expected, see ENVIRONMENT.md)")
    result, split = run_split(["docker", "run", "--rm", "--network", "none", image, "sh", "-c", BUSY_LOOP])
    assert result.returncode == 0, result.stderr
    assert split.containers_s is not None and split.containers_s > 0.3, split
    assert split.containers_s > 5 * split.harness_s, split
    assert split.floor_s == pytest.approx(split.containers_s / split.cores)


def test_work_in_the_command_counts_for_the_harness():
    # a second of the child's own CPU time, whatever the machine's speed (a fixed amount of work
    # took 0.28 s on a fast hour and failed the bound)
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0: pass"
    result, split = run_split([sys.executable, "-c", busy])
    assert result.returncode == 0, result.stderr
    assert split.harness_s > 0.8, split
    assert split.harness_s > 5 * (split.containers_s or 0.0), split
    assert split.busy_s >= 0.9 * split.harness_s, split  # the machine saw it too
