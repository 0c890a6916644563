"""Inspect logs of this harness as one tidy table, one row per sample (read via inspect_ai.analysis).

Logs that are not this harness's (no `variant` in the task metadata) and files that are not
readable Inspect logs are skipped and reported, never fatal: a report says what it left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.analysis import SampleColumn, samples_df
from inspect_ai.log import list_eval_logs, read_eval_log

from .errors import HarnessError
from .prices import Price, cost

SCORE_COLUMN = "score_hidden_tests"


class LogDataError(HarnessError):
    """No usable logs (missing folder, nothing readable, nothing of this harness)."""


@dataclass
class LogData:
    samples: pd.DataFrame
    skipped: list[str] = field(default_factory=list)
    """files left out, with the reason"""


def _tool_calls(sample: Any) -> str:
    """A module-level function, not a lambda: the columns are pickled for parallel readers."""
    return json.dumps((sample.metadata or {}).get("tool_calls") or {})


_SAMPLE_COLUMNS = [
    SampleColumn("fixture", path="id", required=True, type=str),
    SampleColumn("epoch", path="epoch", required=True),
    SampleColumn("family_s", path="metadata.family"),
    SampleColumn("tool_calls", path=_tool_calls, full=False),
    SampleColumn("web_unavailable", path="metadata.web_unavailable"),
    SampleColumn("score", path="scores"),
    SampleColumn("model_usage", path="model_usage"),
    SampleColumn("total_time", path="total_time"),
    SampleColumn("error", path="error"),
]


def _as_obj(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _score_value(scores: Any) -> dict[str, float] | None:
    scores = _as_obj(scores)
    if not isinstance(scores, dict):
        return None
    score = scores.get("hidden_tests")
    if isinstance(score, dict):
        value = score.get("value")
        return value if isinstance(value, dict) else None
    return None


def _usage(usage: Any) -> tuple[dict[str, float], str | None]:
    usage = _as_obj(usage) or {}
    totals = {"input_tokens": 0.0, "output_tokens": 0.0, "cache_write": 0.0, "cache_read": 0.0, "total_tokens": 0.0}
    model = None
    if isinstance(usage, dict):
        for model, row in usage.items():
            row = row or {}
            totals["input_tokens"] += float(row.get("input_tokens") or 0)
            totals["output_tokens"] += float(row.get("output_tokens") or 0)
            totals["cache_write"] += float(row.get("input_tokens_cache_write") or 0)
            totals["cache_read"] += float(row.get("input_tokens_cache_read") or 0)
            totals["total_tokens"] += float(row.get("total_tokens") or 0)
    return totals, model


def log_files(log_dir: Path | str) -> list[str]:
    path = Path(log_dir)
    if not path.exists():
        raise LogDataError(f"{log_dir}: no such log folder")
    return [info.name for info in list_eval_logs(str(path), recursive=True)]


def load_samples(log_dirs: list[Path | str] | Path | str, prices: dict[str, Price] | None = None) -> LogData:
    """Every sample of every harness log under the folder(s)."""
    dirs = log_dirs if isinstance(log_dirs, list) else [log_dirs]
    files = [f for d in dirs for f in log_files(d)]
    skipped: list[str] = []
    if not files:
        raise LogDataError(f"{', '.join(map(str, dirs))}: no Inspect logs (*.eval / *.json) found")
    ours = []
    for file in files:
        try:
            header = read_eval_log(file, header_only=True)
        except Exception as ex:  # a corrupt or foreign file is reported, never fatal
            skipped.append(f"{file}: not a readable Inspect log ({type(ex).__name__}: {str(ex)[:100]})")
            continue
        meta = header.eval.metadata or {}
        if "variant" not in meta:
            skipped.append(f"{file}: not a log of this harness (no variant in its metadata)")
            continue
        ours.append({"eval_id": header.eval.eval_id, "log": file, "model": header.eval.model,
                     "variant": meta["variant"], "persona": meta.get("persona"),
                     "tools_from": meta.get("tools_from"), "family": meta.get("family", header.eval.task),
                     "created": str(header.eval.created)})  # fmt: skip
    if not ours:
        raise LogDataError(
            f"{', '.join(map(str, dirs))}: no logs of this harness among {len(files)} file(s)"
            + (f"; skipped: {skipped[0]}" if skipped else "")
        )
    meta_df = pd.DataFrame(ours)
    # one worker process per core when there are several logs: Inspect's parsing of sample
    # summaries is CPU-bound (50,000 samples in 6 logs: 14.4 s serial, 9.8 s on 2 workers)
    samples, sample_errors = samples_df(
        list(meta_df["log"]), columns=_SAMPLE_COLUMNS,
        strict=False, quiet=True, parallel=len(meta_df) > 1,
    )  # fmt: skip
    skipped += [f"{e.log}: unreadable samples ({e.message.splitlines()[0][:120]})" for e in sample_errors]
    if samples.empty:
        raise LogDataError(f"{', '.join(map(str, dirs))}: the harness logs contain no samples")
    samples = samples.merge(meta_df, on="eval_id", how="inner")
    return LogData(_tidy(samples, prices or {}), skipped)


def _tidy(df: pd.DataFrame, prices: dict[str, Price]) -> pd.DataFrame:
    # plain object columns: `Series.map` on samples_df's pyarrow columns would turn a None
    # (an unscored sample) into pd.NA, whose truth value is an error
    values = pd.Series([_score_value(s) for s in df["score"]], index=df.index, dtype=object)
    usage = pd.Series([_usage(u) for u in df["model_usage"]], index=df.index, dtype=object)
    error = df["error"].fillna("").astype(str).str.len() > 0
    out = pd.DataFrame({
        "model": df["model"],
        "variant": df["variant"],
        "persona": df["persona"],
        "tools_from": df["tools_from"],
        "family": df["family_s"].fillna(df["family"]),
        "fixture": df["fixture"].astype(str),
        "epoch": df["epoch"].astype(int),
        "scored": values.map(lambda v: v is not None) & ~error,
        "resolved": values.map(lambda v: float(v.get("resolved", 0)) if v else 0.0),
        "pass_rate": values.map(lambda v: float(v.get("pass_rate", 0)) if v else 0.0),
        "infra": error | values.map(lambda v: bool(v.get("infra_error", 0)) if v else True),
        "input_tokens": usage.map(lambda u: u[0]["input_tokens"]),
        "output_tokens": usage.map(lambda u: u[0]["output_tokens"]),
        "cache_write": usage.map(lambda u: u[0]["cache_write"]),
        "cache_read": usage.map(lambda u: u[0]["cache_read"]),
        "total_tokens": usage.map(lambda u: u[0]["total_tokens"]),
        "time": pd.to_numeric(df["total_time"], errors="coerce"),
        "tool_calls": pd.Series(
            [_as_obj(v) if isinstance(_as_obj(v), dict) else {} for v in df["tool_calls"]],
            index=df.index, dtype=object,
        ),
        "web_unavailable": pd.to_numeric(df["web_unavailable"], errors="coerce").fillna(0),
        "eval_id": df["eval_id"],
        "created": df["created"],
    })  # fmt: skip
    out["cost"] = [
        cost(m, i, o, w, r, prices)
        for m, i, o, w, r in zip(out["model"], out["input_tokens"], out["output_tokens"],
                                  out["cache_write"], out["cache_read"])  # fmt: skip
    ]
    # a sample run more than once (a retried or repeated run) counts once: the latest scored one
    out = out.sort_values(["scored", "created"], kind="stable")
    key = ["model", "variant", "family", "fixture", "epoch"]
    return out.drop_duplicates(key, keep="last").sort_values(key).reset_index(drop=True)
