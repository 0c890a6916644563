"""Kubernetes sandboxes (sandbox=k8s) without a cluster and without Docker: the generated Helm
values against the agent-env chart's own schema, the fixture description they come from, task
loading with `-T sandbox=k8s`, and `evals images push` (with a stand-in engine)."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from evals import k8s
from evals.fixtures import family_names, load_all
from evals.images import ImagePushError, fixture_image_tag, push_images, stack_image_tag
from evals.sandbox import DEFAULT_RESOURCES, load_service
from evals.task import VariantError, family_task
from evals.paths import TASKS_DIR

FIXTURES = load_all()
REGISTRY = "registry.example.com:5000/evals"


@pytest.fixture(autouse=True)
def _no_env_registry(monkeypatch):
    monkeypatch.delenv(k8s.REGISTRY_ENV, raising=False)
    monkeypatch.delenv(k8s.RUNTIME_CLASS_ENV, raising=False)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(k8s.chart_schema_path().read_text())


@pytest.fixture(scope="module")
def chart_defaults() -> dict:
    return yaml.safe_load((k8s.chart_schema_path().parent / "values.yaml").read_text())


def _helm_merge(base: dict, override: dict) -> dict:
    """Helm's coalescing of a values file over the chart's values.yaml (maps merge, rest replaces)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _ids(fixture) -> str:
    return f"{fixture.family}/{fixture.id}"


def test_every_family_has_fixtures():
    assert len(FIXTURES) >= 30 and {f.family for f in FIXTURES} == set(family_names())


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids)
def test_values_validate_against_the_chart_schema(fixture, schema, chart_defaults, tmp_path):
    values = k8s.helm_values(fixture, REGISTRY)
    jsonschema.validate(values, schema)  # the file alone
    jsonschema.validate(_helm_merge(chart_defaults, values), schema)  # as Helm sees it
    # and what is written to disk is exactly that
    path = k8s.write_values(fixture, REGISTRY, tmp_path)
    assert yaml.safe_load(path.read_text()) == values


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids)
def test_values_allow_no_egress(fixture, chart_defaults):
    values = k8s.helm_values(fixture, REGISTRY)
    merged = _helm_merge(chart_defaults, values)
    for key in k8s.EGRESS_KEYS:
        assert not values.get(key), key
        assert not merged.get(key), key
    assert merged["networkPolicy"]["enabled"] is True  # the egress policy is rendered
    if not fixture.services:  # compose: network_mode: none
        assert values["services"]["default"]["networkIsolated"] is True
        assert values["services"]["grader"]["networkIsolated"] is True


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids)
def test_values_match_the_fixture_description(fixture):
    values = k8s.helm_values(fixture)
    services = [load_service(name) for name in fixture.services]
    assert set(values["services"]) == {"default", "grader", *(s.hostname for s in services)}
    assert list(values["services"])[0] == "default"

    expected = DEFAULT_RESOURCES | fixture.resources
    limits = {
        "cpu": f"{round(float(expected['cpus']) * 1000)}m",
        "memory": k8s.memory_quantity(expected["memory"]),
        "ephemeral-storage": k8s.memory_quantity(expected["disk"]),
    }
    agent_env: dict[str, str] = {}
    grader_env: dict[str, str] = {}
    for service in services:
        agent_env |= service.agent_env
        grader_env |= service.grader_env
    for name, env in (("default", agent_env), ("grader", grader_env)):
        spec = values["services"][name]
        assert spec["image"] == fixture_image_tag(fixture)  # no registry set: the local tag
        assert spec["command"] == ["sleep", "infinity"]
        assert spec["workingDir"] == "/repo"
        assert {e["name"]: e["value"] for e in spec["env"]} == env
        assert spec["resources"] == {"limits": limits, "requests": limits}
    for service in services:
        spec = values["services"][service.hostname]
        assert spec["image"] == stack_image_tag(service.image)
        assert spec["dnsRecord"] is True  # DATABASE_URL / REDIS_URL name it
        merged = DEFAULT_RESOURCES | service.resources
        assert spec["resources"]["limits"]["memory"] == k8s.memory_quantity(merged["memory"])
        assert spec["resources"]["limits"]["cpu"] == k8s.cpu_quantity(merged["cpus"])
        if service.healthcheck:
            assert spec["readinessProbe"]["exec"]["command"] == service.healthcheck["test"][1:]


def test_known_quantities_and_probe():
    assert k8s.memory_quantity("2g") == "2Gi"
    assert k8s.memory_quantity("300m") == "300Mi"
    assert k8s.memory_quantity("1536m") == "1536Mi"
    assert k8s.cpu_quantity(1.0) == "1000m" and k8s.cpu_quantity("0.5") == "500m"
    probe = k8s.readiness_probe(load_service("postgres").healthcheck)
    assert probe == {
        "exec": {"command": ["pg_isready", "-q", "-h", "127.0.0.1", "-U", "postgres"]},
        "periodSeconds": 1,
        "timeoutSeconds": 3,
        "failureThreshold": 60 + 1 + 30,  # retries + 1, plus the start_period grace
    }
    with pytest.raises(k8s.K8sConfigError):
        k8s.cpu_quantity("lots")


