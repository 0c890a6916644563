"""`make bench`: what the harness costs per sample, measured against the raw Docker floor.

Every figure is a ratio against something measured in the same run on the same machine
(timings on a shared 2-core box are noisy; ratios are what we compare across runs):

- sandbox lifecycle: Inspect's compose sandbox and the project's `docker-sdk` provider
  (`sample_init` + `sample_cleanup`) vs creating, starting (until healthy) and removing the same
  containers and network with the `docker` SDK, the three interleaved run by run; with a
  breakdown of where Inspect's time goes;
- exec round trip: `SandboxEnvironment.exec(["true"])` on both providers vs the SDK's
  `exec_run(["true"])` on the same container;
- throughput: one fixture × 8 epochs with the scripted no-op model at 1, 2, 4, 8 samples at once
  (agent, hidden tests and teardown included), on `--sandbox` (default docker-sdk);
- the two agents: `replay/oracle` with the backend persona on every db_optimize fixture, one
  sample at a time, under react and under the real Claude Code: wall and CPU per sample, and
  their ratio;
- image cache: a rebuild of every fixture image with nothing changed (and, with --cold, a cold
  build after removing every stack and fixture image and BuildKit's cache; the base OS image and
  the host's wheel cache are kept);
- `evals leaderboard` on synthetic logs of 1k / 10k / 50k samples: wall time and peak memory
  (median of 3 runs taking turns), and on 50k also with `--reader inspect`;
- codebase setup: what starting a shared codebase's service costs in a grading container, the
  plain way and the warm way, taking turns (bookings: a build with an empty transpile cache vs the
  image's; commerce: migrations, seed and API as new interpreters vs forks of a warm one), in
  CPU-seconds of the processes of the code under test;
- with --validation: the whole validation suite, warm, as `make test` runs it (every state of
  every fixture graded directly, every cheat on one fixture per family), part by part, with where each part's CPU time went (cpu_split.py): the containers' share over the
  cores is the floor no harness change can go under.

Results: results/bench.json and results/bench.md. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import docker
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.fixtures import load_all, load_fixture  # noqa: E402
from evals.images import ensure_images, fixture_image_tag, service_images, stack_image_tag  # noqa: E402
from evals.paths import TASKS_DIR  # noqa: E402
from evals.providers import DEFAULT_SANDBOX, LOCAL_SANDBOXES  # noqa: E402
from evals.docker_sdk import container_specs, create_body  # noqa: E402
from evals.sandbox import compose_config  # noqa: E402
from evals.synthetic import SyntheticVariant, fixture_probabilities, write_synthetic_logs  # noqa: E402

from cpu_split import CPU_FIELDS, CpuSplit, run_split  # noqa: E402  (this folder)

ONE_CONTAINER = TASKS_DIR / "db_optimize" / "fixtures" / "n_plus_one_orders"
WITH_POSTGRES = TASKS_DIR / "db_optimize" / "fixtures" / "missing_index_lookup"
EVALS = [sys.executable, "-m", "evals.cli"]
"""the CLI of this checkout (run with cwd=ROOT), under the interpreter running the benchmark"""

TARGETS = {
    "lifecycle_one_container": 2.0,
    "lifecycle_postgres": 2.0,
    "exec": 1.3,
    "rebuild_no_change_s": 5.0,
    "leaderboard_50k_s": 5.0,
    "leaderboard_50k_mb": 1024.0,
    "validation_s": 600.0,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- timing helpers

STAGES: dict[str, list[float]] = defaultdict(list)


def timed_stage(name: str, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap one of Inspect's docker helpers so the time spent in it is recorded."""

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            STAGES[name].append(time.perf_counter() - started)

    return wrapper


@contextmanager
def inspect_stage_timers() -> Iterator[None]:
    """Time the compose steps inside Inspect's docker sandbox (where its lifecycle goes)."""
    from inspect_ai.util._sandbox.docker import docker as inspect_docker

    names = ["compose_up", "compose_services", "compose_check_running", "container_working_dir",
             "project_cleanup"]
    saved = {name: getattr(inspect_docker, name) for name in names}
    for name, fn in saved.items():
        setattr(inspect_docker, name, timed_stage(name, fn))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(inspect_docker, name, fn)


