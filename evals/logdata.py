"""Inspect logs of this harness as one tidy table, one row per sample (finished .eval logs read
straight from their zip by `logzip`, anything else by `inspect_ai.analysis.samples_df`).

Logs that are not this harness's (no `variant` in the task metadata) and files that are not
readable Inspect logs are skipped and reported, never fatal: a report says what it left out.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from .errors import HarnessError
from .logzip import list_logs, local_path, read_finished_eval
from .prices import Price, cost

SCORE_COLUMN = "score_hidden_tests"
READERS = ("zip", "inspect")


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


#: The per-sample columns: where `samples_df` finds each in a sample, with its options.
#: `_summary_frame` reads the same fields from raw summaries, in this order.
_SAMPLE_PATHS: dict[str, tuple[Any, dict[str, Any]]] = {
    "fixture": ("id", {"required": True, "type": str}),
    "epoch": ("epoch", {"required": True}),
    "family_s": ("metadata.family", {}),
    "tool_calls": (_tool_calls, {"full": False}),
    "web_unavailable": ("metadata.web_unavailable", {}),
    "score": ("scores", {}),
    "model_usage": ("model_usage", {}),
    "total_time": ("total_time", {}),
    "error": ("error", {}),
}
SAMPLE_FIELDS = list(_SAMPLE_PATHS)


def _sample_columns() -> list[Any]:
    """The columns asked of `samples_df` (imported here: `inspect_ai.analysis` alone takes 0.6 s
    to import, and only logs the zip reader leaves are read with it)."""
    from inspect_ai.analysis import SampleColumn

    return [SampleColumn(name, path=path, **options) for name, (path, options) in _SAMPLE_PATHS.items()]


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


def log_files(log_dir: Path | str, reader: str = "zip") -> list[str]:
    """The log files under a folder, as plain paths. Inspect (imported only then) lists them for
    `reader="inspect"`; otherwise `logzip.list_logs`, which applies Inspect's rule."""
    path = Path(log_dir)
    if not path.exists():
        raise LogDataError(f"{log_dir}: no such log folder")
    if reader == "inspect":
        from inspect_ai.log import list_eval_logs

        return [str(local_path(info.name) or info.name) for info in list_eval_logs(str(path), recursive=True)]
    return [str(p) for p in list_logs(path)]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading 50,000 summaries makes millions of small dicts, all kept: the cyclic garbage
    collector would walk them again and again for nothing (half of the read time here)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_samples(
    log_dirs: list[Path | str] | Path | str, prices: dict[str, Price] | None = None, reader: str = "zip",
) -> LogData:
    """Every sample of every harness log under the folder(s).

    `reader="zip"` reads finished `.eval` logs straight from their zip (see `logzip`) and the
    rest with Inspect; `reader="inspect"` reads every file with Inspect's `samples_df`."""
    if reader not in READERS:
        raise LogDataError(f"unknown log reader {reader!r}: one of {', '.join(READERS)}")
    with _collector_paused():
        return _load_samples(log_dirs, prices, reader)


def _load_samples(log_dirs: list[Path | str] | Path | str, prices: dict[str, Price] | None, reader: str) -> LogData:
    dirs = log_dirs if isinstance(log_dirs, list) else [log_dirs]
    files = [f for d in dirs for f in log_files(d, reader)]
    skipped: list[str] = []
    if not files:
        raise LogDataError(f"{', '.join(map(str, dirs))}: no Inspect logs (*.eval / *.json) found")
    ours: list[dict[str, Any]] = []
    frames: list[pd.DataFrame] = []  # sample tables: one per log read from its zip, then Inspect's
    via_inspect: list[str] = []  # harness logs the zip reader left to Inspect
    for file in files:
        fast = read_finished_eval(file) if reader == "zip" else None
        if fast is not None:
            spec, summaries = fast
        else:
            from inspect_ai.log import read_eval_log

            try:
                spec = read_eval_log(file, header_only=True).eval.model_dump(mode="json")
            except Exception as ex:  # a corrupt or foreign file is reported, never fatal
                skipped.append(f"{file}: not a readable Inspect log ({type(ex).__name__}: {str(ex)[:100]})")
                continue
        row = _log_row(file, spec)
        if row is None:
            skipped.append(f"{file}: not a log of this harness (no variant in its metadata)")
            continue
        ours.append(row)
        if fast is None:
            via_inspect.append(file)
        elif summaries:
            frames.append(_summary_frame(row["eval_id"], summaries))
    if not ours:
        raise LogDataError(
            f"{', '.join(map(str, dirs))}: no logs of this harness among {len(files)} file(s)"
            + (f"; skipped: {skipped[0]}" if skipped else "")
        )
    if via_inspect:
        # one worker process per core when there are several logs: Inspect's parsing of sample
        # summaries is CPU-bound (50,000 samples in 6 logs: 14.4 s serial, 9.8 s on 2 workers)
        from inspect_ai.analysis import samples_df

        samples, sample_errors = samples_df(
            via_inspect, columns=_sample_columns(), strict=False, quiet=True, parallel=len(via_inspect) > 1,
        )  # fmt: skip
        skipped += [f"{e.log}: unreadable samples ({e.message.splitlines()[0][:120]})" for e in sample_errors]
        if not samples.empty:
            frames.append(samples[["eval_id", *SAMPLE_FIELDS]].astype(object))
    if not frames:
        raise LogDataError(f"{', '.join(map(str, dirs))}: the harness logs contain no samples")
    samples = pd.concat(frames, ignore_index=True).merge(pd.DataFrame(ours), on="eval_id", how="inner")
    return LogData(_tidy(samples, prices or {}), skipped)