def test_registry_prefixes_every_image(monkeypatch):
    fixture = next(f for f in FIXTURES if f.services)
    monkeypatch.setenv(k8s.REGISTRY_ENV, REGISTRY + "/")
    values = k8s.helm_values(fixture, k8s.image_registry())
    images = {spec["image"] for spec in values["services"].values()}
    assert images and all(image.startswith(REGISTRY + "/evals") for image in images)
    assert values["services"]["default"]["image"] == f"{REGISTRY}/{fixture_image_tag(fixture)}"


def test_runtime_class_can_be_chosen(monkeypatch, schema):
    monkeypatch.setenv(k8s.RUNTIME_CLASS_ENV, "CLUSTER_DEFAULT")
    values = k8s.helm_values(FIXTURES[0])
    assert {s["runtimeClassName"] for s in values["services"].values()} == {"CLUSTER_DEFAULT"}
    jsonschema.validate(values, schema)


@pytest.mark.parametrize("bad", ["https://registry.example.com", "Registry.Example.com", "a b", "reg:port"])
def test_bad_registry_names_are_refused(bad):
    with pytest.raises(k8s.K8sConfigError, match="registry"):
        k8s.normalise_registry(bad)


def test_push_mapping():
    local = ["evals/postgres:fbf6ac9eb0a2", "evals-fixture/caching.x:abc", "evals/postgres:fbf6ac9eb0a2"]
    assert k8s.push_mapping(local, "localhost:5000/") == {
        "evals-fixture/caching.x:abc": "localhost:5000/evals-fixture/caching.x:abc",
        "evals/postgres:fbf6ac9eb0a2": "localhost:5000/evals/postgres:fbf6ac9eb0a2",
    }
    caching = [f for f in FIXTURES if f.family == "caching"]
    mapping = k8s.push_mapping(k8s.local_images(caching), REGISTRY)
    expected_local = {fixture_image_tag(f) for f in caching} | {
        stack_image_tag(load_service(s).image) for f in caching for s in f.services
    }
    assert set(mapping) == expected_local
    assert all(remote == f"{REGISTRY}/{tag}" for tag, remote in mapping.items())
    # what the cluster is told to pull is exactly what was pushed
    pulled = {s["image"] for f in caching for s in k8s.helm_values(f, REGISTRY)["services"].values()}
    assert pulled == set(mapping.values())


# --------------------------------------------------------------------------- task loading


@pytest.mark.parametrize("family", family_names())
def test_family_loads_with_sandbox_k8s(family, monkeypatch):
    from inspect_ai._eval.loader import load_tasks
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv
    from k8s_sandbox import K8sSandboxEnvironment, K8sSandboxEnvironmentConfig

    assert registry_find_sandboxenv("k8s") is K8sSandboxEnvironment
    # the way `inspect eval tasks/<family> -T sandbox=k8s` loads it (no Docker is touched:
    # with k8s, images are not built locally)
    def no_docker(*args, **kwargs):
        raise AssertionError("loading a k8s task must not touch Docker")

    monkeypatch.setattr("evals.task.ensure_images", no_docker)
    monkeypatch.setattr("evals.images.image_exists", no_docker)
    monkeypatch.chdir(TASKS_DIR.parent)
    [task] = load_tasks([f"{TASKS_DIR.name}/{family}"], {"sandbox": "k8s"})
    assert task.metadata["sandbox"] == "k8s"
    assert len(task.dataset) == len([f for f in FIXTURES if f.family == family])
    for sample in task.dataset:
        assert sample.sandbox is not None and sample.sandbox.type == "k8s"
        config = sample.sandbox.config
        assert isinstance(config, K8sSandboxEnvironmentConfig)
        assert config.values is not None and config.values.is_file()
        assert config.chart is None  # the package's built-in agent-env chart
        values = yaml.safe_load(config.values.read_text())
        assert values["services"]["default"]["image"].startswith("evals-fixture/")


def test_local_providers_read_the_same_description_and_docker_sdk_is_the_default():
    from inspect_ai.util import ComposeConfig

    family = TASKS_DIR / "caching"
    configs = {}
    for kwargs, provider in (({}, "docker-sdk"), ({"sandbox": "docker-sdk"}, "docker-sdk"),
                             ({"sandbox": "docker"}, "docker")):  # fmt: skip
        task = family_task(family, build_images=False, **kwargs)
        assert task.metadata["sandbox"] == provider
        for sample in task.dataset:
            assert sample.sandbox.type == provider
            assert isinstance(sample.sandbox.config, ComposeConfig)
            configs.setdefault(sample.id, []).append(sample.sandbox.config)
    assert all(len(c) == 3 and c[0] == c[1] == c[2] for c in configs.values())


