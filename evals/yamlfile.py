"""Reading the project's small YAML files (fixture.yaml, codebase.yaml, family.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import LocatedError


def read_mapping(path: Path, error: type[LocatedError]) -> dict[str, Any]:
    """A YAML file that must hold a mapping (an empty file is {}), or `error` naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as ex:
        raise error(path, f"not valid YAML: {ex}") from None
    if not isinstance(data, dict):
        raise error(path, "must be a YAML mapping")
    return data
