"""Reports are written whole or not at all: into a hidden folder beside the report first, then
moved into place with Ctrl-C held off for those few renames. An interrupt or an error while the
report is made leaves the previous report as it was, never half of a new one."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def staged_outputs(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder; on success move every file in it to `out_dir` (replacing files of
    the same name), on any exception (KeyboardInterrupt included) drop it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        yield stage
        with _sigint_held():
            for item in sorted(stage.iterdir()):
                os.replace(item, out_dir / item.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Delay Ctrl-C until the block is done (then raise it), so the renames all happen."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