def test_unknown_sandbox_is_one_sentence():
    with pytest.raises(VariantError, match="unknown sandbox 'kubernetes'.*docker.*k8s"):
        family_task(TASKS_DIR / "caching", sandbox="kubernetes", build_images=False)


# --------------------------------------------------------------------------- evals images push


class _Image:
    def __init__(self, tags: list[str]) -> None:
        self.tags = tags

    def tag(self, repository: str, tag: str) -> bool:
        self.tags.append(f"{repository}:{tag}")
        return True


class _Images:
    def __init__(self, present: set[str], push_lines: list[dict]) -> None:
        self.present, self.push_lines, self.pushed, self.tagged = present, push_lines, [], []

    def get(self, name: str) -> _Image:
        from docker.errors import ImageNotFound

        if name not in self.present:
            raise ImageNotFound(f"No such image: {name}")
        return _Image(self.tagged)

    def push(self, repository, tag=None, stream=False, decode=False):
        self.pushed.append(f"{repository}:{tag}")
        return iter(self.push_lines)


class _Client:
    def __init__(self, present: set[str], push_lines: list[dict]) -> None:
        self.images = _Images(present, push_lines)


UNREACHABLE = [
    {"status": "The push refers to repository [127.0.0.1:9/evals/postgres]"},
    {"errorDetail": {"message": "Get \"https://127.0.0.1:9/v2/\": dial tcp 127.0.0.1:9: connect: connection refused"},
     "error": "Get \"https://127.0.0.1:9/v2/\": dial tcp 127.0.0.1:9: connect: connection refused"},
]


def test_push_tags_and_pushes_with_progress():
    mapping = k8s.push_mapping(["evals/postgres:abc", "evals/redis:def"], "localhost:5000")
    client = _Client(set(mapping), [
        {"status": "Preparing", "id": "l1"}, {"status": "Pushing", "id": "l1", "progress": "[=>  ]"},
        {"status": "Pushing", "id": "l1"}, {"status": "Pushed", "id": "l1"}, {"status": "abc: digest: sha256:1"},
    ])
    lines: list[str] = []
    assert push_images(mapping, log=lines.append, client=client) == list(mapping.values())
    assert client.images.tagged == client.images.pushed == list(mapping.values())
    assert "  l1: Pushing" in lines and lines.count("  l1: Pushing") == 2  # once per image


def test_push_of_an_unbuilt_image_names_it_and_pushes_nothing():
    mapping = k8s.push_mapping(["evals/postgres:abc", "evals/redis:def"], "localhost:5000")
    client = _Client({"evals/postgres:abc"}, [])
    with pytest.raises(ImagePushError, match=r"evals/redis:def.*evals images build"):
        push_images(mapping, log=lambda m: None, client=client)
    assert client.images.pushed == []


def test_push_to_an_unreachable_registry_is_a_clear_message(monkeypatch):
    """The CLI end to end with a stand-in engine answering what a real one answers when the
    registry does not: one 'error:' line and exit code 2, no traceback."""
    import docker

    caching = [f for f in FIXTURES if f.family == "caching"]
    present = set(k8s.local_images(caching))
    monkeypatch.setattr(docker, "from_env", lambda: _Client(present, UNREACHABLE))
    from evals.cli import main

    result = CliRunner().invoke(main, ["images", "push", "127.0.0.1:9", "caching"])
    assert result.exit_code == 2, result.output
    assert "error: pushing 127.0.0.1:9/evals" in result.output
    assert "connection refused" in result.output and "registry reachable" in result.output
    assert "Traceback" not in result.output


def test_push_without_an_engine_is_a_clear_message(monkeypatch):
    import docker
    from docker.errors import DockerException

    def no_engine():
        raise DockerException("Error while fetching server API version: connection refused")

    monkeypatch.setattr(docker, "from_env", no_engine)
    from evals.cli import main

    result = CliRunner().invoke(main, ["images", "push", "localhost:5000", "caching"])
    assert result.exit_code == 2 and "error: the Docker engine does not answer" in result.output
    assert "Traceback" not in result.output


def test_push_dry_run_prints_the_mapping():
    from evals.cli import main

    result = CliRunner().invoke(main, ["images", "push", "localhost:5000/x", "caching", "--dry-run"])
    assert result.exit_code == 0, result.output
    caching = [f for f in FIXTURES if f.family == "caching"]
    expected = k8s.push_mapping(k8s.local_images(caching), "localhost:5000/x")
    assert result.output.splitlines() == [f"{a} -> {b}" for a, b in expected.items()]


@pytest.mark.docker
def test_push_to_an_unreachable_registry_on_the_real_engine():
    """Needs the engine and built images (no container is started): the first push names the
    image, then one `error:` line says the registry is unreachable, and nothing else is tried."""
    from evals.cli import main

    result = CliRunner().invoke(main, ["images", "push", "127.0.0.1:9", "caching"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("error: ") and "connection refused" in lines[-1], result.output
    assert "Traceback" not in result.output
    assert sum(line.startswith("pushing ") for line in lines) == 1, result.output
