"""Inspect entry point: registers the scripted model providers (`replay/...`)."""

from .replay import replay  # noqa: F401
