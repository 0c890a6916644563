"""Inspect entry point: registers the scripted model providers (`replay/...`) and the `docker-sdk`
sandbox provider."""

from .replay import replay  # noqa: F401
from .docker_sdk import DockerSdkSandboxEnvironment  # noqa: F401  (the `docker-sdk` sandbox)