def _log_row(file: str, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The log-level columns from a log's `eval` spec; None for a log that is not this harness's."""
    meta = spec.get("metadata") or {}
    if "variant" not in meta:
        return None
    return {"eval_id": spec.get("eval_id"), "log": file, "model": spec.get("model"),
            "variant": meta["variant"], "agent": meta.get("agent", "react"), "persona": meta.get("persona"),
            "tools_from": meta.get("tools_from"), "family": meta.get("family", spec.get("task")),
            "created": str(spec.get("created"))}  # fmt: skip


def _summary_frame(eval_id: str, summaries: list[dict[str, Any]]) -> pd.DataFrame:
    """The same columns `samples_df` gives with `_sample_columns()`, from raw sample summaries."""
    rows = []
    for s in summaries:
        meta = s.get("metadata") or {}
        rows.append((eval_id, str(s["id"]), s["epoch"], meta.get("family"), meta.get("tool_calls"),
                     meta.get("web_unavailable"), s.get("scores"), s.get("model_usage"),
                     s.get("total_time"), s.get("error")))  # fmt: skip
    return pd.DataFrame(rows, columns=["eval_id", *SAMPLE_FIELDS], dtype=object)


_TOKEN_COLUMNS = ("input_tokens", "output_tokens", "cache_write", "cache_read", "total_tokens")  # as `_usage` names them
_DERIVED = ("scored", "resolved", "pass_rate", "infra", *_TOKEN_COLUMNS)


def _tidy(df: pd.DataFrame, prices: dict[str, Price]) -> pd.DataFrame:
    # one pass in plain Python over each sample's score and usage (not a `Series.map` per
    # column: on samples_df's pyarrow columns that turns a None into pd.NA, and 14 passes over
    # 50,000 samples cost a third of a second)
    error = (df["error"].fillna("").astype(str).str.len() > 0).to_numpy()
    columns: dict[str, list[Any]] = {name: [] for name in _DERIVED}
    for score, usage, failed in zip(df["score"], df["model_usage"], error):
        value = _score_value(score)
        tokens, _ = _usage(usage)
        columns["scored"].append(value is not None and not failed)
        columns["resolved"].append(float(value.get("resolved", 0)) if value else 0.0)
        columns["pass_rate"].append(float(value.get("pass_rate", 0)) if value else 0.0)
        columns["infra"].append(bool(failed) or (bool(value.get("infra_error", 0)) if value else True))
        for name in _TOKEN_COLUMNS:
            columns[name].append(tokens[name])
    derived = pd.DataFrame(columns, index=df.index)
    out = pd.DataFrame({
        "model": df["model"],
        "variant": df["variant"],
        "agent": df["agent"],
        "persona": df["persona"],
        "tools_from": df["tools_from"],
        "family": df["family_s"].fillna(df["family"]),
        "fixture": df["fixture"].astype(str),
        "epoch": df["epoch"].astype(int),
        **{name: derived[name] for name in _DERIVED},
        "time": pd.to_numeric(df["total_time"], errors="coerce"),
        "tool_calls": pd.Series(
            [_as_obj(v) if isinstance(_as_obj(v), dict) else {} for v in df["tool_calls"]],
            index=df.index, dtype=object,
        ),
        "web_unavailable": pd.to_numeric(df["web_unavailable"], errors="coerce").fillna(0),
        "eval_id": df["eval_id"],
        "created": df["created"],
        "log": df["log"].astype(str),
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
