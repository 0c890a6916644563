"""Inspect's portable sandbox conformance checks, on Inspect's docker sandbox and on the
project's docker-sdk provider, in the project's main sandbox image; plus what docker-sdk adds
over them: the fixture description (limits, services, healthchecks, no egress) turned into
containers, and nothing left behind.

A check either provider cannot pass is listed in KNOWN_FAILURES with the reason; the lists are
compared, so docker-sdk never fails a check Inspect's own sandbox passes.
"""

from collections.abc import AsyncIterator

import pytest
from inspect_ai.util import SandboxEnvironment
from inspect_ai.util._sandbox import self_check
from inspect_ai.util._sandbox.self_check import *  # noqa: F403  (the checks, collected here)

from evals.docker_sdk import PROVIDER, SandboxConfigError, container_specs, create_body, engine, remove_projects
from evals.fixtures import load_family
from evals.images import ensure_stack_image
from evals.paths import ROOT
from evals.sandbox import INIT, grading_config
from evals.sandbox import compose_config as fixture_compose_config
from sandbox_support import compose_config, docker_sandbox

pytestmark = [pytest.mark.docker, pytest.mark.anyio]

KNOWN_FAILURES: dict[str, dict[str, str]] = {
    # The sandbox's default user is root, whom file modes do not stop when writing.
    "docker": {
        "test_write_text_file_without_permissions": "root writes a read-only file",
        "test_write_binary_file_without_permissions": "root writes a read-only file",
    },
}
KNOWN_FAILURES[PROVIDER] = dict(KNOWN_FAILURES["docker"])  # no more, no fewer


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", params=["docker", PROVIDER])
async def provider_env(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, SandboxEnvironment]]:
    image = ensure_stack_image("python-web")[0]
    async with docker_sandbox(image, task_name="conformance", provider=request.param) as env:
        yield request.param, env


@pytest.fixture
async def sandbox_env(provider_env: tuple[str, SandboxEnvironment], request: pytest.FixtureRequest) -> SandboxEnvironment:
    provider, env = provider_env
    reason = KNOWN_FAILURES[provider].get(request.node.originalname)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    return env


def test_every_check_is_collected() -> None:
    """The wildcard import brought Inspect's checks in (a renamed module would silently test nothing)."""
    checks = [name for name in dir(self_check) if name.startswith("test_")]
    assert len(checks) >= 40
    assert all(name in globals() for name in checks)
    assert set(KNOWN_FAILURES[PROVIDER]) <= set(KNOWN_FAILURES["docker"]) | set(checks)


# --------------------------------------------------------------- the fixture description


def postgres_fixture():
    return next(f for f in load_family(ROOT / "tasks" / "db_optimize") if "postgres" in f.services)


def test_the_description_becomes_engine_containers() -> None:
    """Limits, the internal network, the service's alias and healthcheck: read from the same
    ComposeConfig Inspect's docker sandbox is given."""
    specs, network = container_specs(fixture_compose_config(postgres_fixture()))
    names = [name for name, _ in specs]
    assert names == ["default", "db"]  # no grader: grading gets an environment of its own
    assert network == "sandbox"
    body = dict(specs)
    assert body["default"]["HostConfig"] == {"NanoCpus": 10**9, "Memory": 2 * 2**30,
                                             "MemorySwap": 2 * 2**30, "PidsLimit": 512}  # fmt: skip
    assert body["default"]["Cmd"] == INIT  # no Docker init: its signal forwarding would let the agent stop it
    assert body["default"]["WorkingDir"] == "/repo"
    assert any(e.startswith("DATABASE_URL=") and "@db:" in e for e in body["default"]["Env"])
    assert "db" in body["db"]["_aliases"]
    health = body["db"]["Healthcheck"]
    assert health["Test"][:2] == ["CMD", "pg_isready"]
    assert health["Interval"] == 10**9 and health["StartInterval"] == 2 * 10**8 and health["Retries"] == 60


def test_the_grading_description_copies_the_services_and_the_agents_variables() -> None:
    """A fresh grading container and fresh services under the same host names, with exactly the
    service variables the agent's container had (nothing tells the code it is being graded)."""
    fixture = postgres_fixture()
    agent, grading = dict(container_specs(fixture_compose_config(fixture))[0]), dict(container_specs(grading_config(fixture))[0])
    assert list(grading) == ["grader", "db"]
    assert sorted(grading["grader"]["Env"]) == sorted(agent["default"]["Env"])
    assert grading["grader"]["Image"] == agent["default"]["Image"] and grading["grader"]["Cmd"] == INIT
    assert grading["db"] == agent["db"]


