"""Synthetic harness logs with known success probabilities (real Inspect log files).

Used to check the statistics end to end (gate error rates), and to benchmark report generation
on large log sets without running sandboxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from inspect_ai.log import EvalConfig, EvalDataset, EvalLog, EvalSample, EvalSpec, write_eval_log
from inspect_ai.model import ModelUsage
from inspect_ai.scorer import Score


@dataclass(frozen=True)
class SyntheticVariant:
    name: str
    persona: str
    tools_from: str
    probabilities: np.ndarray
    """per-fixture probability of resolving"""
    agent: str = "react"


def fixture_probabilities(fixtures: int, rng: np.random.Generator, low: float = 0.3, high: float = 0.9) -> np.ndarray:
    """Fixtures of varied difficulty."""
    return rng.uniform(low, high, size=fixtures)


def synthetic_log(
    variant: SyntheticVariant, model: str, epochs: int, rng: np.random.Generator,
    family: str = "synthetic", infra_rate: float = 0.0, cache_share: float = 0.0,
    fixtures: list[int] | None = None,
) -> EvalLog:
    """`cache_share`: the part of each sample's prompt tokens read from the prompt cache; of the
    rest, 80% is written to the cache and 20% is uncached input, as on the Anthropic path with
    prompt caching on. Derived from the drawn token count (no extra draws: the same seed gives
    the same outcomes with or without cache tokens)."""
    samples = []
    chosen = range(len(variant.probabilities)) if fixtures is None else fixtures
    for index, p in ((i, variant.probabilities[i]) for i in chosen):
        for epoch in range(1, epochs + 1):
            infra = rng.random() < infra_rate
            resolved = 0 if infra else int(rng.random() < p)
            tokens = int(rng.integers(2_000, 20_000))
            cache_read = int(tokens * cache_share)
            cache_write = int((tokens - cache_read) * 0.8) if cache_share else 0
            samples.append(EvalSample(
                id=f"fx{index:04d}", epoch=epoch, input="synthetic issue", target="",
                metadata={"fixture": f"fx{index:04d}", "family": family,
                          "tool_calls": {"Read": int(rng.integers(1, 6)), "Edit": int(rng.integers(0, 3))},
                          "web_unavailable": 0},
                scores={"hidden_tests": Score(
                    value={"resolved": resolved, "pass_rate": float(resolved), "infra_error": int(infra)},
                    metadata={"verdict": "infra_error" if infra else ("resolved" if resolved else "unresolved")})},
                model_usage={model: ModelUsage(input_tokens=tokens - cache_read - cache_write,
                                               output_tokens=tokens // 10, total_tokens=tokens + tokens // 10,
                                               input_tokens_cache_write=cache_write or None,
                                               input_tokens_cache_read=cache_read or None)},
                total_time=float(rng.uniform(5, 60)),
            ))  # fmt: skip
    from .task import tags_for

    arguments = {"persona": variant.persona, "tools": variant.tools_from, "agent": variant.agent}
    spec = EvalSpec(
        created=datetime.now(timezone.utc).isoformat(), task=family, dataset=EvalDataset(name=family),
        model=model, config=EvalConfig(epochs=epochs), task_args=arguments, task_args_passed=arguments,
        tags=tags_for(variant.persona, variant.tools_from, variant.agent),
        metadata={"variant": variant.name, "agent": variant.agent, "persona": variant.persona,
                  "tools_from": variant.tools_from,
                  "family": family, "tools": ["Read", "Edit"]},
    )  # fmt: skip
    return EvalLog(eval=spec, samples=samples, status="success")


def write_synthetic_logs(
    log_dir: Path, variants: list[SyntheticVariant], model: str = "synthetic/model", epochs: int = 1,
    seed: int = 0, infra_rate: float = 0.0, cache_share: float = 0.0, families: list[str] | None = None,
) -> list[Path]:
    """One log per variant; with `families`, one per variant and family, the fixtures dealt out
    to the families in turn (as a matrix run writes one log per family task)."""
    rng = np.random.default_rng(seed)
    log_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for variant in variants:
        slug = variant.name.replace("+", "_").replace(":", "-")
        if not families:
            log = synthetic_log(variant, model, epochs, rng, infra_rate=infra_rate, cache_share=cache_share)
            parts = [(log, log_dir / f"synthetic_{slug}.eval")]
        else:
            count = len(variant.probabilities)
            parts = [(synthetic_log(variant, model, epochs, rng, family, infra_rate, cache_share,
                                    fixtures=list(range(i, count, len(families)))),
                      log_dir / f"{family}_{slug}.eval") for i, family in enumerate(families)]  # fmt: skip
        for log, path in parts:
            write_eval_log(log, str(path))
            paths.append(path)
    return paths


def write_matrix_logs(
    log_dir: Path, personas: tuple[str, str] = ("backend", "backend-developer"),
    agents: tuple[str, ...] = ("react", "claude-code"), fixtures: int = 40, epochs: int = 3,
    families: list[str] | None = None, infra_rate: float = 0.03, seed: int = 0,
    lift: dict[tuple[str, str], float] | None = None, model: str = "anthropic/claude-sonnet-4-5",
) -> list[Path]:
    """Logs of a whole matrix run as `evals matrix` lays it out: under each agent, each persona
    with its own tools, with the other's and with the minimal set, and the no-persona control,
    one log per variant and family. Fixtures range from always solved to never; `lift` adds to
    a (persona, tools) variant's chance on every fixture (the same under every agent)."""
    from .matrix import matrix_variants
    from .task import variant_name

    rng = np.random.default_rng(seed)
    base = rng.uniform(0.0, 1.0, size=fixtures)
    base[: fixtures // 8] = 1.0  # fixtures every variant solves ...
    base[fixtures // 8: fixtures // 5] = 0.0  # ... and ones none does
    variants = [
        SyntheticVariant(variant_name(agent, persona, tools), persona, tools,
                         np.clip(base + (lift or {}).get((persona, tools), 0.0), 0.0, 1.0), agent)
        for a in agents for agent, persona, tools in matrix_variants(list(personas), a)
    ]  # fmt: skip
    return write_synthetic_logs(log_dir, variants, model=model, epochs=epochs, seed=seed, infra_rate=infra_rate,
                                families=families or ["db_optimize", "api_design", "security", "caching"],
                                cache_share=0.5)  # fmt: skip
