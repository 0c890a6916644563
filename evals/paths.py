"""Where the project's folders are (the repository this package is installed from)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("EVALS_ROOT", Path(__file__).resolve().parent.parent))
PERSONAS_DIR = ROOT / "personas"
TASKS_DIR = ROOT / "tasks"
CODEBASES_DIR = ROOT / "codebases"
SANDBOXES_DIR = ROOT / "sandboxes"
IMAGES_DIR = SANDBOXES_DIR / "images"
SERVICES_DIR = SANDBOXES_DIR / "services"
RESULTS_DIR = ROOT / "results"
CACHE_DIR = ROOT / ".cache"