def summary(values: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(values), "min_s": min(values), "n": len(values)}


# ----------------------------------------------------------------------------- 1. lifecycle


LIFECYCLE_WAYS = ("sdk", "docker", "docker-sdk")
"""the floor, Inspect's compose sandbox, the project's provider: measured in turn, run by run"""


async def lifecycles(fixture_dir: Path, runs: int) -> tuple[dict[str, list[float]], dict[str, float]]:
    """`runs` sample lifecycles of the fixture each way (`LIFECYCLE_WAYS`), interleaved: run 1
    of each, then run 2 of each, ... A teardown leaves the engine busy for a moment (removing
    layers, networks), so measured in blocks the way that came second paid for the one before
    it: 4.13 s against a 1.52-s floor for `docker-sdk` on PostgreSQL in blocks, the same
    provider within 10% of the floor interleaved. Also returns Inspect's time per compose step."""
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

    import evals.docker_sdk  # noqa: F401  (registers docker-sdk)

    fixture = load_fixture(fixture_dir)
    config = compose_config(fixture)
    providers = {name: registry_find_sandboxenv(name) for name in LIFECYCLE_WAYS if name != "sdk"}
    api = docker.from_env().api  # the floor's client and create bodies are made once, untimed
    specs, network = container_specs(config)
    task = f"bench-{fixture.id}".replace("_", "-")
    for provider in providers.values():
        await provider.task_init(task, config)
    times: dict[str, list[float]] = {name: [] for name in LIFECYCLE_WAYS}
    STAGES.clear()
    try:
        with inspect_stage_timers():  # they wrap Inspect's compose helpers: docker-sdk never calls them
            for run in range(runs):
                for name in LIFECYCLE_WAYS:
                    started = time.perf_counter()
                    if name == "sdk":
                        sdk_lifecycle_once(api, specs, f"bench-floor-{os.getpid()}-{run}" if network else None)
                    else:
                        envs = await providers[name].sample_init(task, config, {})
                        await providers[name].sample_cleanup(task, config, envs, interrupted=False)
                    times[name].append(time.perf_counter() - started)
    finally:
        for provider in providers.values():
            await provider.task_cleanup(task, config, cleanup=True)
    stages = {name: statistics.median(values) * len(values) / runs for name, values in STAGES.items()}
    return times, stages


def sdk_lifecycle_once(api: Any, specs: list[tuple[str, dict[str, Any]]], net: str | None) -> None:
    """The floor: the same containers (agent, services) and network (`net`, None when
    the fixture has none), from the same create bodies `docker-sdk` sends (limits, aliases,
    healthchecks), posted with the SDK's low-level client and nothing else: created, started,
    waited healthy, removed."""
    if net:
        api.create_network(net, internal=True)
    ids = []
    try:
        for _, spec in specs:
            ids.append(api.create_container_from_config(create_body(spec, net, {}))["Id"])
            api.start(ids[-1])
        for container in ids:  # like `compose up --wait`: services healthy
            while (api.inspect_container(container)["State"].get("Health") or {}).get("Status",
                                                                                     "healthy") != "healthy":
                time.sleep(0.1)
    finally:
        for container in ids:
            api.remove_container(container, force=True)
        if net:
            api.remove_network(net)


# ----------------------------------------------------------------------------- 2. exec


async def exec_round_trips(fixture_dir: Path, calls: int, provider: str = "docker") -> tuple[list[float], list[float]]:
    """`exec(["true"])` through an Inspect sandbox provider vs `exec_run` on the same container."""
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

    import evals.docker_sdk  # noqa: F401  (registers docker-sdk)
    from evals.sandbox import _container_id

    fixture = load_fixture(fixture_dir)
    config = compose_config(fixture)
    docker_env = registry_find_sandboxenv(provider)
    task = "bench-exec"
    await docker_env.task_init(task, config)
    envs = await docker_env.sample_init(task, config, {})
    try:
        env = next(iter(envs.values()))
        container = docker.from_env().containers.get(await _container_id(env))
        inspect_times, sdk_times = [], []
        for _ in range(3):  # warm both paths
            await env.exec(["true"])
            container.exec_run(["true"])
        for _ in range(calls):  # interleaved, so drift in machine load hits both alike
            started = time.perf_counter()
            result = await env.exec(["true"])
            inspect_times.append(time.perf_counter() - started)
            assert result.success
            started = time.perf_counter()
            sdk = container.exec_run(["true"])
            sdk_times.append(time.perf_counter() - started)
            assert sdk.exit_code == 0
    finally:
        await docker_env.sample_cleanup(task, config, envs, interrupted=False)
        await docker_env.task_cleanup(task, config, cleanup=True)
    return inspect_times, sdk_times


