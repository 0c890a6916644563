"""Content hashes of folders: image tags, grading-cache keys and starting repositories change
only when what is in them changes (caches and git metadata ignored)."""

from __future__ import annotations

import hashlib
from pathlib import Path

IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".git", "node_modules"}
"""Never content: caches, git metadata, installed packages (they come from a pinned lock)."""


def tree_digest(root: Path, extra: str = "") -> str:
    """Content hash of a folder (paths and bytes), ignoring caches, so tags change only with content."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in IGNORED_PARTS for part in rel.parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            digest.update(str(rel).encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:12]
