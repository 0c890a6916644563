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
) -> EvalLog:
    """`cache_share`: the part of each sample's prompt tokens read from the prompt cache; of the
    rest, 80% is written to the cache and 20% is uncached input, as on the Anthropic path with
    prompt caching on. Derived from the drawn token count (no extra draws: the same seed gives
    the same outcomes with or without cache tokens)."""
    samples = []
    for index, p in enumerate(variant.probabilities):
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
    spec = EvalSpec(
        created=datetime.now(timezone.utc).isoformat(), task=family, dataset=EvalDataset(name=family),
        model=model, config=EvalConfig(epochs=epochs),
        metadata={"variant": variant.name, "agent": variant.agent, "persona": variant.persona,
                  "tools_from": variant.tools_from,
                  "family": family, "tools": ["Read", "Edit"]},
    )  # fmt: skip
    return EvalLog(eval=spec, samples=samples, status="success")


def write_synthetic_logs(
    log_dir: Path, variants: list[SyntheticVariant], model: str = "synthetic/model", epochs: int = 1,
    seed: int = 0, infra_rate: float = 0.0, cache_share: float = 0.0,
) -> list[Path]:
    rng = np.random.default_rng(seed)
    log_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for variant in variants:
        log = synthetic_log(variant, model, epochs, rng, infra_rate=infra_rate, cache_share=cache_share)
        path = log_dir / f"synthetic_{variant.name.replace('+', '_').replace(':', '-')}.eval"
        write_eval_log(log, str(path))
        paths.append(path)
    return paths