# ----------------------------------------------------------------------------- 3. throughput


def throughput(fixture_dir: Path, epochs: int, levels: list[int], log_root: Path, sandbox: str) -> dict[int, float]:
    """Wall seconds for `epochs` samples of one fixture with the no-op model, per concurrency."""
    from inspect_ai import eval as inspect_eval

    from evals.task import family_task

    fixture = load_fixture(fixture_dir)
    family_dir = fixture_dir.parents[1]
    out = {}
    for level in levels:
        task = family_task(family_dir, persona="none", tools="minimal", fixtures=fixture.id, sandbox=sandbox)
        started = time.perf_counter()
        logs = inspect_eval(task, model="replay/noop", epochs=epochs, max_samples=level,
                            max_sandboxes=level, log_dir=str(log_root / f"c{level}"), display="none")
        out[level] = time.perf_counter() - started
        samples = logs[0].samples or []
        if logs[0].status != "success" or len(samples) != epochs:
            raise RuntimeError(f"throughput run at {level} did not finish: {logs[0].status}")
        log(f"  {level} at once: {out[level]:.1f} s for {epochs} samples")
    return out


# ----------------------------------------------------------------------------- 3b. the two agents

AGENT_SCRIPT = """
import json, sys
from inspect_ai import eval as inspect_eval
from evals.paths import TASKS_DIR
from evals.task import family_task
family, agent, log_dir = sys.argv[1:4]
(log,) = inspect_eval(family_task(TASKS_DIR / family, persona="backend", agent=agent), model="replay/oracle",
                      max_samples=1, max_sandboxes=1, log_dir=log_dir, display="none")
scores = [s.scores["hidden_tests"].value["resolved"] for s in log.samples or [] if s.scores]
print(json.dumps({"status": log.status, "samples": len(log.samples or []), "resolved": sum(scores),
                  "working_s": [s.working_time for s in log.samples or []]}))
"""


def agents(family: str, log_root: Path) -> dict[str, Any]:
    """`replay/oracle` on every fixture of a family under each agent, one sample at a time:
    wall seconds and CPU seconds (the whole machine's, with the containers' share) per sample."""
    found: dict[str, Any] = {}
    for agent in ("react", "claude-code"):
        result, split = run_split([sys.executable, "-c", AGENT_SCRIPT, family, agent, str(log_root / agent)],
                                  cwd=ROOT)  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"{agent}: {result.stderr[-800:]}")
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        n = max(1, outcome["samples"])
        found[agent] = {**outcome, "wall_per_sample_s": split.wall_s / n, "cpu_per_sample_s": split.busy_s / n,
                        "containers_cpu_per_sample_s": (split.containers_s or 0.0) / n,
                        "split": {k: getattr(split, k) for k in CPU_FIELDS}}  # fmt: skip
        log(f"  {agent}: {outcome['resolved']}/{outcome['samples']} resolved, {split.wall_s / n:.1f} s wall and "
            f"{split.busy_s / n:.1f} CPU-s per sample")
    react, cc = found["react"], found["claude-code"]
    found["ratio_wall"] = cc["wall_per_sample_s"] / react["wall_per_sample_s"]
    found["ratio_cpu"] = cc["cpu_per_sample_s"] / react["cpu_per_sample_s"]
    found["family"] = family
    return found


# ----------------------------------------------------------------------------- 4. image cache