def test_a_sample_body_joins_its_network_by_alias_or_stays_off_it() -> None:
    specs, _ = container_specs(fixture_compose_config(postgres_fixture()))
    db = create_body(dict(specs)["db"], "p_sandbox", {"evals.sandbox": "p"})
    assert db["HostConfig"]["NetworkMode"] == "p_sandbox" and db["Labels"] == {"evals.sandbox": "p"}
    assert "db" in db["NetworkingConfig"]["EndpointsConfig"]["p_sandbox"]["Aliases"]
    assert not any(key.startswith("_") for key in db)
    [(_, alone)], network = container_specs(compose_config("python:3.12-slim", "/repo"))
    assert network is None
    assert create_body(alone, None, {})["HostConfig"]["NetworkMode"] == "none"


def test_an_unsupported_key_is_refused_not_ignored() -> None:
    config = compose_config("python:3.12-slim", "/repo")
    data = config.model_dump(by_alias=True, exclude_none=True)
    data["services"]["default"]["volumes"] = ["/:/host"]
    with pytest.raises(SandboxConfigError, match="volumes"):
        container_specs(type(config).model_validate(data))


def test_a_network_with_egress_is_refused_not_made_internal() -> None:
    config = fixture_compose_config(postgres_fixture())
    data = config.model_dump(by_alias=True, exclude_none=True)
    data["networks"] = {name: {"internal": False} for name in data["networks"]}
    with pytest.raises(SandboxConfigError, match="internal"):
        container_specs(type(config).model_validate(data))


@pytest.mark.anyio
async def test_services_answer_egress_is_closed_and_nothing_is_left() -> None:
    """A PostgreSQL fixture on docker-sdk: the database is healthy and reachable by its alias from
    the agent's container, nothing outside is, and cleanup removes containers and network."""
    from evals.docker_sdk import DockerSdkSandboxEnvironment as Sdk

    fixture = postgres_fixture()
    config = fixture_compose_config(fixture)
    envs = await Sdk.sample_init("conformance-pg", config, {})
    project = envs["default"].project  # type: ignore[attr-defined]
    try:
        assert list(envs) == ["default", "db"]
        query = ("import os, psycopg; url = os.environ['DATABASE_URL'].replace('+psycopg', ''); "
                 "print(psycopg.connect(url, connect_timeout=5).execute('select 41 + 1').fetchone()[0])")  # fmt: skip
        result = await envs["default"].exec(["python", "-c", query], timeout=60)
        assert result.stdout.strip() == "42", result
        outside = await envs["default"].exec(
            ["python", "-c", "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)"], timeout=30
        )
        assert not outside.success and "unreachable" in outside.stderr.lower() + outside.stdout.lower(), outside
        health = engine().inspect_container(envs["db"].container_id)["Config"]["Healthcheck"]  # type: ignore[attr-defined]
        assert health["StartInterval"] == 2 * 10**8 and health["Interval"] == 10**9, health  # as described
        limits = await envs["default"].exec(["sh", "-c", "cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max "
                                                   "/sys/fs/cgroup/pids/pids.max "
                                                   "/sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null"])
        assert limits.stdout.split() == ["512", str(2 * 2**30)], limits
    finally:
        await Sdk.sample_cleanup("conformance-pg", config, envs, interrupted=False)
    api = engine()
    assert api.containers(all=True, filters={"label": f"evals.sandbox={project}"}) == []
    assert api.networks(filters={"label": f"evals.sandbox={project}"}) == []
    assert remove_projects(project) == []


