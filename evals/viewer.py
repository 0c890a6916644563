"""Links from the report into Inspect's own log viewer (`inspect view`).

The viewer is a single-page app with hash routes (from `inspect_ai/_view/dist`, its
`routing/url.ts`): a log is `#/logs/<log path>` and one sample of it
`#/logs/<log path>/samples/sample/<sample id>/<epoch>/`, the log path relative to the folder
the viewer was started on (`inspect view --log-dir FOLDER`), each path segment URL-encoded.
The report names that folder and the command; `tests/test_report_page.py` opens such links in a
real viewer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

DEFAULT_URL = "http://127.0.0.1:7575/"
"""Where `inspect view` serves by default (its default port is 7575)."""


def _segments(path: str) -> str:
    return "/".join(quote(part, safe="") for part in path.split("/"))


@dataclass(frozen=True)
class Viewer:
    """The viewer a report links into: its address and the log folder it is started on."""

    log_dir: Path
    url: str = DEFAULT_URL

    def command(self) -> str:
        port = self.url.rstrip("/").rsplit(":", 1)[-1]
        port_arg = f" --port {port}" if port.isdigit() and port != "7575" else ""
        return f"inspect view --log-dir {self.log_dir}{port_arg}"

    def _relative(self, log_file: str | Path) -> str:
        return _relative(str(log_file), str(self.log_dir))

    def log_url(self, log_file: str | Path) -> str:
        """The log's page (its sample list)."""
        return f"{self.url}#/logs/{_segments(self._relative(log_file))}/samples/"

    def sample_url(self, log_file: str | Path, sample_id: str, epoch: int) -> str:
        """One sample's transcript: the log's route, then `sample/<id>/<epoch>/`."""
        return f"{self.log_url(log_file)}sample/{quote(str(sample_id), safe='')}/{int(epoch)}/"


@lru_cache(maxsize=4096)
def _relative(log_file: str, log_dir: str) -> str:
    """Cached: a report links every sample, and a run has few logs."""
    return Path(os.path.relpath(Path(log_file).resolve(), Path(log_dir).resolve())).as_posix()


def viewer_for(log_files: list[str], url: str = DEFAULT_URL) -> Viewer:
    """The viewer started on the deepest folder holding every log."""
    folders = {str(Path(f).resolve().parent) for f in log_files}
    root = Path(os.path.commonpath(sorted(folders))) if folders else Path.cwd()
    return Viewer(root, url if url.endswith("/") else url + "/")
