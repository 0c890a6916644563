"""The grading environment on the real engine (evals.grading_env): the agent's sandbox is stopped
from the host and read through the archive API, and grading gets containers of its own."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from evals.docker_sdk import DockerSdkSandboxEnvironment as Sdk
from evals.docker_sdk import engine
from evals.fixtures import load_family
from evals.grading_env import (
    RepoTooLarge,
    freeze,
    fresh_environment,
    parse_repo_archive,
    read_repo,
    sample_containers,
)
from evals.images import ensure_images
from evals.sandbox import compose_config, service_environments, load_service

pytestmark = [pytest.mark.docker, pytest.mark.anyio]

DATA = Path(__file__).parent / "data" / "families"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


def fixture(name: str):
    found = next(f for family in ("toy", "hostile") for f in load_family(DATA / family) if f.id == name)
    ensure_images([found])
    return found


def archive(entries: dict[str, bytes | None]) -> io.BytesIO:
    """A tar as the engine sends a folder: entries under the folder's own name."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(f"repo/{name}")
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    out.seek(0)
    return out


def test_an_archive_becomes_the_repository_without_git_caches_or_links():
    files = parse_repo_archive(archive({
        "app/main.py": b"x = 1\n", ".git/config": b"[core]\n", "app/__pycache__/main.pyc": b"\0",
        "passwd": None,
    }))  # fmt: skip
    assert files == {"app/main.py": b"x = 1\n", "passwd": None}
    with pytest.raises(RepoTooLarge, match="exceeds"):
        parse_repo_archive(archive({"a.py": b"x" * 600, "b.py": b"y" * 600}), limit=1000)
    # .git does not count towards the limit: it is never graded
    assert parse_repo_archive(archive({".git/pack": b"z" * 5000, "a.py": b"x"}), limit=1000) == {"a.py": b"x"}


async def test_the_agents_sandbox_is_stopped_from_the_host_before_it_is_read():
    """A detached process that keeps rewriting the repository and ignores signals dies with the
    freeze; the repository is read from the stopped container as it was left."""
    toy = fixture("calc_total")
    config = compose_config(toy)
    envs = await Sdk.sample_init("grading-env", config, {})
    try:
        agent = envs["default"]
        loop = "trap '' TERM INT HUP; while true; do date +%s%N > /repo/app/clock.py; sleep 0.05; done"
        started = await agent.exec(["sh", "-c", f"(setsid sh -c \"{loop}\" > /dev/null 2>&1 &); "
                                    "ln -s /etc/passwd /repo/passwd; echo 'y = 2' > /repo/app/new.py"])  # fmt: skip
        assert started.success, started
        containers = await sample_containers(agent)
        assert containers == [agent.container_id]  # type: ignore[attr-defined]
        await freeze(containers)
        state = engine().inspect_container(agent.container_id)["State"]  # type: ignore[attr-defined]
        assert not state["Running"]
        first = await read_repo(agent.container_id)  # type: ignore[attr-defined]
        second = await read_repo(agent.container_id)  # type: ignore[attr-defined]
        assert first == second  # nothing changes it any more
        assert first["app/new.py"] == b"y = 2\n" and first["passwd"] is None
        assert first["app/stats.py"] == (toy.repo_dir / "app" / "stats.py").read_bytes()
        assert not any(path.startswith(".git/") for path in first)
    finally:
        await Sdk.sample_cleanup("grading-env", config, envs, interrupted=False)


async def test_a_repository_replaced_by_a_link_is_not_graded():
    toy = fixture("calc_total")
    config = compose_config(toy)
    envs = await Sdk.sample_init("grading-env", config, {})
    try:
        agent = envs["default"]
        assert (await agent.exec(["sh", "-c", "mv /repo /repo.real && ln -s / /repo"])).success
        await freeze(await sample_containers(agent))
        with pytest.raises(RepoTooLarge, match="no longer a folder"):
            await read_repo(agent.container_id)  # type: ignore[attr-defined]
    finally:
        await Sdk.sample_cleanup("grading-env", config, envs, interrupted=False)


async def test_grading_gets_fresh_services_with_the_agents_variables_and_a_secret():
    """New containers on a network of their own, the agent's variable names and values, an
    untouched database, and a superuser password made for this run that the app's role lacks."""
    with_db = fixture("with_db")
    agent_env, _ = service_environments([load_service("postgres")])
    async with fresh_environment(with_db) as env:
        runner, db = env.runner, env.services["db"]
        assert env.app_env == agent_env
        password = env.runner_env["EVALS_PG_PASSWORD"]
        assert len(password) >= 32 and password not in str(env.app_env)
        check = ("import os, psycopg; url = os.environ['DATABASE_URL'].replace('+psycopg', ''); "
                 "c = psycopg.connect(url); print(c.execute('select count(*) from pg_tables where "
                 "schemaname = %s', ('public',)).fetchone()[0])")  # fmt: skip
        result = await runner.exec(["python", "-c", check], env=env.app_env, timeout=60)
        assert result.stdout.strip() == "0", result  # the app's database, empty
        admin = ("import os, psycopg; print(psycopg.connect(host='db', user='postgres', dbname='postgres', "
                 "password=os.environ['P']).execute('select count(*) from pg_stat_statements').fetchone()[0] >= 0)")
        ok = await runner.exec(["python", "-c", admin], env={"P": password}, timeout=60)
        assert ok.stdout.strip() == "True", ok
        denied = await runner.exec(["python", "-c", admin], env={"P": "app"}, timeout=60)
        assert not denied.success and "password authentication failed" in denied.stderr
        project = runner.project  # type: ignore[attr-defined]
        networks = engine().inspect_container(db.container_id)["NetworkSettings"]["Networks"]  # type: ignore[attr-defined]
        assert list(networks) == [f"{project}_sandbox"]
    api = engine()
    assert api.containers(all=True, filters={"label": f"evals.sandbox={project}"}) == []
    assert api.networks(filters={"label": f"evals.sandbox={project}"}) == []


async def test_a_container_stopped_by_running_out_of_memory_is_told_apart_from_one_killed_outside():
    """`stopped_out_of_memory`: the agent's doing (its processes used the memory up, the kernel
    killed the main process) versus a stop from the host (not the agent's doing)."""
    from types import SimpleNamespace

    from evals.images import ensure_stack_image
    from evals.sandbox import stopped_out_of_memory

    image = ensure_stack_image("python-web")[0]
    api = engine()
    hog = api.create_container(image, ["python3", "-c", "x = [bytearray(2**24) for _ in range(1000)]"],
                               host_config=api.create_host_config(mem_limit="64m", memswap_limit="64m"),
                               labels={"evals.sandbox": "test-oom"})["Id"]  # fmt: skip
    idle = api.create_container(image, ["sleep", "infinity"], labels={"evals.sandbox": "test-oom"})["Id"]
    try:
        api.start(hog)
        api.start(idle)
        api.wait(hog, timeout=120)
        api.kill(idle)
        api.wait(idle, timeout=60)
        assert await stopped_out_of_memory(SimpleNamespace(container_id=hog))
        assert not await stopped_out_of_memory(SimpleNamespace(container_id=idle))
    finally:
        for container in (hog, idle):
            api.remove_container(container, force=True)
