"""Where a command's CPU time went: the sandboxes' containers, the harness, the Docker engine, the rest.

Why: with scripted models the validation suite keeps both cores busy, so its wall time is its CPU
time over the cores. The containers' share (hidden test suites, the services they use, the
agent's tool calls) is work the fixtures ask for; only the rest is the harness's to cut. So
the containers' CPU time over the cores is a floor no harness change can go under.

Counters read before and after the command (nothing sampled, nothing missed):
- the machine: busy time (user, nice, system, irq, softirq; not idle, iowait, steal), by psutil;
- every container: the `docker` cgroup that holds them all (a removed container's time stays
  counted there); cgroup v1 or v2 with the cgroupfs driver, else not available;
- the harness: the command's process tree (its rusage once waited for);
- the engine: dockerd and containerd themselves, by psutil (not the per-container shims or
  runc: "rest").
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

CONTAINER_COUNTERS = (
    (Path("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage"), "ns"),  # v1
    (Path("/sys/fs/cgroup/cpu,cpuacct/docker/cpuacct.usage"), "ns"),  # v1, joint mount
    (Path("/sys/fs/cgroup/docker/cpu.stat"), "usage_usec"),  # v2, cgroupfs driver
)
ENGINE = ("dockerd", "containerd")


@dataclass(frozen=True)
class Counters:
    wall: float
    busy: float
    containers: float | None
    engine: float


@dataclass(frozen=True)
class CpuSplit:
    """CPU seconds of one command, by who spent them."""

    wall_s: float
    cores: int
    busy_s: float
    containers_s: float | None
    harness_s: float
    engine_s: float

    @property
    def rest_s(self) -> float:
        """Container shims, runc, the kernel's own work, anything else on the machine."""
        return self.busy_s - (self.containers_s or 0.0) - self.harness_s - self.engine_s

    @property
    def utilisation(self) -> float:
        return self.busy_s / (self.wall_s * self.cores) if self.wall_s else 0.0

    @property
    def floor_s(self) -> float | None:
        """Wall time if the containers' work were all there is and it kept every core busy."""
        return None if self.containers_s is None else self.containers_s / self.cores

    def as_dict(self) -> dict[str, float | int | None]:
        return {**asdict(self), "rest_s": self.rest_s, "utilisation": self.utilisation, "floor_s": self.floor_s}

    def sentence(self) -> str:
        def part(name: str, seconds: float | None) -> str:
            if seconds is None:
                return f"{name} n/a"
            return f"{name} {seconds:.0f} s ({seconds / self.busy_s:.0%})" if self.busy_s else f"{name} {seconds:.0f} s"

        floor = "" if self.floor_s is None else f"; floor (containers' CPU / {self.cores} cores) {self.floor_s / 60:.1f} min"
        return (f"{self.busy_s:.0f} CPU-s busy ({self.utilisation:.0%} of {self.cores} cores): "
                + ", ".join([part("containers", self.containers_s), part("harness", self.harness_s),
                             part("docker engine", self.engine_s), part("rest", self.rest_s)]) + floor)  # fmt: skip


CPU_FIELDS = tuple(CpuSplit.__dataclass_fields__)
"""the stored fields (bench.json keeps them beside the derived ones)"""


def busy_seconds(times: Any) -> float:
    """Busy CPU seconds from `psutil.cpu_times()`: user, nice, system, irq, softirq (guest time
    is inside user; idle, iowait and steal are no work done here)."""
    return times.user + times.nice + times.system + times.irq + times.softirq


def container_seconds(counters: tuple[tuple[Path, str], ...] = CONTAINER_COUNTERS) -> float | None:
    """CPU seconds charged so far to every Docker container (cgroupfs driver), or None."""
    for path, unit in counters:
        try:
            text = path.read_text()
        except OSError:
            continue
        if unit == "ns":
            return int(text.strip()) / 1e9
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == unit:
                return int(value) / 1e6
    return None


def process_seconds(names: tuple[str, ...] = ENGINE) -> float:
    """User + system CPU seconds of the running processes with these exact names."""
    total = 0.0
    for proc in psutil.process_iter(["name", "cpu_times"]):
        times = proc.info["cpu_times"]  # None when the process went away meanwhile
        if proc.info["name"] in names and times is not None:
            total += times.user + times.system
    return total


def read_counters() -> Counters:
    return Counters(time.perf_counter(), busy_seconds(psutil.cpu_times()), container_seconds(), process_seconds())


def run_split(command: list[str], **popen: object) -> tuple[subprocess.CompletedProcess[str], CpuSplit]:
    """Run `command` to the end (output captured) and say where the machine's CPU time went."""
    before = read_counters()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, check=False, **popen)  # type: ignore[call-overload]
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = read_counters()
    harness = (children_after.ru_utime - children_before.ru_utime) + (children_after.ru_stime - children_before.ru_stime)
    containers = None if before.containers is None or after.containers is None else after.containers - before.containers
    split = CpuSplit(after.wall - before.wall, os.cpu_count() or 1, after.busy - before.busy, containers,
                     harness, after.engine - before.engine)  # fmt: skip
    return result, split