def test_a_sandbox_is_orphaned_only_when_its_maker_has_ended_on_this_host() -> None:
    """The owner label names one process (pid and start time, so a reused pid is not it): ours
    runs, an exited child's and another boot's have ended; of another host's, another pid
    namespace's or a label that is not ours, nothing can be told."""
    import os
    import subprocess

    from evals.docker_sdk import owner_alive, owner_token

    ours = owner_token()
    assert owner_alive(ours) is True
    child = subprocess.Popen(["sleep", "30"])
    theirs = owner_token(child.pid)
    assert owner_alive(theirs) is True
    child.kill()
    child.wait()
    assert owner_alive(theirs) is False
    host, boot, space, pid, started = ours.split("/")
    assert owner_alive("/".join((host, boot, space, pid, repr(float(started) + 1)))) is False  # the pid, reused
    assert owner_alive("/".join((host, "another-boot", space, pid, started))) is False
    gone = str(os.getpid() + 10**6)
    assert owner_alive("/".join((host, boot, space, gone, started))) is False
    assert owner_alive("/".join(("another-host", boot, space, gone, started))) is None
    assert owner_alive("/".join((host, boot, "pid:[1]", gone, started))) is None  # another container's
    assert {owner_alive(t) for t in ("", "garbage", f"{host}/{boot}/{space}/not-a-pid/1")} == {None}


def _sandbox_of_a_process_that_ended(project: str, config, stopped: bool = False) -> None:
    """A sandbox made (created and started, its container running, or `stopped`) by another
    process that then exits without removing it, as a run killed mid-sample does."""
    import subprocess
    import sys

    made = ("import os, sys; from inspect_ai.util import ComposeConfig; from evals.docker_sdk import create_sandbox; "
            "create_sandbox(sys.argv[1], ComposeConfig.model_validate_json(sys.argv[2])); os._exit(0)")  # fmt: skip
    subprocess.run([sys.executable, "-c", made, project, config.model_dump_json(by_alias=True, exclude_none=True)],
                   cwd=ROOT, check=True, timeout=120)  # fmt: skip
    [container] = engine().containers(all=True, filters={"label": f"evals.sandbox={project}"})
    assert container["State"] == "running"
    if stopped:
        engine().stop(container["Id"], timeout=0)


async def test_a_dead_sandbox_is_reaped_and_a_live_one_kept() -> None:
    """The matrix's reaper (`reap_dead_sandboxes`) also finds docker-sdk sandboxes: one whose
    maker has ended without removing it is removed, running or stopped; one of a live process
    is left to it, running or stopped (its agent may have stopped its own container, which the
    grader still reads); of an unknown maker, one whose containers have all exited is removed."""
    from evals.docker_engine import reap_dead_sandboxes
    from evals.docker_sdk import DockerSdkSandboxEnvironment as Sdk

    config = compose_config(ensure_stack_image("python-web")[0], "/repo")
    stopped = await Sdk.sample_init("conformance-reap", config, {})
    live = await Sdk.sample_init("conformance-reap", config, {})
    stopped_project, live_project = stopped["default"].project, live["default"].project  # type: ignore[attr-defined]
    half, setting_up = f"{live_project}-half", f"{live_project}-setup"
    dead, orphan = f"{live_project}-dead", f"{live_project}-orphan"
    [(_, spec)], _ = container_specs(config)
    try:
        # made without an owner label: the engine died between create and start, one container
        # exited and one never started (dead); a sample being set up, created, not started (live)
        made = [engine().create_container_from_config(create_body(spec, None, {"evals.sandbox": half}),
                                                      name=f"{half}-{n}")["Id"] for n in ("default", "grader")]  # fmt: skip
        engine().start(made[0])
        engine().stop(made[0], timeout=0)
        engine().create_container_from_config(create_body(spec, None, {"evals.sandbox": setting_up}),
                                              name=f"{setting_up}-default")  # fmt: skip
        engine().stop(stopped["default"].container_id, timeout=0)  # type: ignore[attr-defined]
        _sandbox_of_a_process_that_ended(dead, config, stopped=True)
        _sandbox_of_a_process_that_ended(orphan, config)
        reaped = reap_dead_sandboxes()
        # (another run's reaper, e.g. a concurrent test run's, may have removed them first)
        assert not {live_project, stopped_project, setting_up} & set(reaped)
        for project in (half, dead, orphan):
            assert engine().containers(all=True, filters={"label": f"evals.sandbox={project}"}) == [], project
        for project in (live_project, stopped_project, setting_up):
            assert engine().containers(all=True, filters={"label": f"evals.sandbox={project}"}), project
        assert (await live["default"].exec(["true"])).success
    finally:  # whatever the assertions found, nothing of this test is left on the engine
        for project in (half, setting_up, dead, orphan):
            remove_projects(project)
        await Sdk.sample_cleanup("conformance-reap", config, live, interrupted=False)
        await Sdk.sample_cleanup("conformance-reap", config, stopped, interrupted=False)
