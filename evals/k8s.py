"""A fixture's sandbox on Kubernetes, through Inspect's own k8s sandbox (`inspect-k8s-sandbox`).

The same fixture description that `evals.sandbox.compose_config` turns into a compose file is
turned here into Helm values for the package's built-in `agent-env` chart:

* `default` — the agent's container (fixture image, `sleep infinity`, working dir /repo, the
  services' `agent_env`);
* `grader`  — a second container of the fixture image with the services' `grader_env`, where the
  hidden tests run;
* one service per fixture service (`db`, `redis`, ...) under its hostname, with a DNS record so
  the hostnames in `DATABASE_URL` / `REDIS_URL` resolve, and its compose healthcheck as a
  readiness probe (Helm waits for every pod to be ready, as compose waits for healthchecks).

Resources: the fixture's (and each service's) cpu / memory as limits, with requests equal to the
limits (timing-sensitive hidden tests get the CPU they were calibrated with), and the disk cap as
an `ephemeral-storage` limit (the kubelet evicts a pod that writes more). Kubernetes has no
per-container pid limit: pids are bounded by the cluster's kubelet `podPidsLimit`.

No egress: no `allowDomains`, `allowDomainsPorts`, `allowEntities` or `allowCIDR`; the chart's
Cilium network policies then allow only traffic between the sample's own pods and DNS lookups
of in-namespace names. A fixture without services gets `networkIsolated` containers (compose's
`network_mode: none`).

Images: the cluster pulls the local content-hash tags, prefixed with the registry named by
`EVALS_IMAGE_REGISTRY` (see `evals images push`). Tags are immutable content hashes, so
`imagePullPolicy: IfNotPresent` is always right; without a registry the tags must already be on
the nodes (e.g. `kind load docker-image`).

Nothing here talks to a cluster or to Docker.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from inspect_ai.util import SandboxEnvironmentSpec

from .errors import HarnessError
from .fixtures import WORKDIR, Fixture
from .images import fixture_image_tag, stack_image_tag
from .paths import CACHE_DIR
from .sandbox import AGENT, DEFAULT_RESOURCES, GRADER, Service, duration_seconds, load_service, parse_bytes, service_environments

REGISTRY_ENV = "EVALS_IMAGE_REGISTRY"
"""Registry (host[:port][/path]) the cluster pulls the fixture images from."""
RUNTIME_CLASS_ENV = "EVALS_K8S_RUNTIME_CLASS"
"""Optional RuntimeClass for every pod (the chart's default is `gvisor`; `CLUSTER_DEFAULT`
leaves it unset so the cluster's default runtime is used)."""
VALUES_DIR = CACHE_DIR / "k8s"
"""Where the generated Helm values files are written, one per fixture."""
EGRESS_KEYS = ("allowDomains", "allowDomainsPorts", "allowEntities", "allowCIDR")

_REGISTRY = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")


class K8sConfigError(HarnessError):
    """A Kubernetes setting (registry name, ...) that cannot be used."""


# --------------------------------------------------------------------------- image names


def normalise_registry(registry: str | None) -> str | None:
    """`registry.example.com:5000/team/` -> `registry.example.com:5000/team`; None/"" -> None.
    A scheme or upper-case letters are refused with a sentence saying what is expected."""
    if registry is None or not registry.strip():
        return None
    value = registry.strip().rstrip("/")
    if "://" in value:
        raise K8sConfigError(
            f"image registry '{registry}': give host[:port][/path] without a scheme "
            "(e.g. registry.example.com:5000/evals)"
        )
    if not _REGISTRY.match(value):
        raise K8sConfigError(
            f"image registry '{registry}' is not a valid registry name: expected lower-case "
            "host[:port][/path] (e.g. registry.example.com:5000/evals or localhost:5000)"
        )
    return value


def image_registry() -> str | None:
    """The registry set with EVALS_IMAGE_REGISTRY (None when unset)."""
    return normalise_registry(os.environ.get(REGISTRY_ENV))


def remote_tag(local_tag: str, registry: str) -> str:
    """`evals/postgres:abc` + `reg:5000/x` -> `reg:5000/x/evals/postgres:abc`."""
    registry = normalise_registry(registry)
    if registry is None:
        raise K8sConfigError("an image registry is needed (e.g. registry.example.com:5000/evals)")
    return f"{registry}/{local_tag}"


def cluster_image(local_tag: str, registry: str | None) -> str:
    """The image name the cluster pulls: the local tag, prefixed with the registry if any."""
    return remote_tag(local_tag, registry) if normalise_registry(registry) else local_tag


def local_images(fixtures: Iterable[Fixture]) -> list[str]:
    """Every local image tag the fixtures' sandboxes use (fixture images and service images),
    sorted, without duplicates."""
    tags: set[str] = set()
    for fixture in fixtures:
        tags.add(fixture_image_tag(fixture))
        tags.update(stack_image_tag(load_service(name).image) for name in fixture.services)
    return sorted(tags)


def push_mapping(local_tags: Iterable[str], registry: str) -> dict[str, str]:
    """local tag -> the tag it is pushed as (`REGISTRY/<name>:<tag>`), in a stable order."""
    return {tag: remote_tag(tag, registry) for tag in sorted(set(local_tags))}


# --------------------------------------------------------------------------- resources


def memory_quantity(value: object) -> str:
    """Docker sizes (`2g`, `512m`, binary units as Docker reads them) -> a Kubernetes quantity."""
    size = parse_bytes(value)
    for suffix, unit in (("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024)):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


def cpu_quantity(value: object) -> str:
    """Docker `cpus` (1.0, 0.5, "2") -> millicores (`1000m`)."""
    try:
        cpus = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise K8sConfigError(f"resources.cpus: not a number of CPUs: {value!r}") from None
    if cpus <= 0:
        raise K8sConfigError(f"resources.cpus must be positive (got {value!r})")
    return f"{round(cpus * 1000)}m"


def pod_resources(resources: dict[str, Any]) -> dict[str, Any]:
    """Limits (cpu, memory, ephemeral-storage) from a resources block; requests = limits."""
    merged = DEFAULT_RESOURCES | resources
    limits = {
        "cpu": cpu_quantity(merged["cpus"]),
        "memory": memory_quantity(merged["memory"]),
        "ephemeral-storage": memory_quantity(merged["disk"]),
    }
    return {"limits": dict(limits), "requests": dict(limits)}


def _seconds(value: object) -> int:
    """Compose durations (`1s`, `500ms`, `1m30s`, `2`) -> whole seconds, at least 1."""
    try:
        seconds = duration_seconds(value)
    except ValueError:
        raise K8sConfigError(f"healthcheck: not a duration: {value!r}") from None
    return max(1, round(seconds))


def readiness_probe(healthcheck: dict[str, Any]) -> dict[str, Any]:
    """A compose healthcheck -> a Kubernetes readiness probe.

    `start_period` is a grace period in compose (failures do not count), not a delay, so it
    becomes part of the failure budget instead of `initialDelaySeconds`."""
    test = healthcheck.get("test")
    if isinstance(test, str):
        command = ["sh", "-c", test]
    elif isinstance(test, list) and test and test[0] == "CMD":
        command = [str(part) for part in test[1:]]
    elif isinstance(test, list) and test and test[0] == "CMD-SHELL":
        command = ["sh", "-c", str(test[1])]
    else:
        raise K8sConfigError(f"healthcheck.test must be CMD, CMD-SHELL or a string: {test!r}")
    period = _seconds(healthcheck.get("interval", "5s"))
    retries = int(healthcheck.get("retries", 3))
    grace = _seconds(healthcheck["start_period"]) if "start_period" in healthcheck else 0
    return {
        "exec": {"command": command},
        "periodSeconds": period,
        "timeoutSeconds": _seconds(healthcheck.get("timeout", "30s")),
        "failureThreshold": retries + 1 + -(-grace // period),
    }


# --------------------------------------------------------------------------- values


def _env(env: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": key, "value": str(value)} for key, value in sorted(env.items())]


def _runtime(spec: dict[str, Any]) -> dict[str, Any]:
    runtime = os.environ.get(RUNTIME_CLASS_ENV, "").strip()
    return spec | {"runtimeClassName": runtime} if runtime else spec


def helm_values(fixture: Fixture, registry: str | None = None) -> dict[str, Any]:
    """The agent-env chart's values for one fixture (a plain dict, ready for YAML)."""
    services: list[Service] = [load_service(name) for name in fixture.services]
    image = cluster_image(fixture_image_tag(fixture), registry)
    agent_env, grader_env = service_environments(services)

    def container(env: dict[str, str]) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "image": image,
            "imagePullPolicy": "IfNotPresent",
            "command": ["sleep", "infinity"],
            "args": [],
            "workingDir": WORKDIR,
            "dnsRecord": False,
            "env": _env(env),
            "resources": pod_resources(fixture.resources),
        }
        if not services:
            spec["networkIsolated"] = True  # compose: network_mode: none
        return _runtime(spec)

    values: dict[str, Any] = {
        "global": {"nameOverride": "", "fullnameOverride": ""},
        "networkPolicy": {"enabled": True},
        "services": {AGENT: container(agent_env), GRADER: container(grader_env)},
    }
    for service in services:
        spec: dict[str, Any] = {
            "image": cluster_image(stack_image_tag(service.image), registry),
            "imagePullPolicy": "IfNotPresent",
            "dnsRecord": True,
            "resources": pod_resources(service.resources),
        }
        if service.hostname != service.hostname.lower() or not re.fullmatch(
            r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?", service.hostname
        ):
            raise K8sConfigError(
                f"service '{service.name}': hostname '{service.hostname}' is not a valid "
                "Kubernetes service name (lower-case letters, digits and '-')"
            )
        if service.healthcheck:
            spec["readinessProbe"] = readiness_probe(service.healthcheck)
        values["services"][service.hostname] = _runtime(spec)
    return values


def values_path(fixture: Fixture, directory: Path = VALUES_DIR) -> Path:
    return directory / f"{fixture.family}.{fixture.id}.values.yaml"


def write_values(fixture: Fixture, registry: str | None = None, directory: Path = VALUES_DIR) -> Path:
    """Write the fixture's Helm values file (atomically: parallel runs never read half a file)."""
    path = values_path(fixture, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        f"# Generated by evals.k8s from {fixture.path / 'fixture.yaml'}: do not edit.\n"
        + yaml.safe_dump(helm_values(fixture, registry), sort_keys=False)
    )
    if path.is_file() and path.read_text() == text:
        return path
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)
    return path


def k8s_sandbox_spec(
    fixture: Fixture, registry: str | None = None, directory: Path = VALUES_DIR
) -> SandboxEnvironmentSpec:
    """The sample's sandbox on Kubernetes: Inspect's `k8s` sandbox with the generated values
    (the registry defaults to EVALS_IMAGE_REGISTRY)."""
    from k8s_sandbox import K8sSandboxEnvironmentConfig  # registers the "k8s" sandbox type

    registry = normalise_registry(registry) if registry is not None else image_registry()
    path = write_values(fixture, registry, directory)
    return SandboxEnvironmentSpec("k8s", K8sSandboxEnvironmentConfig(values=path))


def chart_schema_path() -> Path:
    """values.schema.json of the agent-env chart shipped in inspect-k8s-sandbox."""
    from k8s_sandbox._helm import DEFAULT_CHART

    return Path(DEFAULT_CHART) / "values.schema.json"
