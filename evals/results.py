"""Read per-sample verdicts out of Inspect eval logs (shared by validate and demo)."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ai.log import EvalLog

SCORER = "hidden_tests"


@dataclass(frozen=True)
class SampleResult:
    model: str
    variant: str
    family: str
    fixture: str
    epoch: int
    verdict: str  # resolved | unresolved | error
    pass_rate: float
    reason: str
    total_tokens: int
    tool_calls: int


def sample_results(log: EvalLog) -> list[SampleResult]:
    """One row per sample; a sample error or infrastructure failure is verdict `error`."""
    metadata = log.eval.metadata or {}
    rows: list[SampleResult] = []
    for sample in log.samples or []:
        score = (sample.scores or {}).get(SCORER)
        if sample.error is not None or score is None:
            verdict = "error"
            reason = sample.error.message if sample.error else "no score"
            pass_rate = 0.0
        else:
            raw = (score.metadata or {}).get("verdict", "unresolved")
            verdict = "error" if raw == "infra_error" else raw
            reason = score.explanation or ""
            pass_rate = float((score.value or {}).get("pass_rate", 0.0))  # type: ignore[union-attr]
        tokens = sum(usage.total_tokens for usage in (sample.model_usage or {}).values())
        calls = sum(len(getattr(m, "tool_calls", None) or []) for m in sample.messages)
        rows.append(
            SampleResult(
                model=log.eval.model,
                variant=str(metadata.get("variant", "?")),
                family=str(metadata.get("family", log.eval.task)),
                fixture=str(sample.id),
                epoch=sample.epoch,
                verdict=verdict,
                pass_rate=pass_rate,
                reason=reason,
                total_tokens=tokens,
                tool_calls=calls,
            )
        )
    return rows
