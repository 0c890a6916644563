"""Finished `.eval` logs read straight from their zip: the header and the sample summaries.

Why not Inspect's reader: it validates every sample summary into a pydantic model (and shortens
its metadata), about 5 s for 50,000 samples, while the leaderboard needs nine plain fields of
each. An `.eval` log is a zip of JSON members; a finished one holds its header in `header.json`
and every sample's summary in `summaries.json`. This module reads only those two members.

Anything else returns None and the caller reads that file with Inspect: a `.json` log, a log
still being written (no `summaries.json` yet), a remote path, a member compressed in a way the
interpreter cannot read, or JSON of an unexpected shape. `tests/test_leaderboard.py` checks that
both readers give the same table from the same logs, so a change of the format in a new Inspect
release shows up as a failing test rather than as wrong numbers.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

if sys.version_info < (3, 14):  # zstd members (Inspect's default) need this patch before 3.14
    try:
        import zipfile_zstd  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:  # then zstd logs fail to open below and Inspect reads them
        pass

HEADER = "header.json"
SUMMARIES = "summaries.json"
#: Inspect's `list_eval_logs` takes every `.eval` file, and a `.json` file only when its name
#: starts with a log's timestamp (so `eval-set.json` and the like are not taken for logs)
_JSON_LOG_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}[:-]\d{2}[:-]\d{2}")


def list_logs(folder: Path) -> list[Path]:
    """The log files under a local folder (recursively), newest first, by Inspect's rule, without
    importing Inspect for it."""
    found = [p for p in folder.rglob("*") if p.is_file()
             and (p.suffix == ".eval" or (p.suffix == ".json" and _JSON_LOG_NAME.match(p.name)))]  # fmt: skip
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def local_path(name: str) -> Path | None:
    """A log name as Inspect lists it (`file:///...` or a plain path) as a local path; None
    for a remote one (s3://...)."""
    if "://" not in name:
        return Path(name)
    url = urlparse(name)
    return Path(unquote(url.path)) if url.scheme == "file" else None


def read_finished_eval(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(the log's `eval` spec, its sample summaries), or None when this file is not a finished
    local `.eval` log this reader understands."""
    path = local_path(name)
    if path is None or path.suffix != ".eval":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            if HEADER not in members or SUMMARIES not in members:
                return None
            header = json.loads(archive.read(HEADER))
            summaries = json.loads(archive.read(SUMMARIES))
    except (OSError, zipfile.BadZipFile, NotImplementedError, ValueError, RuntimeError):
        return None
    spec = header.get("eval") if isinstance(header, dict) else None
    if not isinstance(spec, dict) or not isinstance(summaries, list):
        return None
    if not all(isinstance(s, dict) and "id" in s and "epoch" in s for s in summaries):
        return None
    return spec, latest_attempts(summaries)


def latest_attempts(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary per (id, epoch), the last one written: a requeued sample's re-run comes after
    the attempt it replaces (the rule Inspect's own readers apply)."""
    by_key: dict[tuple[str, Any], dict[str, Any]] = {}
    for summary in summaries:
        by_key[(str(summary["id"]), summary["epoch"])] = summary
    return list(by_key.values())
