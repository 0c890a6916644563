"""Sandbox provider names the harness accepts (`-T sandbox=`, `--sandbox`), and its default.

Kept free of imports so the CLI can offer the choices without loading the task machinery.
"""

SANDBOXES = ("docker", "docker-sdk", "k8s")
LOCAL_SANDBOXES = ("docker", "docker-sdk")
"""providers that run on this machine's engine (images are built for them before a run)"""
DEFAULT_SANDBOX = "docker-sdk"
"""The same containers as Inspect's `docker` (one description), without a CLI process per step."""