def image_rebuild(cold: bool) -> dict[str, float]:
    fixtures = load_all()
    out = {}
    if cold:
        # fixture and stack images and BuildKit's cache go; the base OS image and the host's
        # wheel cache stay (they come from Debian's and PyPI's mirrors, not from this harness)
        client = docker.from_env()
        stacks = {stack_image_tag(name) for f in fixtures for name in {f.image, *service_images(f)}}
        for tag in {fixture_image_tag(f) for f in fixtures} | stacks:
            try:
                client.images.remove(tag, force=True)
            except docker.errors.ImageNotFound:
                pass
        client.api.prune_builds(all=True)
        started = time.perf_counter()
        ensure_images(fixtures, log=lambda _m: None)
        out["cold_build_s"] = time.perf_counter() - started
    started = time.perf_counter()
    built = ensure_images(fixtures, log=lambda _m: None)
    out["rebuild_no_change_s"] = time.perf_counter() - started
    out["images"] = len(built)
    out["rebuilt"] = sum(1 for fresh in built.values() if fresh)
    return out


# ----------------------------------------------------------------------------- 5. leaderboard


LEADERBOARD_RUNS = 3


def leaderboard(sizes: list[int], work: Path) -> dict[int, dict[str, float]]:
    """Time and peak memory of `evals leaderboard` on synthetic logs of each size (and, on the
    largest, with `--reader inspect`: what reading the zips directly saves).

    All log sets are written first; then the timed runs take turns (1k, 10k, 50k, 50k with
    Inspect's reader, then again), like the lifecycle runs: writing 50,000 samples keeps both
    cores busy for minutes, and the runs right after it measured up to 1.5x slower (the virtual
    machine's steal time). Taking turns gives every size the same conditions, and the 1k figure
    stays a fair measure of the fixed cost (start-up, imports, charts)."""
    variants_n, fixtures = 6, 40
    names = ["backend", "backend+tools:minimal", "backend-developer",
             "backend-developer+tools:minimal", "backend+tools:backend-developer", "none"]  # fmt: skip
    samples: dict[int, int] = {}
    for size in sizes:
        epochs = max(1, size // (variants_n * fixtures))
        rng = np.random.default_rng(size)
        variants = [SyntheticVariant(name, name.split("+")[0], name.split(":")[-1] if ":" in name else name.split("+")[0],
                                     fixture_probabilities(fixtures, rng)) for name in names]
        write_synthetic_logs(work / f"logs-{size}", variants, epochs=epochs, seed=size)
        samples[size] = variants_n * fixtures * epochs
        log(f"  wrote synthetic logs of {samples[size]} samples")
    os.sync()  # the writeback of the logs is the setup's cost, not the leaderboard's
    ways = [(size, "zip") for size in sizes] + [(max(sizes), "inspect")]
    runs: dict[tuple[int, str], list[tuple[float, float]]] = {way: [] for way in ways}
    for _ in range(LEADERBOARD_RUNS):
        for size, reader in ways:
            runs[(size, reader)].append(_run_leaderboard(work / f"logs-{size}", work / f"out-{size}-{reader}", reader))
    out: dict[int, dict[str, float]] = {}
    for size, reader in ways:
        seconds = statistics.median(r[0] for r in runs[(size, reader)])
        peak_mb = max(r[1] for r in runs[(size, reader)])
        if reader == "zip":
            out[size] = {"samples": samples[size], "seconds": seconds, "peak_mb": peak_mb,
                         "runs_s": [r[0] for r in runs[(size, reader)]]}  # fmt: skip
        else:
            out[size].update(inspect_reader_s=seconds, inspect_reader_peak_mb=peak_mb)
        log(f"  {samples[size]} samples, --reader {reader}: {seconds:.2f} s (median of {LEADERBOARD_RUNS}), "
            f"peak {peak_mb:.0f} MB")
    return out


#: Runs a command, then prints its wall time, peak memory (KB) and exit code. A process's peak
#: memory counts the memory of the process it was forked from (Linux keeps the high-water mark
#: across exec): forked from this benchmark, hundreds of MB after writing the logs, every command
#: measured at least that much (365 MB for 960 samples). Forked from this small runner, it does not.
_MEASURE = (
    "import json, os, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(proc.pid, 0)\n"
    "print(json.dumps([time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))\n"
)


def _run_leaderboard(logs: Path, out_dir: Path, reader: str) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of one `evals leaderboard` process."""
    cmd = [*EVALS, "leaderboard", str(logs), "--out", str(out_dir), "--reader", reader]
    result = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT)
    try:
        seconds, peak_kb, code = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        code = result.returncode or 1
    if code != 0:
        raise RuntimeError(f"evals leaderboard --reader {reader} failed on {logs}: {result.stderr[-500:]}")
    return seconds, peak_kb / 1024


# ----------------------------------------------------------------------------- 6. validation


#: the validation suite, each part as CI runs it: every state of every fixture (`make validate`)
#: and the red team (in `make test`)
VALIDATION_PARTS = {
    "every state of every fixture (`evals validate`: untouched, reference, alternative, wrong)":
        [sys.executable, "-m", "evals.cli", "validate"],
    "cheats (red team, one fixture per family)":
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_redteam.py::test_no_cheat_resolves_any_family"],
}


def validation() -> dict[str, Any]:
    """Each part of the validation suite, timed, with where its CPU time went (cpu_split)."""
    parts: dict[str, Any] = {}
    for name, command in VALIDATION_PARTS.items():
        log(f"  {name} ...")
        result, split = run_split(command, cwd=ROOT)
        passed = result.returncode == 0
        parts[name] = {"passed": passed, **split.as_dict()}
        log(f"  {name}: {split.wall_s / 60:.1f} min{'' if passed else ' (FAILED)'}; {split.sentence()}")
        if not passed:  # the figures stand (the work was done), the reason is kept and shown
            parts[name]["output_tail"] = result.stdout[-1500:] + result.stderr[-500:]
            log("    " + "\n    ".join((result.stdout + result.stderr).strip().splitlines()[-5:]))
    walls = [p["wall_s"] for p in parts.values()]
    floors = [p["floor_s"] for p in parts.values()]
    return {"seconds": sum(walls), "parts": parts, "passed": all(p["passed"] for p in parts.values()),
            "floor_s": None if None in floors else sum(floors)}  # fmt: skip


# ----------------------------------------------------------------------------- codebase setup

#: (fixture, the kit's import, setup code run the plain way, the warm way): Python run in a grading container with
#: the kits importable; `cpu()` is the CPU time of every process it started and reaped
SETUPS = {
    "bookings build": (
        TASKS_DIR / "caching" / "fixtures" / "bookings_availability_cache_tenant", "import bookingskit as bk",
        "import tempfile; bk._run(['node', 'scripts/build.js', 'tsconfig.json'], "
        "env={'TRANSPILE_CACHE': tempfile.mkdtemp()})",
        "bk._run(['node', 'scripts/build.js', 'tsconfig.json'])",
    ),
    "commerce setup (migrate, seed, serve)": (
        TASKS_DIR / "caching" / "fixtures" / "commerce_cache_cross_tenant", "import commercekit as ck",
        "ck.setup(tenants=2, products=6, customers=1, orders=1)\nwith ck.serve(): pass",
        "with ck.warm():\n    ck.setup(tenants=2, products=6, customers=1, orders=1)\n    with ck.serve(): pass",
    ),
}
_SETUP_RUNNER = """
import json, os, resource, sys, time
sys.path.insert(0, '/grader/kit')
import gradekit
def cpu():
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime
exec(sys.argv[1])  # the kit's import
before, started = cpu(), time.monotonic()
exec(sys.argv[2])
print(json.dumps({"cpu_s": cpu() - before, "wall_s": time.monotonic() - started}))
"""


async def _setup_costs(fixture_dir: Path, kit: str, plain: str, warm: str, runs: int) -> dict[str, list[dict[str, float]]]:
    from evals.grading_env import fresh_environment
    from evals.hidden_run import _NO_AUTOLOAD, prepare

    fixture = load_fixture(fixture_dir)
    found: dict[str, list[dict[str, float]]] = {"plain": [], "warm": []}
    async with fresh_environment(fixture) as env:
        await prepare(env, fixture, {})
        for _ in range(runs + 1):  # the first pair warms the page cache and is dropped
            for way, code in (("plain", plain), ("warm", warm)):
                done = await env.runner.exec(["python3", "-c", _SETUP_RUNNER, kit, code], cwd="/grader/tests",
                                             env=env.runner_env | _NO_AUTOLOAD, timeout=600)  # fmt: skip
                if not done.success:
                    raise RuntimeError(f"{way} setup failed: {(done.stderr or done.stdout)[-1500:]}")
                found[way].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {way: values[1:] for way, values in found.items()}


def codebase_setup(runs: int) -> dict[str, Any]:
    ensure_images([load_fixture(setup[0]) for setup in SETUPS.values()], log=lambda _m: None)
    results = {}
    for name, (fixture_dir, kit, plain, warm) in SETUPS.items():
        found = asyncio.run(_setup_costs(fixture_dir, kit, plain, warm, runs))
        cpu = {way: statistics.median(r["cpu_s"] for r in values) for way, values in found.items()}
        wall = {way: statistics.median(r["wall_s"] for r in values) for way, values in found.items()}
        results[name] = {"fixture": fixture_dir.name, "plain_cpu_s": cpu["plain"], "warm_cpu_s": cpu["warm"],
                         "plain_wall_s": wall["plain"], "warm_wall_s": wall["warm"],
                         "ratio_cpu": cpu["warm"] / cpu["plain"], "runs": found}  # fmt: skip
        log(f"  {name}: {cpu['plain']:.2f} -> {cpu['warm']:.2f} CPU-s ({cpu['warm'] / cpu['plain']:.2f}x), "
            f"wall {wall['plain']:.2f} -> {wall['warm']:.2f} s (medians of {runs} runs taking turns)")
    return results


# ----------------------------------------------------------------------------- report


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def markdown(results: dict[str, Any]) -> str:
    rows = [("measure", "harness", "floor / figure", "ratio or value", "target", "")]
    for key, life in results.get("lifecycle", {}).items():
        for provider, time_key, ratio_key in (("docker", "inspect", "ratio"), ("docker-sdk", "docker_sdk", "docker_sdk_ratio")):
            rows.append((f"sample lifecycle, {key.replace('_', ' ')}, {provider}", f"{life[time_key]['median_s']:.2f} s",
                         f"{life['sdk']['median_s']:.2f} s (SDK)", f"{life[ratio_key]:.2f}×", "≤ 2×",
                         verdict(life[ratio_key], TARGETS[f"lifecycle_{key}"])))
    ex = results.get("exec")
    for provider, time_key, floor_key, ratio_key in (("docker", "inspect", "sdk", "ratio"),
                                                     ("docker-sdk", "docker_sdk", "sdk_paired_with_docker_sdk",
                                                      "docker_sdk_ratio")) if ex else ():  # fmt: skip
        rows.append((f"exec round trip, {provider}", f"{ex[time_key]['median_s'] * 1000:.0f} ms",
                     f"{ex[floor_key]['median_s'] * 1000:.0f} ms (SDK exec_run)", f"{ex[ratio_key]:.2f}×", "≤ 1.3×",
                     verdict(ex[ratio_key], TARGETS["exec"])))
    for level, row in results.get("throughput", {}).items():
        rows.append((f"throughput, {level} at once ({results['sandbox']})", f"{row['seconds']:.1f} s / {row['samples']} samples",
                     f"{row['per_sample_s']:.1f} s per sample", f"{row['speedup']:.2f}× vs 1 at once", "", ""))
    ag = results.get("agents")
    if ag:
        react, cc = ag["react"], ag["claude-code"]
        rows.append((f"claude-code vs react, wall per sample ({ag['family']}, replay/oracle)",
                     f"{cc['wall_per_sample_s']:.1f} s", f"{react['wall_per_sample_s']:.1f} s (react)",
                     f"{ag['ratio_wall']:.2f}×", "", f"resolved {cc['resolved']}/{cc['samples']} vs "
                     f"{react['resolved']}/{react['samples']}"))
        rows.append((f"claude-code vs react, CPU per sample ({ag['family']}, replay/oracle)",
                     f"{cc['cpu_per_sample_s']:.1f} CPU-s", f"{react['cpu_per_sample_s']:.1f} CPU-s (react)",
                     f"{ag['ratio_cpu']:.2f}×", "", ""))
    img = results.get("images")
    if img:
        rows.append(("image rebuild, nothing changed", f"{img['rebuild_no_change_s']:.2f} s",
                     f"{img['images']} images, {img['rebuilt']} rebuilt", "", "< 5 s",
                     verdict(img["rebuild_no_change_s"], TARGETS["rebuild_no_change_s"])))
        if "cold_build_s" in img:
            rows.append(("image build, cold (stack and fixture images, no build cache)", f"{img['cold_build_s']:.1f} s", "", "", "", ""))
    for size, row in results.get("leaderboard", {}).items():
        last = int(size) >= 50_000  # the target is for 50,000 samples
        inspect_reader = (f"; Inspect's reader: {row['inspect_reader_s']:.2f} s, {row['inspect_reader_peak_mb']:.0f} MB"
                          if "inspect_reader_s" in row else "")
        rows.append((f"leaderboard, {row['samples']:,} samples", f"{row['seconds']:.2f} s",
                     f"peak {row['peak_mb']:.0f} MB{inspect_reader}", "", "< 5 s, < 1 GB" if last else "",
                     (verdict(row["seconds"], TARGETS["leaderboard_50k_s"]) + " / "
                      + verdict(row["peak_mb"], TARGETS["leaderboard_50k_mb"])) if last else ""))
    for name, row in results.get("setup", {}).items():
        rows.append((f"{name}, in a grading container ({row['fixture']})", f"{row['warm_cpu_s']:.2f} CPU-s warm",
                     f"{row['plain_cpu_s']:.2f} CPU-s plain", f"{row['ratio_cpu']:.2f}×",
                     "", f"wall {row['warm_wall_s']:.2f} vs {row['plain_wall_s']:.2f} s"))
    val = results.get("validation")
    if val:
        floor = "" if val["floor_s"] is None else f"floor {val['floor_s'] / 60:.1f} min (containers' CPU / cores)"
        rows.append((f"whole validation suite, warm ({DEFAULT_SANDBOX})", f"{val['seconds'] / 60:.1f} min", floor, "",
                     "≤ 10 min", verdict(val["seconds"], TARGETS["validation_s"])
                     + ("" if val["passed"] else ", tests FAILED")))
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    text = f"# Harness benchmark ({results['when']}, {results['machine']})\n\n" + "\n".join(lines) + "\n"
    stages = results.get("lifecycle", {}).get("postgres", {}).get("inspect_stages_s")
    if stages:
        where = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))
        text += f"\nWhere Inspect's sample lifecycle goes (PostgreSQL fixture, per sample): {where}.\n"
    for name, part in (val or {}).get("parts", {}).items():
        text += f"\nValidation suite, {name}: {part['wall_s'] / 60:.1f} min; {CpuSplit(**{k: part[k] for k in CPU_FIELDS}).sentence()}.\n"
    for name, why in results.get("failed", {}).items():
        text += f"\n**{name} failed**, no figures: {why[-300:]}\n"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="lifecycle repetitions per fixture")
    parser.add_argument("--exec-calls", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=8, help="samples per throughput level")
    parser.add_argument("--levels", default="1,2,4,8")
    parser.add_argument("--sizes", default="1000,10000,50000", help="leaderboard sample counts")
    parser.add_argument("--setup-runs", type=int, default=5, help="codebase setup repetitions per way")
    parser.add_argument("--cold", action="store_true", help="also time a cold build: remove every stack and fixture image and the build cache first")
    parser.add_argument("--validation", action="store_true", help="also time the whole validation suite (14 to 25 min here)")
    parser.add_argument("--skip", default="", help="comma-separated sections to skip: lifecycle,exec,throughput,agents,images,leaderboard,setup")
    parser.add_argument("--sandbox", choices=LOCAL_SANDBOXES, default=DEFAULT_SANDBOX,
                        help="sandbox provider for the throughput run (the validation suite runs as the tests do)")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    results: dict[str, Any] = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "targets": TARGETS,
        "sandbox": args.sandbox,
    }
    work = Path(tempfile.mkdtemp(prefix="evals-bench-"))
    ensure_images([load_fixture(ONE_CONTAINER), load_fixture(WITH_POSTGRES)], log=lambda _m: None)

    def lifecycle() -> dict[str, Any]:
        log("==> sample lifecycle: Inspect's compose sandbox and the project's docker-sdk one vs the SDK floor")
        found = {}
        for key, fixture_dir in (("one_container", ONE_CONTAINER), ("postgres", WITH_POSTGRES)):
            times, stages = asyncio.run(lifecycles(fixture_dir, args.runs))
            summed = {way: summary(values) for way, values in times.items()}
            ours, inspect, floor = (summed[way]["median_s"] for way in ("docker-sdk", "docker", "sdk"))
            found[key] = {"fixture": fixture_dir.name, "inspect": summed["docker"],
                          "docker_sdk": summed["docker-sdk"], "sdk": summed["sdk"],
                          "ratio": inspect / floor, "docker_sdk_ratio": ours / floor,
                          "runs_s": times, "inspect_stages_s": stages}  # fmt: skip
            log(f"  {key}: Inspect docker {inspect:.2f} s, docker-sdk {ours:.2f} s, SDK floor {floor:.2f} s "
                f"(medians of {args.runs} interleaved runs)")
        return found

    def exec_trips() -> dict[str, Any]:
        log("==> exec round trip")
        inspect_exec, sdk_exec = asyncio.run(exec_round_trips(ONE_CONTAINER, args.exec_calls, "docker"))
        ours_exec, sdk_exec2 = asyncio.run(exec_round_trips(ONE_CONTAINER, args.exec_calls, "docker-sdk"))
        log(f"  Inspect docker {statistics.median(inspect_exec) * 1000:.0f} ms vs exec_run "
            f"{statistics.median(sdk_exec) * 1000:.0f} ms; docker-sdk {statistics.median(ours_exec) * 1000:.0f} ms "
            f"vs exec_run {statistics.median(sdk_exec2) * 1000:.0f} ms")
        return {"inspect": summary(inspect_exec), "sdk": summary(sdk_exec),
                "ratio": statistics.median(inspect_exec) / statistics.median(sdk_exec),
                "docker_sdk": summary(ours_exec), "sdk_paired_with_docker_sdk": summary(sdk_exec2),
                "docker_sdk_ratio": statistics.median(ours_exec) / statistics.median(sdk_exec2)}  # fmt: skip

    def load() -> dict[int, dict[str, float]]:
        log(f"==> throughput: {args.epochs} samples of {ONE_CONTAINER.name}, no-op model, -T sandbox={args.sandbox}")
        levels = [int(x) for x in args.levels.split(",")]
        walls = throughput(ONE_CONTAINER, args.epochs, levels, work / "throughput", args.sandbox)
        return {level: {"seconds": wall, "samples": args.epochs, "per_sample_s": wall / args.epochs,
                        "speedup": walls[levels[0]] / wall} for level, wall in walls.items()}  # fmt: skip

    def both_agents() -> dict[str, Any]:
        log("==> the two agents: replay/oracle on db_optimize, react vs the real Claude Code")
        return agents("db_optimize", work / "agents")

    def images() -> dict[str, float]:
        log("==> image cache" + (" (cold build first)" if args.cold else ""))
        found = image_rebuild(args.cold)
        log(f"  no-change rebuild of {found['images']} images: {found['rebuild_no_change_s']:.2f} s")
        return found

    def boards() -> dict[int, dict[str, float]]:
        log("==> evals leaderboard on synthetic logs")
        return leaderboard([int(x) for x in args.sizes.split(",")], work)

    def setup() -> dict[str, Any]:
        log(f"==> codebase setup in a grading container, plain vs warm ({args.setup_runs} runs each, taking turns)")
        return codebase_setup(args.setup_runs)

    def validate() -> dict[str, Any]:
        log("==> the whole validation suite, warm (every scripted policy; the default sandbox)")
        return validation()

    sections: dict[str, Callable[[], Any]] = {"lifecycle": lifecycle, "exec": exec_trips, "throughput": load,
                                              "agents": both_agents, "images": images,
                                              "leaderboard": boards, "setup": setup}  # fmt: skip
    if args.validation:
        sections["validation"] = validate
    args.out.mkdir(parents=True, exist_ok=True)
    for name, section in sections.items():
        if name in skip:
            continue
        try:
            results[name] = section()
        except Exception as ex:  # a broken section costs its own figures, never the others'
            results.setdefault("failed", {})[name] = f"{type(ex).__name__}: {ex}"
            log(f"  {name} FAILED: {type(ex).__name__}: {str(ex)[-500:]}")
        finally:  # written after every section: an interrupted run keeps what it measured
            (args.out / "bench.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    text = markdown(results)
    (args.out / "bench.md").write_text(text)
    print(text)
    return 1 if results.get("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
